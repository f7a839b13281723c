import type { TimelineInput } from '../domain/expiry-timeline.js';
import { AUDIT_ACTIONS, SYNC_ACTIONS } from '../state/audit-actions.js';
import type { AuditRecord } from '../state/audit-log.js';

/*
 * The timeline's markers come from the audit log, which already records every sync,
 * refresh and restart with its node and outcome: no second record of the same facts.
 * Only what happened counts: a dry run, a refusal, a plan or a failed attempt did not
 * sync, refresh or restart anything. Pure: records in, events out.
 */

export type TimelineEvent = TimelineInput['events'][number];

const DONE = new Set<AuditRecord['outcome']>(['ok', 'partial']);
/** A target's line in a sync's detail that says it was reached: `t440: updated …`, `n-3: nothing to change`. */
const REACHED = /^(updated|would update|nothing to change)\b/;

/** The scheduler's wording: `anthropic:default → t440 (main, agent1)`, one per change. */
const CHANGED = /^\S+ → (\S+) \(/;

/** `pc-a` from `pc-a (anthropic:default)`, `pc-a → t440 (…)` split into its two ends. */
function bareNode(text: string): string {
  return text.replace(/\s*\(.*\)$/, '').trim();
}

function syncedNodes(record: AuditRecord, known: ReadonlySet<string>): string[] {
  // The detail names each target with what happened there (`t440: updated …; n-2: busy`, or
  // the scheduler's changes): the reliable list for `to: all` and `owner → followers`.
  const fromDetail = new Set<string>();
  for (const part of (record.detail ?? '').split('; ')) {
    const reached = /^([^:]+): (.*)$/.exec(part);
    if (reached && REACHED.test(reached[2]!) && known.has(reached[1]!)) fromDetail.add(reached[1]!);
    const changed = CHANGED.exec(part);
    if (changed && known.has(changed[1]!)) fromDetail.add(changed[1]!);
  }
  if (fromDetail.size > 0) return [...fromDetail];
  const to = bareNode(record.target?.split(' → ')[1] ?? '');
  return known.has(to) ? [to] : [];
}

export function timelineEvents(records: readonly AuditRecord[], nodeNames: readonly string[]): TimelineEvent[] {
  const known = new Set(nodeNames);
  const events: TimelineEvent[] = [];
  for (const record of records) {
    if (!DONE.has(record.outcome)) continue;
    const atMs = Date.parse(record.at);
    if (SYNC_ACTIONS.includes(record.action)) {
      for (const node of syncedNodes(record, known)) events.push({ node, kind: 'sync', atMs });
    } else if (record.action === AUDIT_ACTIONS.refresh || record.action === AUDIT_ACTIONS.renewal || record.action === AUDIT_ACTIONS.restart) {
      const node = bareNode(record.target ?? '');
      if (known.has(node)) events.push({ node, kind: record.action === AUDIT_ACTIONS.restart ? 'restart' : 'refresh', atMs });
    }
  }
  return events;
}
