import type { z } from 'zod';
import { formatIssues, formatPath } from '../../config/format-issues.js';
import type { ExportedCredential, ImportRequest, ImportResponse, ProfilePlan, StoreImportResult } from '../../protocol/agent-api.js';
import { credentialBundleSchema } from '../../protocol/agent-api.js';
import { unseal } from '../../protocol/sealing.js';
import { planStoreImport } from '../../domain/sync-plan.js';
import type { AgentContext } from '../agent-context.js';
import { readNodeSnapshot, type StoreSnapshot } from '../node-snapshot.js';
import { DiskFullError, StoreInvalidError } from '../store/credential-store.js';
import { LockBusyError } from '../store/sidecar-lock.js';

export function importPurpose(node: string): string {
  return `import:${node}`;
}

/** A store on this node cannot be read: the whole import is refused before anything is written. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
  constructor(readonly stores: Array<{ path: string; reason: string }>) {
    super(`import refused, nothing written: ${stores.map((store) => `${store.path}: ${store.reason}`).join('; ')}`);
  }
}

export class BadBundleError extends Error {
  override readonly name = 'BadBundleError';
}

/**
 * Where a bundle is wrong and how, for the caller to fix its side: paths and rules only. The
 * bundle travelled sealed, so neither values nor the names of fields it should not carry
 * are repeated in the clear; five problems are enough to start with.
 */
function describeBundleIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 5).map((issue) =>
    issue.code === 'unrecognized_keys' ? `${formatPath(issue.path) || 'bundle'}: has fields a credential bundle does not carry` : formatIssues([issue])[0]!,
  );
  return `${lines.join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`;
}

/**
 * Writes incoming credentials into every agent store on this node that holds the same
 * profile ids (sync never adds a profile), newer-wins unless forced. Each store is its own
 * atomic write under OpenClaw's lock; a dry run returns the same plan and writes nothing.
 */
export async function importCredentials(context: AgentContext, nodeKey: Buffer, request: ImportRequest): Promise<ImportResponse> {
  // A dry run changes nothing, so it may run beside a mutation; a real import is one.
  return request.dryRun ? runImport(context, nodeKey, request) : context.guard.run('import', () => runImport(context, nodeKey, request));
}

async function runImport(context: AgentContext, nodeKey: Buffer, request: ImportRequest): Promise<ImportResponse> {
  const { env } = context;
  const bundle = credentialBundleSchema.safeParse(unseal(nodeKey, importPurpose(env.TOKENOPS_NODE), request.sealed));
  if (!bundle.success) throw new BadBundleError(`sealed credential bundle does not match its schema: ${describeBundleIssues(bundle.error.issues)}`);
  const credentials = bundle.data.credentials;

  const snapshot = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, context.now(), env.TOKENOPS_WARN_BEFORE);
  const unreadable = snapshot.storeStatuses.filter((store) => !store.readable);
  if (unreadable.length > 0) throw new ImportRefusedError(unreadable.map((store) => ({ path: store.path, reason: store.reason ?? 'unreadable' })));

  const held = new Set(snapshot.stores.flatMap(({ read }) => (read.ok ? Object.keys(read.profiles) : [])));
  const { stores, lockBusy, diskFull } = await writeCredentialsToStores(context, snapshot.stores, credentials, request);
  // Nothing could be done and a lock was why: answer as a conflict (409), naming the holder;
  // a full disk: 507, saying the stores are unchanged.
  if (!stores.some((store) => store.outcome === 'written')) {
    if (lockBusy) throw lockBusy;
    if (diskFull) throw diskFull;
  }
  const notHeld = credentials.map((credential) => credential.profileId).filter((profileId) => !held.has(profileId));
  return { node: env.TOKENOPS_NODE, dryRun: request.dryRun, force: request.force, stores, notHeld };
}

/**
 * Writes credentials into each store that holds their profile ids, newer-wins unless
 * forced: planned from what was read (a dry run, or a store with nothing to change, takes
 * no lock), then planned again under each store's lock, since someone may have written
 * since. Lock contention and a store broken since the read stop that store only.
 */
export async function writeCredentialsToStores(
  context: AgentContext,
  snapshots: readonly StoreSnapshot[],
  credentials: readonly ExportedCredential[],
  options: { force: boolean; dryRun: boolean },
): Promise<{ stores: StoreImportResult[]; lockBusy?: LockBusyError; diskFull?: DiskFullError }> {
  const { env } = context;
  const planOptions = () => ({ force: options.force, nowMs: context.now() });
  const stores: StoreImportResult[] = [];
  let lockBusy: LockBusyError | undefined;
  let diskFull: DiskFullError | undefined;
  for (const { store, read } of snapshots) {
    const result = { agentId: store.agentId, path: store.displayPath };
    const { plans } = planStoreImport(read.ok ? read.profiles : {}, credentials, planOptions());
    const wouldWrite = plans.some((plan) => plan.action === 'update');
    if (options.dryRun || !wouldWrite) {
      stores.push({ ...result, outcome: wouldWrite ? 'planned' : 'unchanged', profiles: plans });
      continue;
    }
    try {
      const outcome = await store.update<ProfilePlan[]>(
        (profiles) => {
          const planned = planStoreImport(profiles, credentials, planOptions());
          Object.assign(profiles, planned.updated);
          return { write: Object.keys(planned.updated).length > 0, result: planned.plans };
        },
        { lockWaitMs: env.TOKENOPS_LOCK_WAIT, dryRun: false, backupsKeep: env.TOKENOPS_BACKUPS_KEEP },
      );
      stores.push({ ...result, outcome: outcome.written ? 'written' : 'unchanged', ...(outcome.backup ? { backup: outcome.backup } : {}), profiles: outcome.result });
    } catch (error) {
      if (!(error instanceof LockBusyError) && !(error instanceof StoreInvalidError) && !(error instanceof DiskFullError)) throw error;
      if (error instanceof LockBusyError) lockBusy ??= error;
      if (error instanceof DiskFullError) diskFull ??= error;
      context.logger.warn({ store: store.displayPath, err: error.message }, 'write into store refused');
      stores.push({ ...result, outcome: 'refused', reason: error.message, profiles: [] });
    }
  }
  return { stores, ...(lockBusy ? { lockBusy } : {}), ...(diskFull ? { diskFull } : {}) };
}
