import type { ProfileStatus } from '../../src/protocol/agent-api.js';

export type ProfileStatusSpec = Partial<ProfileStatus> & { expiresMs?: number | null };

/**
 * One profile as an agent's status reports it: an OAuth `anthropic:default` of agent main,
 * healthy, expiring 8 h after `nowMs` unless `expiresMs` says otherwise (null: no expiry).
 */
export function profileStatusAt(nowMs: number, overrides: ProfileStatusSpec = {}): ProfileStatus {
  const { expiresMs, ...rest } = overrides;
  const expires = expiresMs === undefined ? nowMs + 8 * 3_600_000 : expiresMs;
  return {
    agentId: 'main',
    profileId: 'anthropic:default',
    provider: 'anthropic',
    type: 'oauth',
    expiresAt: expires === null ? null : new Date(expires).toISOString(),
    hasRefreshToken: true,
    fingerprint: '3f9a1c0b7d2e',
    health: 'ok',
    ...rest,
  };
}
