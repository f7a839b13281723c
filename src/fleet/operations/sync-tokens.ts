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
import { cutToSource, targetMayHold, type SourceAuthority } from '../../domain/sync-scope.js';
import { AgentCallError } from '../agent-client.js';
import { describeError, type FleetClient } from '../fleet-client.js';
import type { NodeLocks, Release } from '../node-locks.js';
import { OperationRefusedError } from '../operation-refused.js';
import type { Journalled } from '../../state/operation-journal.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import { syncTarget, worthPassingOn, type SyncReport } from './sync-report.js';

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

/**
 * Copies credentials from one node to others: export from the source (sealed for it),
 * open it here, drop what the source holds expired, seal again for each target and import
 * there (each target applies newer-wins under OpenClaw's lock). The credentials exist in
 * this process only inside this call, and nothing here logs them.
 */

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

  const skippedAtSource = exported.notExported.map(({ profileId, reason }) => ({ profileId, reason }));
  const worth = worthPassingOn(source.name, opened.data.credentials, { force: request.force ?? false, nowMs: Date.now() });
  skippedAtSource.push(...worth.skipped);
  const live = worth.live;
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
