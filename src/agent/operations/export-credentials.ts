import type { CredentialBundle, ExportRequest, ExportResponse, ExportedCredential } from '../../protocol/agent-api.js';
import { seal } from '../../protocol/sealing.js';
import { isSyncableType } from '../../domain/profile.js';
import { credentialOf } from '../../domain/sync-plan.js';
import { profileExpiry, profileFingerprint, readProfile } from '../../domain/profile-status.js';
import { classifyExpiry } from '../../domain/token-health.js';
import type { AgentContext } from '../agent-context.js';
import { readNodeSnapshot } from '../node-snapshot.js';

export function exportPurpose(node: string): string {
  return `export:${node}`;
}

/**
 * The credential fields of the chosen profiles, sealed for the fleet. When several agent
 * stores hold one profile, the copy that expires last is the one exported.
 */
export async function exportCredentials(context: AgentContext, nodeKey: Buffer, request: ExportRequest): Promise<ExportResponse> {
  const { env } = context;
  const nowMs = context.now();
  const snapshot = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, nowMs, env.TOKENOPS_WARN_BEFORE);
  const best = new Map<string, { credential: ExportedCredential; expires: number | null; fingerprint: string }>();
  const notExported = new Map<string, string>();
  for (const { store, read } of snapshot.stores) {
    // An unreadable store may hold the freshest copy: say so rather than skip it quietly.
    if (!read.ok) {
      notExported.set(`store:${store.displayPath}`, `unreadable: ${read.reason}`);
      continue;
    }
    for (const [profileId, raw] of Object.entries(read.profiles)) {
      if (request.profiles && !request.profiles.includes(profileId)) continue;
      // A copy whose expiry is outside the horizon never travels: it would win everywhere.
      const read = readProfile(raw, nowMs);
      if (!read.ok) {
        if (!best.has(profileId)) notExported.set(profileId, read.problem === 'expiry' ? `${read.reason} in every store on this node` : 'malformed in every store on this node');
        continue;
      }
      const profile = read.profile;
      if (!isSyncableType(profile.type)) {
        if (!best.has(profileId)) notExported.set(profileId, `${profile.type} profiles are not synced`);
        continue;
      }
      const expires = profileExpiry(profile);
      const previous = best.get(profileId);
      if (previous && (previous.expires ?? Infinity) >= (expires ?? Infinity)) continue;
      best.set(profileId, {
        credential: credentialOf(profileId, profile as typeof profile & { type: 'oauth' | 'token' }, store.agentId),
        expires,
        fingerprint: profileFingerprint(profile) ?? '',
      });
      notExported.delete(profileId);
    }
  }
  for (const profileId of request.profiles ?? []) {
    if (!best.has(profileId) && !notExported.has(profileId)) notExported.set(profileId, 'not held on this node');
  }
  const exportedAt = new Date(nowMs).toISOString();
  const entries = [...best.values()];
  const bundle: CredentialBundle = { node: env.TOKENOPS_NODE, exportedAt, credentials: entries.map((entry) => entry.credential) };
  return {
    node: env.TOKENOPS_NODE,
    exportedAt,
    profiles: entries.map(({ credential, expires, fingerprint }) => ({
      profileId: credential.profileId,
      type: credential.type,
      provider: credential.provider,
      sourceAgentId: credential.sourceAgentId,
      expiresAt: expires === null ? null : new Date(expires).toISOString(),
      fingerprint,
      health: classifyExpiry(expires, nowMs, env.TOKENOPS_WARN_BEFORE),
    })),
    notExported: [...notExported].map(([profileId, reason]) => ({ profileId, reason })),
    sealed: seal(nodeKey, exportPurpose(env.TOKENOPS_NODE), bundle),
  };
}
