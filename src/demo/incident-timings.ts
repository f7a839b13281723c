import type { CapacityVia } from '../protocol/agent-api.js';
import { CAPACITY_VIA_WORDS } from '../fleet/operations/capacity.js';
import type { LoggedRestart } from './openclaw/restart-from-log.js';

/*
 * Where the minute of a recovery goes: from the messages the bot edited as it worked and the
 * agent's own account of the restart, the time of each step after the ✅. Pure: the marks in,
 * the rows out.
 */

export interface IncidentMarks {
  /** The scheduled alert was posted. */
  alertAt: number;
  /** The plan was offered (its message first asked for ✅). */
  planAt: number;
  /** An ops member reacted ✅. */
  confirmedAt: number;
  /** The restart message as the bot edited it while it worked: each version and when Discord got it. */
  versions: ReadonlyArray<{ at: number; content: string }>;
  /** The agent's restart: when it started, how, how long its command ran (or the gateway took to agree), how long /readyz took after. */
  restart: LoggedRestart | null;
  /** The gateway's own CLI agreed with the bot about the node's tokens (the real run only). */
  healthConfirmedAt: number | null;
  /** How the agent set capacity (from its log); null when it did not say. */
  capacityVia: CapacityVia | null;
}

export interface TimingRow {
  step: string;
  /** This step's own time; null when it did not happen. */
  ms: number | null;
  /** From the table's start (the ✅; a gateway's spawn) to the end of this step. */
  sinceMs: number | null;
}

const firstAt = (marks: IncidentMarks, pattern: RegExp) => marks.versions.find((version) => version.at >= marks.confirmedAt && pattern.test(version.content))?.at ?? null;

export function incidentTimings(marks: IncidentMarks): TimingRow[] {
  // Each step ends where the next one's message appears: the bot says what it starts, not what it finished.
  const capacityStarts = firstAt(marks, /raising maxConcurrent/);
  const restartStarts = firstAt(marks, /restarting the gateway/);
  const tokensFixed = capacityStarts ?? restartStarts;
  const capacitySet = capacityStarts === null ? null : restartStarts;
  const commandDone = marks.restart ? marks.restart.startedAt + marks.restart.commandMs : null;
  const ready = commandDone !== null && marks.restart?.readyAfterMs !== null && marks.restart ? commandDone + marks.restart.readyAfterMs : null;
  const done = marks.versions.find((version) => version.at >= marks.confirmedAt && /^✅ \S+ ready\./.test(version.content))?.at ?? null;
  const end = marks.healthConfirmedAt ?? done;
  const row = (step: string, from: number | null, to: number | null): TimingRow => ({
    step,
    ms: from === null || to === null ? null : to - from,
    sinceMs: to === null ? null : to - marks.confirmedAt,
  });
  return [
    { step: 'alert → plan offered', ms: marks.planAt - marks.alertAt, sinceMs: null },
    row('✅ → tokens fixed (sync from the owner)', marks.confirmedAt, tokensFixed),
    row(`→ capacity set (${marks.capacityVia ? CAPACITY_VIA_WORDS[marks.capacityVia] : 'maxConcurrent'})`, tokensFixed, capacitySet),
    row(marks.restart?.via === 'gateway' ? '→ restart asked of the gateway (its admin RPC)' : '→ restart command done', capacitySet ?? tokensFixed, commandDone),
    row('→ gateway ready (/readyz)', commandDone, ready),
    row('→ the bot reports the node healthy', ready, done),
    // On real OpenClaw its own CLI then has to agree: the demo's witness, after the bot's word.
    ...(marks.healthConfirmedAt === null ? [] : [row('→ token health confirmed (openclaw models status)', done, end)]),
    { step: 'total: ✅ → verified recovery', ms: end === null ? null : end - marks.confirmedAt, sinceMs: end === null ? null : end - marks.confirmedAt },
  ];
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The rows as a table a terminal and a closing note both read; `since` names where the last column counts from. */
export function renderTimings(rows: readonly TimingRow[], since = '✅'): string {
  return [`| step | took | since ${since} |`, '| --- | ---: | ---: |', ...rows.map((row) => `| ${row.step} | ${seconds(row.ms)} | ${seconds(row.sinceMs)} |`)].join('\n');
}
