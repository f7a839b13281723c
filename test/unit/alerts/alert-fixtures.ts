import { expect } from 'vitest';
import type { ActiveAlert, AlertThresholds, NodeAlertState } from '../../../src/domain/alerts.js';
import { emptyNodeState } from '../../../src/domain/alerts.js';
import { buildFleetView, type FleetView, type NodeView } from '../../../src/domain/fleet-view.js';
import type { ProfileStatus, StatusResponse } from '../../../src/protocol/agent-api.js';
import { okResult, status as botStatus } from '../bot/status-fixtures.js';
import type { NodeErrorKind, NodeResult } from '../../../src/protocol/node-result.js';

/*
 * Hand-made `GET /v1/status` answers and fleet views for the alert rules. Every status is
 * checked against the agent API schema, so the rules see only what a conforming agent
 * could send. The clock is fixed: the incident's morning.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** 2026-02-14 09:12 UTC. */
export const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
export const THRESHOLDS: AlertThresholds = { warnBeforeMs: 24 * HOUR, criticalBeforeMs: 2 * HOUR, repeatEveryMs: 4 * HOUR };
export const OWNERS = { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' } as const;

export const ANTHROPIC = 'anthropic:default';
export const CODEX = 'openai-codex:ops@example.com';

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface ProfileSpec {
  agentId?: string;
  type?: string | null;
  /** Epoch ms; null for no expiry. Default: three days from NOW. */
  expires?: number | null;
  fingerprint?: string | null;
  refreshError?: string;
  health?: ProfileStatus['health'];
}

export function profile(profileId: string, spec: ProfileSpec = {}): ProfileStatus {
  const expires = spec.expires === undefined ? NOW + 3 * DAY : spec.expires;
  const type = spec.type === undefined ? 'oauth' : spec.type;
  return {
    agentId: spec.agentId ?? 'main',
    profileId,
    provider: profileId.split(':')[0] ?? null,
    type,
    expiresAt: expires === null ? null : iso(expires),
    hasRefreshToken: type === 'oauth',
    fingerprint: spec.fingerprint === undefined ? 'aaaaaaaaaaaa' : spec.fingerprint,
    health: spec.health ?? (expires === null ? 'ok' : expires <= NOW ? 'expired' : expires - NOW <= 24 * HOUR ? 'expiring' : 'ok'),
    ...(spec.refreshError !== undefined ? { refreshError: spec.refreshError } : {}),
  };
}

export interface StatusSpec {
  profiles?: ProfileStatus[];
  ready?: boolean;
  gatewayReachable?: boolean;
  readable?: boolean;
  stores?: Array<{ agentId: string; readable: boolean; reason?: string }>;
}

/** The bot tests' status fixture (checked against the API schema), at this file's clock. */
export function status(node: string, spec: StatusSpec = {}): NodeResult<StatusResponse> {
  return okResult({ ...botStatus(node, spec), checkedAt: iso(NOW) }, 10);
}

export function failed(node: string, kind: NodeErrorKind, message = 'cannot connect (ECONNREFUSED)'): NodeResult<StatusResponse> {
  return { node, ok: false, error: { kind, message }, ms: 3000 };
}

export function fleetView(results: NodeResult<StatusResponse>[], owners: Readonly<Record<string, string>> = OWNERS, nowMs = NOW): FleetView {
  return buildFleetView(iso(nowMs), results, { owners, warnBeforeMs: THRESHOLDS.warnBeforeMs, nowMs });
}

export function nodeOf(view: FleetView, name: string): NodeView {
  const found = view.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name} in the view`);
  return found;
}

export function stateWith(node: string, fields: Partial<NodeAlertState> = {}): NodeAlertState {
  return { ...emptyNodeState(node), ...fields };
}

/** An alert as currentAlerts would make it, for the notification rules. */
export function alertOf(node: string, fields: Partial<ActiveAlert> & Pick<ActiveAlert, 'condition'>): ActiveAlert {
  const profileId = fields.profileId;
  return {
    key: `${node}/${fields.condition}${profileId ? `/${profileId}` : ''}`,
    node,
    severity: 'warning',
    pending: false,
    since: NOW,
    summary: `${fields.condition}${profileId ? ` of ${profileId}` : ''}`,
    action: 'do something',
    ...fields,
  };
}

export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}
