import type { ProfileStatus, StatusResponse } from '../protocol/agent-api.js';
import type { Health } from '../domain/token-health.js';

/*
 * What a node's status says as metric samples. Labels carry names only (node, agent store,
 * profile id, provider, type): never a fingerprint or anything taken from a secret, so a
 * scrape shows which token dies when without telling tokens apart.
 */

export const PROFILE_LABELS = ['node', 'agent', 'profile', 'provider', 'type'] as const;
export type ProfileLabels = Record<(typeof PROFILE_LABELS)[number], string>;

export interface ProfileSample {
  labels: ProfileLabels;
  /** Negative once expired; null when the profile has no expiry (api keys) or none could be read (invalid). */
  expirySeconds: number | null;
  health: Health;
}

/** A node's status as one reader sees it at `nowMs`, with its rule for health. */
export interface NodeStatusReading {
  node: string;
  status: StatusResponse;
  nowMs: number;
  healthOf: (profile: ProfileStatus) => Health;
}

export function profileSamples(reading: NodeStatusReading): ProfileSample[] {
  return reading.status.profiles.map((profile) => ({
    labels: { node: reading.node, agent: profile.agentId, profile: profile.profileId, provider: profile.provider ?? '', type: profile.type ?? '' },
    expirySeconds: profile.expiresAt === null ? null : (Date.parse(profile.expiresAt) - reading.nowMs) / 1000,
    health: reading.healthOf(profile),
  }));
}

/** Per agent store: whether it could be read. An agent with no store at all says so as `*`. */
export function storeSamples(reading: NodeStatusReading): Array<{ labels: { node: string; agent: string }; readable: boolean }> {
  const stores = reading.status.store.stores;
  if (!stores || stores.length === 0) return [{ labels: { node: reading.node, agent: '*' }, readable: reading.status.store.readable }];
  return stores.map((store) => ({ labels: { node: reading.node, agent: store.agentId }, readable: store.readable }));
}
