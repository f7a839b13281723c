import type { ExportedCredential, ExportResponse, ImportResponse } from '../../protocol/agent-api.js';
import type { NodeResult } from '../../protocol/node-result.js';
import { expiryProblem, isResetExpiry, resetExpiryWords } from '../../domain/expiry-horizon.js';
import { credentialExpiry } from '../../domain/sync-plan.js';

/*
 * A sync's rules that need no network: which of a source's credentials are worth passing
 * on, and what a finished sync's report says (its outcome in a word, what changed where,
 * which targets kept a superseded token). Pure, so that tests and the mutation run reach
 * them in process; sync-tokens.ts does the calls.
 */

export interface SyncReport {
  from: string;
  dryRun: boolean;
  force: boolean;
  /** What the source exported (no secrets: ids, expiries, fingerprints). */
  exported: ExportResponse['profiles'];
  /** Source profiles left out: expired (unless forced), or not exportable. */
  skippedAtSource: Array<{ profileId: string; reason: string }>;
  targets: NodeResult<ImportResponse>[];
}

/** `pc-a → t440 (anthropic:default)`: what a sync is about, in the audit log and the journal. */
export function syncTarget(request: { from: string; to: string; profiles?: readonly string[] | undefined }): string {
  return `${request.from} → ${request.to}${request.profiles?.length ? ` (${request.profiles.join(', ')})` : ''}`;
}

/**
 * The source's credentials worth passing on, and why the others are not: one past the
 * horizon (year 9999, microseconds) would win newer-wins everywhere, so it is never passed
 * on, even forced; an expired one is no use from anyone, unless forced.
 */
export function worthPassingOn(source: string, credentials: readonly ExportedCredential[], options: { force: boolean; nowMs: number }): { live: ExportedCredential[]; skipped: Array<{ profileId: string; reason: string }> } {
  const live: ExportedCredential[] = [];
  const skipped: Array<{ profileId: string; reason: string }> = [];
  for (const credential of credentials) {
    const expires = credentialExpiry(credential);
    const implausible = expires === null ? null : expiryProblem(expires, options.nowMs);
    if (implausible) skipped.push({ profileId: credential.profileId, reason: `${source} sent it with ${implausible}` });
    else if (options.force || expires === null || expires > options.nowMs) live.push(credential);
    else skipped.push({ profileId: credential.profileId, reason: isResetExpiry(expires) ? `${resetExpiryWords(expires)}, on ${source}` : `expired on ${source} <t:${Math.floor(expires / 1000)}:R>` });
  }
  return { live, skipped };
}

/** In a word: did the sync change something, refuse, or partly fail? (for audit and notes) */
export function syncOutcome(report: SyncReport): 'ok' | 'planned' | 'partial' | 'failed' {
  if (report.targets.every((target) => !target.ok)) return 'failed';
  if (report.targets.some((target) => !target.ok || target.value.stores.some((store) => store.outcome === 'refused'))) return 'partial';
  return report.dryRun ? 'planned' : 'ok';
}

/** Each profile a target's store wrote (or would write, dry), with the store's agent, in the order answered. */
function writtenUpdates(response: ImportResponse): Array<{ profileId: string; agentId: string }> {
  return response.stores
    .filter((store) => store.outcome === 'written' || store.outcome === 'planned')
    .flatMap((store) => store.profiles.filter((plan) => plan.action === 'update').map((plan) => ({ profileId: plan.profileId, agentId: store.agentId })));
}

/** Profiles a sync wrote (or would write, dry), per target node. */
export function syncChanges(report: SyncReport): Array<{ node: string; profileId: string; agents: string[] }> {
  return report.targets.flatMap((target) => {
    if (!target.ok) return [];
    const byProfile = new Map<string, string[]>();
    for (const { profileId, agentId } of writtenUpdates(target.value)) byProfile.set(profileId, [...(byProfile.get(profileId) ?? []), agentId]);
    return [...byProfile].map(([profileId, agents]) => ({ node: target.node, profileId, agents }));
  });
}

/**
 * Targets that kept a superseded token of `profileId` because it expires later than the one
 * sent (newer-wins), and held nothing else unknown: theirs is spent, so renewal replaces it,
 * forced. A target holding a token nobody knows is left for a person (a rotation conflict).
 */
export function targetsKeepingSuperseded(report: SyncReport, profileId: string, superseded: readonly string[]): string[] {
  return report.targets.flatMap((target) => {
    if (!target.ok) return [];
    const plans = target.value.stores.flatMap((store) => store.profiles.filter((plan) => plan.profileId === profileId));
    const spent = (plan: (typeof plans)[number]) => plan.reason === 'target_newer' && plan.fromFingerprint !== null && superseded.includes(plan.fromFingerprint);
    const settled = (plan: (typeof plans)[number]) => plan.action === 'update' || plan.reason === 'unchanged' || spent(plan);
    return plans.some(spent) && plans.every(settled) ? [target.node] : [];
  });
}

/** Profiles one target wrote (or would write, dry). */
export function updatedProfiles(response: ImportResponse): string[] {
  return [...new Set(writtenUpdates(response).map((update) => update.profileId))];
}

/** One line for audit records and channel notes: what changed where. */
export function summarizeSync(report: SyncReport): string {
  return report.targets
    .map((target) => {
      if (!target.ok) return `${target.node}: ${target.error.code === 'busy' ? 'busy' : target.error.kind}`;
      const updated = updatedProfiles(target.value);
      return `${target.node}: ${updated.length === 0 ? 'nothing to change' : `${report.dryRun ? 'would update' : 'updated'} ${updated.join(', ')}`}`;
    })
    .join('; ');
}

const SKIP_REASON_TEXT: Record<string, string> = {
  unchanged: 'already the same token',
  target_newer: 'target already holds a newer one',
  not_newer: 'not newer than what the target holds',
  incoming_expired: 'source copy expired',
  type_mismatch: 'a different profile type on the target',
  implausible_expiry: 'its expiry is not plausible (too far ahead); not written',
};

/** Why a target kept what it had, in words (a reason we do not know is shown as is). */
export function skipReasonText(reason: string): string {
  return SKIP_REASON_TEXT[reason] ?? reason;
}
