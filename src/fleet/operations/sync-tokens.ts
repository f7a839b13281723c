import {
  credentialBundleSchema,
  exportResponseSchema,
  importResponseSchema,
  statusResponseSchema,
  type CredentialBundle,
  type ExportResponse,
  type ImportResponse,
} from '../../protocol/agent-api.js';
import type { NodeResult } from '../../protocol/node-result.js';
import { seal, unseal } from '../../protocol/sealing.js';
import { credentialExpiry } from '../../domain/sync-plan.js';
import { expiryProblem } from '../../domain/expiry-horizon.js';
import { cutToSource, targetMayHold, type SourceAuthority } from '../../domain/sync-scope.js';
import { AgentCallError } from '../agent-client.js';
import { describeError, type FleetClient } from '../fleet-client.js';
import type { NodeLocks, Release } from '../node-locks.js';
import { OperationRefusedError } from '../operation-refused.js';
import type { Journalled } from '../../state/operation-journal.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';

export interface SyncRequest {
  from: string;
  /** A node, or `all`: every other node. */
  to: string;
  /** Only these profiles; all the source holds when absent. */
  profiles?: string[];
  dryRun: boolean;
  /** Replace even with a credential that expires earlier. */
  force?: boolean;
  /**
   * Who vouches for the source (src/domain/sync-scope.ts): `named` when a person named it,
   * else (the default) it may give only accounts it is an owner or stand-in of.
   */
  authority?: SourceAuthority;
  /**
   * What each target holds, when the caller has just read it (the renewal job's look at the
   * fleet): a target listed here is not asked again before it is sent its share.
   */
  holdings?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Profiles that must be exactly this token (fingerprint), from whichever node sends them. */
  expected?: Readonly<Record<string, string>>;
  /** Who asked, for lock messages. */
  by: string;
  /** `refuse`: a busy target is reported at once (commands); `wait`: wait up to this long (jobs). */
  waitForLocksMs?: number;
  /** Nodes whose lock the caller already holds for this very operation (a restart's fixes). */
  locksHeld?: readonly string[];
  /** Told as each target has answered: progress for a sync to many nodes. */
  onTargetDone?: (result: NodeResult<ImportResponse>) => void;
  /** Written down while it runs, so that one cut short by a crash is reported, never rerun. */
  journalled?: Journalled;
}

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

/**
 * Copies credentials from one node to others: export from the source (sealed for it),
 * open it here, drop what the source holds expired, seal again for each target and import
 * there (each target applies newer-wins under OpenClaw's lock). The credentials exist in
 * this process only inside this call, and nothing here logs them.
 */
/** `pc-a → t440 (anthropic:default)`: what a sync is about, in the audit log and the journal. */
export function syncTarget(request: Pick<SyncRequest, 'from' | 'to' | 'profiles'>): string {
  return `${request.from} → ${request.to}${request.profiles?.length ? ` (${request.profiles.join(', ')})` : ''}`;
}

export async function syncTokens(fleet: FleetClient, locks: NodeLocks, request: SyncRequest): Promise<SyncReport> {
  const { journalled } = request;
  if (!journalled || request.dryRun) return copyCredentials(fleet, locks, request);
  const target = syncTarget(request);
  const nodes = request.to === 'all' ? fleet.nodeNames : [request.from, request.to];
  return journalled.journal.around({ action: AUDIT_ACTIONS.sync, target, nodes, actor: journalled.actor, ...(journalled.message ? { message: journalled.message } : {}) }, () => copyCredentials(fleet, locks, request));
}

