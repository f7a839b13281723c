import type { RestartVia } from '../../protocol/agent-api.js';
import type { TimingRow } from '../incident-timings.js';

/*
 * Where a real gateway's start goes, from its own output (gateway.out, where every line
 * begins with an ISO time and a subsystem): the process is spawned when the restart command
 * ends, OpenClaw logs its first line once Node has loaded it (or, asked to restart, it
 * says when it has drained and closed and restarts in its process), and it says when its HTTP
 * server starts, when it listens and when it is ready. The agent's /readyz poll sees the
 * end. A version that words a line differently leaves that phase out (—), nothing worse.
 */

/** The first phase: a new process loading, or the running one draining and closing before it starts again in itself. */
const FIRST_PHASE: Record<RestartVia, { step: string; line: RegExp }> = {
  command: { step: 'spawned → OpenClaw loaded (its first line)', line: /\[gateway\] loading configuration/ },
  gateway: { step: 'agreed → drained and closed (it restarts in its process)', line: /\[gateway\] restart mode: in-process/ },
};

const PHASES: ReadonlyArray<{ step: string; line: RegExp }> = [
  { step: '→ config, auth, state and plugins (HTTP server starts)', line: /\[gateway\] starting HTTP server/ },
  { step: '→ HTTP server listening (models, plugins registered)', line: /\[gateway\] http server listening/ },
  { step: '→ channels and sidecars started (it logs ready)', line: /\[gateway\] ready\b/ },
];

function lineTime(line: string): number | null {
  const stamp = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s/.exec(line)?.[1];
  return stamp ? Date.parse(stamp) : null;
}

/**
 * The start that followed the restart (begun at `commandStartedAt`; the command ended, so
 * the new process spawned, or the gateway agreed, at `spawnedAt`), phase by phase, and the
 * last step to the agent's first /readyz 200 (`readyAt`). `sinceMs` here is from `spawnedAt`.
 */
export function gatewayStartPhases(output: readonly string[], commandStartedAt: number, spawnedAt: number, readyAt: number | null, via: RestartVia): TimingRow[] {
  const timed = output.flatMap((line) => {
    const at = lineTime(line);
    return at !== null && at >= commandStartedAt ? [{ at, line }] : [];
  });
  const rows: TimingRow[] = [];
  let previous: number | null = spawnedAt;
  let after = spawnedAt;
  for (const phase of [FIRST_PHASE[via], ...PHASES]) {
    const at = timed.find((entry) => entry.at >= after && phase.line.test(entry.line))?.at ?? null;
    rows.push({ step: phase.step, ms: at === null || previous === null ? null : at - previous, sinceMs: at === null ? null : at - spawnedAt });
    previous = at;
    if (at !== null) after = at;
  }
  rows.push({ step: '→ /readyz answered the agent', ms: readyAt === null || previous === null ? null : readyAt - previous, sinceMs: readyAt === null ? null : readyAt - spawnedAt });
  return rows;
}
