import type { RefreshRequest, RefreshResponse, RefreshResult } from '../../protocol/agent-api.js';
import { expiryWithinHorizon } from '../../domain/expiry-horizon.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { oauthProfileSchema, type OAuthProfile } from '../../domain/profile.js';
import { credentialOf } from '../../domain/sync-plan.js';
import type { AgentContext } from '../agent-context.js';
import { readNodeSnapshot, type StoreSnapshot } from '../node-snapshot.js';
import { DiskFullError } from '../store/credential-store.js';
import { refreshWithGrant } from '../refresh/token-endpoint.js';
import { writeCredentialsToStores } from './import-credentials.js';

function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' ? new Date(ms).toISOString() : null;
}

/**
 * A stored copy's expiry as refresh trusts it: one outside the horizon is no expiry at all,
 * so that copy is never taken for the freshest, nor for already refreshed, and is never
 * named in an answer; refreshing it writes a plausible one (it repairs it).
 */
function trustedExpiry(profile: OAuthProfile, nowMs: number): number | null {
  return expiryWithinHorizon(profile.expires, nowMs) ? profile.expires : null;
}

/** Each store's copy of a profile, if it is a well-formed OAuth profile. */
function copiesOf(stores: readonly StoreSnapshot[], profileId: string): Array<{ snapshot: StoreSnapshot; profile: OAuthProfile }> {
  return stores.flatMap((snapshot) => {
    if (!snapshot.read.ok) return [];
    const parsed = oauthProfileSchema.safeParse(snapshot.read.profiles[profileId]);
    return parsed.success ? [{ snapshot, profile: parsed.data }] : [];
  });
}

/**
 * Refreshes OAuth profiles on this node with the refresh-token grant. The freshest copy's
 * store is locked and re-read first: if its refresh token changed since it was read,
 * someone else refreshed, and that result is kept rather than spending a single-use token
 * twice. The new credential then goes to every other store on the node holding the profile
 * (their old refresh token is dead now). A terminal failure is remembered against that
 * refresh token, so it is never sent again.
 */
export async function refreshCredentials(context: AgentContext, profileIds?: readonly string[], onlyIf?: RefreshRequest['onlyIf']): Promise<RefreshResponse> {
  return context.guard.run('refresh', async () => {
    const { env, logger } = context;
    const snapshot = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, context.now(), env.TOKENOPS_WARN_BEFORE);
    const targets =
      profileIds ??
      [...new Set(snapshot.profiles.filter((profile) => profile.type === 'oauth' && profile.hasRefreshToken).map((profile) => profile.profileId))];
    const results: RefreshResult[] = [];
    for (const profileId of targets) {
      const result = await refreshOne(context, snapshot.stores, profileId, onlyIf);
      logger.info({ profileId, outcome: result.outcome, error: result.error, attempts: result.attempts }, 'refresh');
      results.push(result);
    }
    return { node: env.TOKENOPS_NODE, results };
  });
}

/**
 * Whether renewal's conditions hold for the copy found under the lock; else what to answer.
 * A copy that is not the expected token but expires no earlier was renewed by someone else
 * (keep it); one that expires earlier is an older copy (never spend its refresh token).
 */
function unmetCondition(profile: OAuthProfile, onlyIf: RefreshRequest['onlyIf'], nowMs: number): 'already_refreshed' | 'stale_copy' | null {
  if (!onlyIf) return null;
  const limit = onlyIf.expiresBefore ? Date.parse(onlyIf.expiresBefore) : Number.POSITIVE_INFINITY;
  const expires = trustedExpiry(profile, nowMs) ?? 0;
  if (onlyIf.fingerprint && fingerprint('oauth', profile.access) !== onlyIf.fingerprint) return expires >= limit - 1 ? 'already_refreshed' : 'stale_copy';
  return expires >= limit ? 'already_refreshed' : null;
}