async function copyCredentials(fleet: FleetClient, locks: NodeLocks, request: SyncRequest): Promise<SyncReport> {
  const source = fleet.node(request.from);
  const targets = request.to === 'all' ? fleet.nodeNames.filter((name) => name !== request.from) : [fleet.node(request.to).name];
  if (request.to === request.from) throw new OperationRefusedError(`from and to are the same node (${request.from}): nothing to copy.`);
  if (targets.length === 0) throw new OperationRefusedError('the fleet has no other node to sync to.');

  let exported: ExportResponse;
  try {
    exported = await fleet.call(source.name, 'POST', '/v1/export', exportResponseSchema, request.profiles ? { profiles: request.profiles } : {});
  } catch (error) {
    if (error instanceof AgentCallError) throw new OperationRefusedError(`source ${source.name} did not answer the export (${error.kind}: ${error.message}); nothing was copied.`);
    throw error;
  }
  const opened = credentialBundleSchema.safeParse(unseal(source.key, `export:${source.name}`, exported.sealed));
  if (!opened.success) throw new OperationRefusedError(`source ${source.name} sent a credential bundle that does not match the API; nothing was copied.`);
  if (opened.data.node !== source.name) throw new OperationRefusedError(`source ${source.name} sent a credential bundle made by another node; nothing was copied.`);

  const now = Date.now();
  const skippedAtSource = exported.notExported.map(({ profileId, reason }) => ({ profileId, reason }));
  // An expired copy is said first: it is no use from anyone, and that is what a person can act on.
  const live = opened.data.credentials.filter((credential) => {
    const expires = credentialExpiry(credential);
    // Past the horizon (year 9999, microseconds): it would win newer-wins everywhere; never passed on.
    const implausible = expires === null ? null : expiryProblem(expires, now);
    if (implausible) {
      skippedAtSource.push({ profileId: credential.profileId, reason: `${source.name} sent it with ${implausible}` });
      return false;
    }
    if (request.force || expires === null || expires > now) return true;
    skippedAtSource.push({ profileId: credential.profileId, reason: `expired on ${source.name} <t:${Math.floor(expires / 1000)}:R>` });
    return false;
  });
  // Only what was asked for and what this source may give: a compromised source can offer
  // anything, in any quantity, with any expiry.
  const cut = cutToSource(source.name, live, { ...(request.profiles ? { requested: request.profiles } : {}), ...(request.expected ? { expected: request.expected } : {}), owners: fleet.fleet.owners, authority: request.authority ?? 'owner' });
  skippedAtSource.push(...cut.dropped);
  const credentials = cut.kept;
  if (credentials.length === 0) {
    // Static keys are never synced; saying so here would only hide the real reason.
    const reasons = skippedAtSource.filter((skip) => !skip.reason.endsWith('are not synced'));
    const why = reasons.length > 0 ? reasons.map((skip) => `${skip.profileId}: ${skip.reason}`).join('; ') : `${source.name} holds no credentials to sync`;
    throw new OperationRefusedError(`nothing to sync from ${source.name}: ${why}. Refresh on the owner first (/tokens refresh).`, { kind: 'nothing_to_sync', source: source.name, skipped: reasons });
  }
  const bundle: CredentialBundle = { ...opened.data, credentials };

  const importInto = async (target: string): Promise<NodeResult<ImportResponse>> => {
    const started = Date.now();
    let release: Release | undefined;
    try {
      if (!request.dryRun && !request.locksHeld?.includes(target)) {
        release = request.waitForLocksMs === undefined ? await locks.tryAcquire(target, 'tokens sync', request.by) : await locks.acquire(target, 'tokens sync', request.by, request.waitForLocksMs);
      }
      const node = fleet.node(target);
      // Each target is sent only what it may hold: a compromised follower must not collect
      // every account at the next sync.
      const holds = request.holdings?.get(target) ?? new Set((await fleet.call(target, 'GET', '/v1/status', statusResponseSchema)).profiles.map((profile) => profile.profileId));
      const send = bundle.credentials.filter((credential) => targetMayHold(credential.profileId, { accounts: node.accounts, holds }));
      const withheld = bundle.credentials.filter((credential) => !send.includes(credential)).map((credential) => credential.profileId);
      if (send.length === 0) return { node: target, ok: true, value: { node: target, dryRun: request.dryRun, force: request.force ?? false, stores: [], notHeld: withheld }, ms: Date.now() - started };
      const sealed = seal(node.key, `import:${target}`, { ...bundle, credentials: send });
      const value = await fleet.call(target, 'POST', '/v1/import', importResponseSchema, { sealed, dryRun: request.dryRun, force: request.force ?? false }, 30_000);
      return { node: target, ok: true, value: { ...value, notHeld: [...new Set([...value.notHeld, ...withheld])] }, ms: Date.now() - started };
    } catch (error) {
      if (error instanceof OperationRefusedError) return { node: target, ok: false, error: { kind: 'http_error', code: 'busy', message: error.message }, ms: Date.now() - started };
      return { node: target, ok: false, error: describeError(error), ms: Date.now() - started };
    } finally {
      await release?.();
    }
  };
  const results = await Promise.all(
    targets.map(async (target) => {
      const result = await importInto(target);
      request.onTargetDone?.(result);
      return result;
    }),
  );
  return { from: source.name, dryRun: request.dryRun, force: request.force ?? false, exported: exported.profiles, skippedAtSource, targets: results };
}

/** In a word: did the sync change something, refuse, or partly fail? (for audit and notes) */
export function syncOutcome(report: SyncReport): 'ok' | 'planned' | 'partial' | 'failed' {
  if (report.targets.every((target) => !target.ok)) return 'failed';
  if (report.targets.some((target) => !target.ok || target.value.stores.some((store) => store.outcome === 'refused'))) return 'partial';
  return report.dryRun ? 'planned' : 'ok';
}

/** Profiles a sync wrote (or would write, dry), per target node. */
export function syncChanges(report: SyncReport): Array<{ node: string; profileId: string; agents: string[] }> {
  const changes: Array<{ node: string; profileId: string; agents: string[] }> = [];
  for (const target of report.targets) {
    if (!target.ok) continue;
    const byProfile = new Map<string, string[]>();
    for (const store of target.value.stores) {
      if (store.outcome !== 'written' && store.outcome !== 'planned') continue;
      for (const plan of store.profiles) if (plan.action === 'update') byProfile.set(plan.profileId, [...(byProfile.get(plan.profileId) ?? []), store.agentId]);
    }
    for (const [profileId, agents] of byProfile) changes.push({ node: target.node, profileId, agents });
  }
  return changes;
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
  const written = response.stores.filter((store) => store.outcome === 'written' || store.outcome === 'planned');
  return [...new Set(written.flatMap((store) => store.profiles.filter((plan) => plan.action === 'update').map((plan) => plan.profileId)))];
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
