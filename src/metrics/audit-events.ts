import { AUDIT_ACTIONS, SYNC_ACTIONS } from '../state/audit-actions.js';
import type { AuditRecord } from '../state/audit-log.js';

/*
 * Which bot counters an audit record moves. Every sync, refresh, restart and confirmation is
 * audited (DESIGN.md "Audit"), whichever path ran it (a command, the scheduler, a bot restart
 * finding an interrupted one), so counting here counts them all, once.
 */

export const SYNC_OUTCOMES = ['ok', 'partial', 'failed', 'refused', 'interrupted'] as const;
export const REFRESH_AUDIT_OUTCOMES = ['ok', 'partial', 'failed', 'refused'] as const;
/** A node restarted (`ok`), did not come back ready (`failed`), was refused or no-go, or was cut short by a bot stop. */
export const RESTART_OUTCOMES = ['ok', 'failed', 'refused', 'interrupted'] as const;
export const CONFIRMATION_RESULTS = ['confirmed', 'cancelled', 'expired'] as const;
/** A renewal done (`ok`: renewed, or found renewed already), or one that failed (for now or for good: the detail says which). */
export const RENEWAL_OUTCOMES = ['ok', 'failed'] as const;

export type AuditCounter = 'syncs' | 'refreshes' | 'restarts' | 'confirmations' | 'renewals';

/** The actions each counter counts; a dry run is a plan, not a sync. */
const COUNTED: Array<{ counter: Exclude<AuditCounter, 'confirmations'>; actions: readonly string[]; outcomes: readonly string[] }> = [
  { counter: 'syncs', actions: SYNC_ACTIONS, outcomes: SYNC_OUTCOMES },
  { counter: 'refreshes', actions: [AUDIT_ACTIONS.refresh], outcomes: REFRESH_AUDIT_OUTCOMES },
  { counter: 'restarts', actions: [AUDIT_ACTIONS.restart], outcomes: RESTART_OUTCOMES },
  { counter: 'renewals', actions: [AUDIT_ACTIONS.renewal], outcomes: RENEWAL_OUTCOMES },
];

export function auditCounts(record: Pick<AuditRecord, 'action' | 'outcome'>): Array<{ counter: AuditCounter; outcome: string }> {
  const counts: Array<{ counter: AuditCounter; outcome: string }> = [];
  // A plan's answer: ✅, ❌, or nobody in time (also a plan left pending by a bot restart).
  if ((CONFIRMATION_RESULTS as readonly string[]).includes(record.outcome)) counts.push({ counter: 'confirmations', outcome: record.outcome });
  for (const { counter, actions, outcomes } of COUNTED) {
    if (actions.includes(record.action) && outcomes.includes(record.outcome)) counts.push({ counter, outcome: record.outcome });
  }
  return counts;
}