async function refreshOne(context: AgentContext, stores: readonly StoreSnapshot[], profileId: string, onlyIf?: RefreshRequest['onlyIf']): Promise<RefreshResult> {
  const base = { profileId, previousExpiresAt: null, expiresAt: null, fingerprint: null, rotated: false, stores: [] as string[], attempts: 0 };
  const nowMs = context.now();
  const trusted = (profile: OAuthProfile) => trustedExpiry(profile, nowMs);
  const copies = copiesOf(stores, profileId).sort((a, b) => (trusted(b.profile) ?? -1) - (trusted(a.profile) ?? -1));
  const freshest = copies[0];
  if (!freshest) return { ...base, outcome: 'not_held' };
  const before = freshest.profile;
  const previousExpiresAt = iso(trusted(before));
  if (!before.refresh) return { ...base, previousExpiresAt, outcome: 'no_refresh_token' };
  const provider = context.providers[before.provider];
  if (!provider) return { ...base, previousExpiresAt, outcome: 'no_provider', error: `no token endpoint for provider "${before.provider}" (TOKENOPS_OAUTH_PROVIDERS)` };

  const known = context.terminalRefreshes.get(profileId);
  if (known && known.refreshFingerprint === fingerprint('refresh', before.refresh)) {
    return { ...base, previousExpiresAt, outcome: 'terminal', error: known.error };
  }

  // Tokens granted inside the write below: if the write then fails, they must not be lost.
  let grantedHere: { access: string; refresh: string | null; expires: number; lifetimeMs: number; refreshFingerprint: string } | undefined;
  const outcome = await freshest.snapshot.store.update<RefreshResult>(
    async (profiles) => {
      const current = oauthProfileSchema.safeParse(profiles[profileId]);
      if (!current.success) return { write: false, result: { ...base, outcome: 'not_held' } };
      const profile = current.data;
      if (profile.refresh !== before.refresh || profile.access !== before.access) {
        // Someone (OpenClaw, another refresh) wrote since we read: theirs is the live token.
        return { write: false, result: { ...base, previousExpiresAt, outcome: 'already_refreshed', expiresAt: iso(trusted(profile)), fingerprint: fingerprint('oauth', profile.access) } };
      }
      const unmet = unmetCondition(profile, onlyIf, nowMs);
      if (unmet) return { write: false, result: { ...base, previousExpiresAt, outcome: unmet, expiresAt: iso(trusted(profile)), fingerprint: fingerprint('oauth', profile.access) } };
      const spent = fingerprint('refresh', profile.refresh ?? '');
      const unsaved = context.unsavedGrants.get(profileId);
      const granted = unsaved?.refreshFingerprint === spent ? { ok: true as const, ...unsaved, attempts: 0 } : await refreshWithGrant(provider, profile.refresh ?? '', { now: context.now });
      if (!granted.ok) {
        if (granted.terminal) {
          context.terminalRefreshes.set(profileId, { error: granted.error, refreshFingerprint: fingerprint('refresh', profile.refresh ?? ''), at: new Date(context.now()).toISOString() });
        }
        return { write: false, result: { ...base, previousExpiresAt, outcome: granted.terminal ? 'terminal' : 'failed', error: granted.error, attempts: granted.attempts } };
      }
      if ('lifetimeAssumed' in granted && granted.lifetimeAssumed) context.logger.warn({ profileId, provider: before.provider, reason: granted.lifetimeAssumed }, 'token endpoint answered an implausible expires_in; tokens saved with the lifetime assumed');
      grantedHere = { access: granted.access, refresh: granted.refresh, expires: granted.expires, lifetimeMs: granted.lifetimeMs, refreshFingerprint: spent };
      profiles[profileId] = { ...(profiles[profileId] as Record<string, unknown>), access: granted.access, refresh: granted.refresh ?? profile.refresh, expires: granted.expires };
      context.terminalRefreshes.delete(profileId);
      return {
        write: true,
        result: {
          ...base,
          outcome: 'refreshed',
          previousExpiresAt,
          expiresAt: iso(granted.expires),
          fingerprint: fingerprint('oauth', granted.access),
          rotated: granted.refresh !== null && granted.refresh !== profile.refresh,
          stores: [freshest.snapshot.store.agentId],
          attempts: granted.attempts,
          lifetimeMs: granted.lifetimeMs,
        },
      };
    },
    { lockWaitMs: context.env.TOKENOPS_LOCK_WAIT, dryRun: false, backupsKeep: context.env.TOKENOPS_BACKUPS_KEEP },
  ).catch((error: unknown) => {
    if (!grantedHere) throw error;
    // Whatever stopped the write (a full disk, an I/O error, a busy database), the provider has
    // rotated by now: keep what it granted, or the login is gone.
    context.unsavedGrants.set(profileId, grantedHere);
    if (!(error instanceof DiskFullError)) throw error;
    throw new DiskFullError(
      error.displayPath,
      `${profileId}: the provider granted new tokens, but there is no space left on the device holding ${error.displayPath} to save them; the store is unchanged, and its refresh token may no longer work. This agent holds the new tokens in memory until it stops: free some space and refresh ${profileId} again now to save them`,
    );
  });
  if (grantedHere) context.unsavedGrants.delete(profileId);
  const result = outcome.result;
  if (result.outcome !== 'refreshed' && result.outcome !== 'already_refreshed') return result;

  // The other stores on this node: the same credential, newer-wins (their copies are older).
  const updated = await freshest.snapshot.store.read();
  const profile = updated.ok ? oauthProfileSchema.safeParse(updated.profiles[profileId]) : null;
  if (!profile?.success) return result;
  const others = stores.filter((snapshot) => snapshot !== freshest.snapshot);
  const written = await writeCredentialsToStores(context, others, [credentialOf(profileId, profile.data, freshest.snapshot.store.agentId)], { force: false, dryRun: false });
  return { ...result, stores: [...result.stores, ...written.stores.filter((store) => store.outcome === 'written').map((store) => store.agentId)] };
}

/**
 * Terminal refresh failures that still apply: the store still holds the refresh token that
 * failed. One that was replaced (a new login, a sync from the owner) is forgotten.
 */
export function standingRefreshFailures(context: AgentContext, stores: readonly StoreSnapshot[]): Map<string, string> {
  const standing = new Map<string, string>();
  for (const [profileId, failure] of context.terminalRefreshes) {
    const stillThere = copiesOf(stores, profileId).some(({ profile }) => profile.refresh && fingerprint('refresh', profile.refresh) === failure.refreshFingerprint);
    if (stillThere) standing.set(profileId, failure.error);
    else context.terminalRefreshes.delete(profileId);
  }
  return standing;
}
