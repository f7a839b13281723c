import type { ProfileStatus, ProfileVerdict } from '../protocol/agent-api.js';

export const DEFAULT_RESTART_MARGIN_MS = 30 * 60_000;

/**
 * Whether each OAuth profile stays valid for the margin after a restart now. Only OAuth
 * profiles decide: a gateway reloads them at start and dies on a dead one (the incident);
 * static keys and setup tokens are reported by status but do not block a restart.
 */
export function preflightVerdicts(profiles: readonly ProfileStatus[], nowMs: number, marginMs: number): ProfileVerdict[] {
  return profiles
    .filter((profile) => profile.type === 'oauth' || profile.health === 'invalid')
    .map((profile) => ({
      agentId: profile.agentId,
      profileId: profile.profileId,
      expiresAt: profile.expiresAt,
      health: profile.health,
      fingerprint: profile.fingerprint,
      staysValid: profile.health !== 'invalid' && profile.expiresAt !== null && Date.parse(profile.expiresAt) - nowMs >= marginMs,
    }));
}

/** The node's own go/no-go and, for a no-go, what a person needs to read. */
export function preflightReasons(verdicts: readonly ProfileVerdict[], unreadableStores: readonly string[]): string[] {
  const reasons = unreadableStores.map((store) => `store ${store} is unreadable`);
  for (const verdict of verdicts) {
    if (verdict.staysValid) continue;
    const where = `${verdict.profileId} (agent ${verdict.agentId})`;
    if (verdict.health === 'invalid') reasons.push(`${where} is malformed`);
    else if (verdict.health === 'expired') reasons.push(`${where} has expired`);
    else reasons.push(`${where} expires within the margin`);
  }
  return reasons;
}
