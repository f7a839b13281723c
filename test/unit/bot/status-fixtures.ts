import { expect } from 'vitest';
import { type ProfileStatus, type StatusResponse, statusResponseSchema } from '../../../src/protocol/agent-api.js';
import type { NodeErrorKind, NodeResult } from '../../../src/protocol/node-result.js';

/*
 * Hand-built `GET /v1/status` answers for the fleet view and the status embeds. Every
 * fixture is checked against the agent API's schema, so the tests feed the view exactly
 * what a conforming agent could send.
 */

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** 2026-02-14 09:12 UTC, the incident's morning. */
export const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
export const CHECKED_AT = new Date(NOW).toISOString();
export const WARN = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface ProfileSpec {
  agentId?: string;
  type?: string | null;
  provider?: string | null;
  /** Epoch ms; null for a profile without expiry. */
  expires?: number | null;
  fingerprint?: string | null;
  health?: ProfileStatus['health'];
  hasRefreshToken?: boolean;
  reason?: string;
}

/** A profile status line; health defaults to what an agent with a 24 h threshold would say. */
export function profile(profileId: string, spec: ProfileSpec = {}): ProfileStatus {
  const expires = spec.expires === undefined ? NOW + 3 * 24 * HOUR : spec.expires;
  const type = spec.type === undefined ? 'oauth' : spec.type;
  const health = spec.health ?? (expires === null ? 'ok' : expires <= NOW ? 'expired' : expires - NOW <= WARN ? 'expiring' : 'ok');
  return {
    agentId: spec.agentId ?? 'main',
    profileId,
    provider: spec.provider === undefined ? (profileId.split(':')[0] ?? null) : spec.provider,
    type,
    expiresAt: expires === null ? null : iso(expires),
    hasRefreshToken: spec.hasRefreshToken ?? type === 'oauth',
    fingerprint: spec.fingerprint === undefined ? fingerprintFor(profileId, 'x') : spec.fingerprint,
    health,
    ...(spec.reason !== undefined ? { reason: spec.reason } : {}),
  };
}

/** A stable 12-hex fingerprint per (profile, token label), so tests can say "same token". */
export function fingerprintFor(profileId: string, label: string): string {
  let hash = 0x811c9dc5;
  for (const char of `${profileId}/${label}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return (hash.toString(16).padStart(8, '0') + label.length.toString(16).padStart(4, '0')).slice(0, 12);
}

export interface StatusSpec {
  profiles?: ProfileStatus[];
  ready?: boolean;
  gatewayReachable?: boolean;
  agentCount?: number;
  maxConcurrent?: number;
  readable?: boolean;
  stores?: Array<{ agentId: string; readable: boolean; reason?: string }>;
}

export function status(node: string, spec: StatusSpec = {}): StatusResponse {
  const value: StatusResponse = {
    node,
    checkedAt: CHECKED_AT,
    store: {
      kind: 'auth-profiles-json',
      readable: spec.readable ?? true,
      ...(spec.stores
        ? {
            stores: spec.stores.map((store) => ({
              agentId: store.agentId,
              path: `agents/${store.agentId}/agent/auth-profiles.json`,
              layout: store.readable ? ('split' as const) : null,
              readable: store.readable,
              ...(store.reason ? { reason: store.reason } : {}),
            })),
          }
        : {}),
    },
    profiles: spec.profiles ?? [],
    gateway: { url: 'http://127.0.0.1:18789', reachable: spec.gatewayReachable ?? true, ready: spec.ready ?? true },
    capacity: { maxConcurrent: spec.maxConcurrent ?? 4, agentCount: spec.agentCount ?? 15 },
  };
  // Fixtures must be what a conforming agent could send.
  const parsed = statusResponseSchema.safeParse(value);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  return value;
}

export function okResult(value: StatusResponse, ms = 12): NodeResult<StatusResponse> {
  return { node: value.node, ok: true, value, ms };
}

export function errorResult(node: string, kind: NodeErrorKind, message = kind === 'timeout' ? 'no answer within 3000 ms' : 'cannot connect (ECONNREFUSED)'): NodeResult<StatusResponse> {
  return { node, ok: false, error: { kind, message }, ms: 3000 };
}
