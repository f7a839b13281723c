import type { AgentEvent, ProfileStatus, StoreFileStatus } from '../protocol/agent-api.js';

/** What the agent remembers between two looks at its stores, to tell what changed. */
export interface ObservedNode {
  profiles: ReadonlyMap<string, Pick<ProfileStatus, 'expiresAt' | 'fingerprint'>>;
  unreadable: ReadonlyMap<string, StoreFileStatus>;
  readable: ReadonlySet<string>;
}

export function observe(profiles: readonly ProfileStatus[], stores: readonly StoreFileStatus[]): ObservedNode {
  return {
    profiles: new Map(profiles.map((profile) => [`${profile.agentId}\0${profile.profileId}`, { expiresAt: profile.expiresAt, fingerprint: profile.fingerprint }])),
    unreadable: new Map(stores.filter((store) => !store.readable).map((store) => [store.path, store])),
    readable: new Set(stores.filter((store) => store.readable).map((store) => store.path)),
  };
}

/**
 * Events between two observations: a profile counts as refreshed when its expiry moved
 * forward or its fingerprint changed (someone wrote a new token), or when it appears; a store that became
 * unreadable, or readable again, is reported once per transition.
 */
export function diffObservations(before: ObservedNode, after: ObservedNode, at: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const [key, now] of after.profiles) {
    // A profile not seen before (a new login, a store readable again) is a new token too.
    const then = before.profiles.get(key) ?? { expiresAt: null, fingerprint: null };
    const movedForward = now.expiresAt !== null && (then.expiresAt === null || Date.parse(now.expiresAt) > Date.parse(then.expiresAt));
    const newToken = now.fingerprint !== null && now.fingerprint !== then.fingerprint;
    if (!movedForward && !newToken) continue;
    const [agentId = '', profileId = ''] = key.split('\0');
    events.push({
      type: 'profile.refreshed',
      at,
      agentId,
      profileId,
      previousExpiresAt: then.expiresAt,
      expiresAt: now.expiresAt,
      previousFingerprint: then.fingerprint,
      fingerprint: now.fingerprint,
    });
  }
  for (const [path, store] of after.unreadable) {
    if (!before.unreadable.has(path)) events.push({ type: 'store.unreadable', at, agentId: store.agentId, path, reason: store.reason ?? 'unreadable' });
  }
  for (const [path, store] of before.unreadable) {
    if (after.readable.has(path)) events.push({ type: 'store.readable', at, agentId: store.agentId, path });
  }
  return events;
}
