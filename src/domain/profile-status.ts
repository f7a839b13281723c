import type { ProfileStatus } from '../protocol/agent-api.js';
import { formatIssues } from '../config/format-issues.js';
import { expiryProblem } from './expiry-horizon.js';
import { fingerprint } from './fingerprint.js';
import { profileSchema, type Profile } from './profile.js';
import { classifyExpiry } from './token-health.js';

/** The secret a profile's fingerprint is taken from, or null when it has none in the clear. */
export function profileSecret(profile: Profile): string | null {
  switch (profile.type) {
    case 'oauth':
      return profile.access;
    case 'token':
      return profile.token;
    case 'api_key':
      return profile.key ?? (profile.keyRef === undefined ? null : JSON.stringify(profile.keyRef));
  }
}

export function profileExpiry(profile: Profile): number | null {
  return profile.type === 'api_key' ? null : (profile.expires ?? null);
}

export function profileFingerprint(profile: Profile): string | null {
  const secret = profileSecret(profile);
  return secret === null ? null : fingerprint(profile.type, secret);
}

function stringField(raw: unknown, name: string): string | null {
  if (raw && typeof raw === 'object' && typeof (raw as Record<string, unknown>)[name] === 'string') {
    return (raw as Record<string, string>)[name] ?? null;
  }
  return null;
}

/**
 * A stored profile as everything on the agent reads it: well-formed, and with an expiry
 * within the horizon (expiry-horizon.ts). `malformed`: it does not match its schema;
 * `expiry`: it does, but its expiry cannot be believed. Either way the reason names fields
 * and rules only, never a value but the expiry's.
 */
export type ProfileRead = { ok: true; profile: Profile } | { ok: false; problem: 'malformed' | 'expiry'; reason: string };

export function readProfile(raw: unknown, nowMs: number): ProfileRead {
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: 'malformed', reason: formatIssues(parsed.error.issues).join('; ') };
  const expires = profileExpiry(parsed.data);
  const problem = expires === null ? null : expiryProblem(expires, nowMs);
  return problem ? { ok: false, problem: 'expiry', reason: problem } : { ok: true, profile: parsed.data };
}

/** Only OAuth renews from a refresh token; a stray one on any other type is nothing to refresh from (the restart plan trusts this flag). */
function refreshable(type: string | null, refresh: unknown): boolean {
  return type === 'oauth' && typeof refresh === 'string';
}

/** What status shows of one stored profile: never a secret, only its fingerprint. One that cannot be read is `invalid` with why; the rest of the store is read as usual. */
export function summarizeProfile(agentId: string, profileId: string, raw: unknown, nowMs: number, warnBeforeMs: number): ProfileStatus {
  const read = readProfile(raw, nowMs);
  if (!read.ok) {
    return {
      agentId,
      profileId,
      provider: stringField(raw, 'provider'),
      type: stringField(raw, 'type'),
      expiresAt: null,
      hasRefreshToken: refreshable(stringField(raw, 'type'), stringField(raw, 'refresh')),
      fingerprint: null,
      health: 'invalid',
      reason: read.reason,
    };
  }
  const profile = read.profile;
  const expires = profileExpiry(profile);
  return {
    agentId,
    profileId,
    provider: profile.provider,
    type: profile.type,
    expiresAt: expires === null ? null : new Date(expires).toISOString(),
    hasRefreshToken: refreshable(profile.type, profile.refresh),
    fingerprint: profileFingerprint(profile),
    health: classifyExpiry(expires, nowMs, warnBeforeMs),
  };
}

/**
 * OAuth profiles as one entry per token: the agents on a node that hold the same copy (same
 * profile, health and expiry) together, in the order first seen. 15 agents sharing one
 * token are one line, in a plan and in the health after a restart.
 */
export function foldOAuthCopies<T extends Pick<ProfileStatus, 'agentId' | 'profileId' | 'type' | 'health' | 'expiresAt'>>(profiles: readonly T[]): Array<{ profile: T; agents: string[] }> {
  const copies = new Map<string, { profile: T; agents: string[] }>();
  for (const profile of profiles) {
    if (profile.type !== 'oauth') continue;
    const key = `${profile.profileId}\u0000${profile.health}\u0000${profile.expiresAt ?? ''}`;
    const copy = copies.get(key) ?? { profile, agents: [] };
    copy.agents.push(profile.agentId);
    copies.set(key, copy);
  }
  return [...copies.values()];
}
