import type { AuditActor } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import type { OperationContext } from './operation-context.js';
import { syncTokens, type SyncRequest } from './sync-tokens.js';
import { summarizeSync, syncOutcome, syncTarget, type SyncReport } from './sync-report.js';

export type SyncCommand = Omit<SyncRequest, 'by' | 'waitForLocksMs' | 'locksHeld' | 'journalled' | 'authority'>;

/**
 * `tokens sync` as a person asks for it: the sync, then one audit record of what changed,
 * or of the refusal (which is thrown on for the front end to show).
 */
export async function auditedSync(context: OperationContext, actor: AuditActor, command: SyncCommand): Promise<SyncReport> {
  const target = syncTarget(command);
  try {
    // A person named the source: it may give what they asked for.
    const report = await syncTokens(context.fleetClient, context.locks, { ...command, authority: 'named', by: actor.name, ...(context.journal ? { journalled: { journal: context.journal, actor } } : {}) });
    await context.audit.record({ actor, action: command.dryRun ? AUDIT_ACTIONS.syncDryRun : AUDIT_ACTIONS.sync, target, outcome: syncOutcome(report), detail: summarizeSync(report) });
    return report;
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.sync, target, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
}
