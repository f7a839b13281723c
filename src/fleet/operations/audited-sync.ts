import type { AuditActor } from '../../state/audit-log.js';
import type { OperationContext } from './operation-context.js';
import { summarizeSync, syncOutcome, syncTokens, type SyncReport, type SyncRequest } from './sync-tokens.js';

export type SyncCommand = Omit<SyncRequest, 'by' | 'waitForLocksMs' | 'locksHeld'>;

/** `pc-a → t440 (anthropic:default)`: what a sync is about, in the audit log. */
export function syncTarget(command: Pick<SyncCommand, 'from' | 'to' | 'profiles'>): string {
  return `${command.from} → ${command.to}${command.profiles?.length ? ` (${command.profiles.join(', ')})` : ''}`;
}

/**
 * `tokens sync` as a person asks for it: the sync, then one audit record of what changed,
 * or of the refusal (which is thrown on for the front end to show).
 */
export async function auditedSync(context: OperationContext, actor: AuditActor, command: SyncCommand): Promise<SyncReport> {
  const target = syncTarget(command);
  try {
    const run = () => syncTokens(context.fleetClient, context.locks, { ...command, by: actor.name });
    const report = command.dryRun || !context.journal ? await run() : await context.journal.around({ action: 'tokens sync', target, nodes: [command.from, ...(command.to === 'all' ? [] : [command.to])], actor }, run);
    await context.audit.record({ actor, action: command.dryRun ? 'tokens sync (dry run)' : 'tokens sync', target, outcome: syncOutcome(report), detail: summarizeSync(report) });
    return report;
  } catch (error) {
    await context.audit.record({ actor, action: 'tokens sync', target, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
}
