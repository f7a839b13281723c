import { buildTimeline, type Timeline, type TimelineInput } from '../../src/domain/expiry-timeline.js';
import { selectNodes, type FleetView, type NodeView, type ProfileCell } from '../../src/domain/fleet-view.js';
import { rowBudget, type TimelineVariant } from '../../src/timeline/layout.js';

/*
 * Known fleets for the timeline picture, at a fixed "now": the rendering test looks for
 * colours at places computed from them, and the golden images (scripts/golden-timeline.ts)
 * are drawn from them. Deterministic: no clock, no randomness.
 */

export const HOUR = 3_600_000;
export const NOW = Date.parse('2026-11-28T12:00:00Z');
export const THRESHOLDS = { warnBeforeMs: 24 * HOUR, criticalBeforeMs: 2 * HOUR };

export function cell(profileId: string, health: ProfileCell['health'], expiresInMs: number | null, extra: Partial<ProfileCell> = {}): ProfileCell {
  return {
    profileId,
    type: 'oauth',
    health,
    expiresAt: expiresInMs === null ? null : new Date(NOW + expiresInMs).toISOString(),
    agents: ['main'],
    fingerprint: null,
    tokenTag: null,
    owner: 'pc-a',
    isOwner: false,
    divergesFromOwner: false,
    agentsDisagree: false,
    copies: [],
    ...extra,
  };
}

export function node(name: string, profiles: ProfileCell[], reachable = true): NodeView {
  return { name, reachable, unreadableStores: [], profiles, worst: 'ok' };
}

export function view(nodes: NodeView[]): FleetView {
  return { checkedAt: new Date(NOW).toISOString(), nodes, worst: 'ok', counts: { ok: 0, missing: 0, expiring: 0, expired: 0, invalid: 0, unreachable: 0 } };
}

/** The incident: pc-a owns fresh tokens, t440's Anthropic token expired 2 h ago, one node down. */
export const incident = view([
  node('pc-a', [
    cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, tokenTag: 'A' }),
    cell('openai-codex:ops@example.com', 'ok', 9 * 24 * HOUR, { isOwner: true, tokenTag: 'A' }),
    cell('google-gemini-cli:ops@example.com', 'expiring', 20 * HOUR, { isOwner: true, owner: 'pc-a', tokenTag: 'A' }),
  ]),
  node('t440', [
    cell('anthropic:default', 'expired', -2 * HOUR, { tokenTag: 'B' }),
    cell('openai-codex:ops@example.com', 'ok', 9 * 24 * HOUR, { tokenTag: 'A' }),
    cell('google-gemini-cli:ops@example.com', 'missing', null),
  ]),
  node('spare', [], false),
]);

export const incidentEvents: TimelineInput['events'] = [
  { node: 'pc-a', kind: 'refresh', atMs: NOW - 1 * HOUR },
  { node: 't440', kind: 'sync', atMs: NOW - 4 * HOUR },
  { node: 't440', kind: 'restart', atMs: NOW - 3 * HOUR },
  // Before the window: drawn at its left edge, its age in the notes.
  { node: 'pc-a', kind: 'restart', atMs: NOW - 50 * HOUR },
];

/** 100 nodes × 15 accounts: two accounts in trouble on a few nodes (one copy invalid, one missing), the rest healthy. */
export function bigFleet(): FleetView {
  const providers = Array.from({ length: 15 }, (_, index) => (index === 0 ? 'anthropic:default' : index === 1 ? 'openai-codex:ops@example.com' : `provider-${String(index).padStart(2, '0')}:team`));
  return view(
    Array.from({ length: 100 }, (_, n) => {
      const name = n === 0 ? 'pc-a' : `node-${String(n).padStart(3, '0')}`;
      return node(
        name,
        providers.map((profileId, p) => {
          if (p === 0 && n % 25 === 7) return cell(profileId, 'expired', -(n % 5 + 1) * HOUR, { tokenTag: 'B' });
          if (p === 0 && n === 50) return cell(profileId, 'invalid', 20 * HOUR, { tokenTag: 'C' });
          if (p === 0 && n === 60) return cell(profileId, 'missing', null);
          if (p === 1 && n % 30 === 3) return cell(profileId, 'expiring', (n % 7) * HOUR + 3 * HOUR, { tokenTag: 'A' });
          return cell(profileId, 'ok', (30 + ((n * 7 + p * 13) % 200)) * HOUR, { isOwner: n === 0, tokenTag: 'A' });
        }),
      );
    }),
  );
}

export function timelineOf(fleet: FleetView, variant: TimelineVariant, options: { hours?: number; events?: TimelineInput['events'] } = {}): Timeline {
  return buildTimeline({ view: fleet, events: options.events ?? [], nowMs: NOW, hours: options.hours ?? 48, thresholds: THRESHOLDS, maxRows: rowBudget(variant) });
}

export interface GoldenCase {
  /** test/golden/timeline-<name>.png */
  name: string;
  timeline: Timeline;
  variant: TimelineVariant;
  scope: string;
  notes: string[];
}

/** One per layout: a single node, the whole fleet, 100 nodes folded, the small attachment. */
export function goldenCases(): GoldenCase[] {
  return [
    { name: 'single-node', timeline: timelineOf(selectNodes(incident, ['t440']), 'full', { events: incidentEvents }), variant: 'full', scope: 't440', notes: [] },
    { name: 'fleet', timeline: timelineOf(incident, 'full', { events: incidentEvents }), variant: 'full', scope: 'all nodes', notes: ['no answer from spare: not drawn'] },
    { name: '100-nodes', timeline: timelineOf(bigFleet(), 'full'), variant: 'full', scope: 'all nodes', notes: [] },
    { name: 'small', timeline: timelineOf(selectNodes(incident, ['pc-a', 't440']), 'small', { events: incidentEvents }), variant: 'small', scope: 't440 (and owner pc-a)', notes: [] },
  ];
}
