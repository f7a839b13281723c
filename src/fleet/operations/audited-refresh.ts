import type { RefreshResponse } from '../../protocol/agent-api.js';
import type { AuditActor } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import type { OperationContext } from './operation-context.js';
import { refreshOnOwner } from './refresh-on-owner.js';
import { syncTokens, type SyncRequest } from './sync-tokens.js';
import { summarizeSync, syncOutcome, type SyncReport } from './sync-report.js';

/** Profiles the owner now holds fresh (refreshed by us, or by someone else meanwhile). */
function refreshedProfiles(response: RefreshResponse): string[] {
  return response.results.filter((result) => result.outcome === 'refreshed' || result.outcome === 'already_refreshed').map((result) => result.profileId);
}

/**
 * Results a person must act on: a refresh that failed (for now or for good), or one the
 * owner could not try for want of a token endpoint. One definition for the audit outcome,
 * the bot's colour and the CLI's exit code.
 */
export function failedRefreshes(response: RefreshResponse): RefreshResponse['results'] {
  return response.results.filter((result) => result.outcome === 'terminal' || result.outcome === 'failed' || result.outcome === 'no_provider');
}

/**
 * `tokens refresh` as a person asks for it: on the owner only (refreshOnOwner), one audit
 * record of each profile's outcome, or of the refusal (thrown on).
 */
export async function auditedRefresh(context: OperationContext, actor: AuditActor, request: { node: string; profile?: string }): Promise<RefreshResponse> {
  const target = `${request.node}${request.profile ? ` (${request.profile})` : ''}`;
  let response: RefreshResponse;
  try {
    response = await refreshOnOwner(context.fleetClient, context.locks, { ...request, by: actor.name });
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.refresh, target, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
  const refreshed = refreshedProfiles(response);
  const failed = failedRefreshes(response);
  await context.audit.record({
    actor,
    action: AUDIT_ACTIONS.refresh,
    target,
    outcome: failed.length === 0 ? 'ok' : refreshed.length > 0 ? 'partial' : 'failed',
    detail: response.results.map((result) => `${result.profileId}: ${result.outcome}${result.error ? ` (${result.error})` : ''}`).join('; '),
  });
  return response;
}

/**
 * After a refresh on the owner, the followers get the new credentials at once (they may
 * not refresh themselves); null when nothing was refreshed or there is no other node.
 * Busy followers are waited for a little, as the result should not be left behind.
 */
export async function syncAfterRefresh(
  context: OperationContext,
  actor: AuditActor,
  owner: string,
  response: RefreshResponse,
  options: Pick<SyncRequest, 'onTargetDone' | 'holdings'> = {},
): Promise<SyncReport | null> {
  const refreshed = refreshedProfiles(response);
  if (refreshed.length === 0 || context.fleetClient.nodeNames.length < 2) return null;
  const report = await syncTokens(context.fleetClient, context.locks, { from: owner, to: 'all', profiles: refreshed, dryRun: false, by: actor.name, waitForLocksMs: 15_000, ...(context.journal ? { journalled: { journal: context.journal, actor } } : {}), ...options });
  await context.audit.record({ actor, action: AUDIT_ACTIONS.syncAfterRefresh, target: `${owner} → all`, outcome: syncOutcome(report), detail: summarizeSync(report) });
  return report;
}
