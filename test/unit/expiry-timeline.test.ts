import { describe, expect, test } from 'vitest';
import { buildTimeline, HEALTH_COLOURS } from '../../src/domain/expiry-timeline.js';
import type { FleetView, NodeView, ProfileCell } from '../../src/domain/fleet-view.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-28T12:00:00Z');

function cell(profileId: string, health: ProfileCell['health'], expiresInMs: number | null, extra: Partial<ProfileCell> = {}): ProfileCell {
  return { profileId, type: 'oauth', health, expiresAt: expiresInMs === null ? null : new Date(NOW + expiresInMs).toISOString(), agents: ['main'], fingerprint: null, tokenTag: null, owner: 'pc-a', isOwner: false, divergesFromOwner: false, agentsDisagree: false, copies: [], ...extra };
}

function node(name: string, profiles: ProfileCell[], reachable = true): NodeView {
  return { name, reachable, unreadableStores: [], profiles, worst: 'ok' };
}

function view(nodes: NodeView[]): FleetView {
  return { checkedAt: new Date(NOW).toISOString(), nodes, worst: 'ok', counts: { ok: 0, missing: 0, expiring: 0, expired: 0, invalid: 0, unreachable: 0 } };
}

const thresholds = { warnBeforeMs: 24 * HOUR, criticalBeforeMs: 2 * HOUR };

describe('the expiry timeline', () => {
  const incident = view([
    node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, tokenTag: 'A' }), cell('openai-codex:ops', 'ok', 9 * 24 * HOUR, { isOwner: true })]),
    node('t440', [cell('anthropic:default', 'expired', -2 * HOUR, { tokenTag: 'B' }), cell('openai-codex:ops', 'expiring', 3 * HOUR)]),
    node('dead', [], false),
  ]);

  test('one bar per node × profile, grouped by account, worst account first; the owner first in its group', () => {
    const timeline = buildTimeline({ view: incident, events: [], nowMs: NOW, hours: 48, thresholds });
    expect(timeline.groups.map((group) => [group.profileId, group.worst, group.bars.map((bar) => bar.node)])).toEqual([
      ['anthropic:default', 'expired', ['pc-a', 't440']],
      ['openai-codex:ops', 'expiring', ['pc-a', 't440']],
    ]);
  });

  test('bars run from the window start to the expiry, clamped to the window, in their health colour', () => {
    const timeline = buildTimeline({ view: incident, events: [], nowMs: NOW, hours: 48, thresholds });
    expect(timeline.fromMs).toBe(NOW - 6 * HOUR);
    expect(timeline.toMs).toBe(NOW + 48 * HOUR);
    const bar = (nodeName: string, profileId: string) => timeline.groups.find((group) => group.profileId === profileId)!.bars.find((candidate) => candidate.node === nodeName)!;
    expect(bar('t440', 'anthropic:default')).toMatchObject({ fromMs: NOW - 6 * HOUR, toMs: NOW - 2 * HOUR, colour: HEALTH_COLOURS.expired, beyondWindow: false, tokenTag: 'B' });
    expect(bar('pc-a', 'anthropic:default')).toMatchObject({ toMs: NOW + 7 * HOUR, colour: HEALTH_COLOURS.ok, isOwner: true });
    // Nine days out: runs off the right edge, and says so.
    expect(bar('pc-a', 'openai-codex:ops')).toMatchObject({ toMs: NOW + 48 * HOUR, beyondWindow: true });
  });

  test('an expiry before the window starts is a bar of no length at its start, not a negative one', () => {
    const old = view([node('t440', [cell('anthropic:default', 'expired', -30 * HOUR)])]);
    const [bar] = buildTimeline({ view: old, events: [], nowMs: NOW, hours: 48, thresholds }).groups[0]!.bars;
    expect(bar).toMatchObject({ fromMs: NOW - 6 * HOUR, toMs: NOW - 6 * HOUR });
  });

  test('the thresholds as bands from now: critical, then warning, cut at the window end', () => {
    expect(buildTimeline({ view: incident, events: [], nowMs: NOW, hours: 12, thresholds }).bands).toEqual([
      expect.objectContaining({ kind: 'critical', fromMs: NOW, toMs: NOW + 2 * HOUR }),
      expect.objectContaining({ kind: 'warning', fromMs: NOW + 2 * HOUR, toMs: NOW + 12 * HOUR }),
    ]);
  });

  test("markers: each shown node's latest sync, refresh and restart inside the window; others left out", () => {
    const events = [
      { node: 't440', kind: 'sync' as const, atMs: NOW - 3 * HOUR },
      { node: 't440', kind: 'sync' as const, atMs: NOW - HOUR },
      { node: 't440', kind: 'restart' as const, atMs: NOW - 30 * 60_000 },
      { node: 't440', kind: 'refresh' as const, atMs: NOW - 40 * HOUR },
      { node: 'dead', kind: 'restart' as const, atMs: NOW - HOUR },
      { node: 'pc-a', kind: 'refresh' as const, atMs: NOW + HOUR },
    ];
    expect(buildTimeline({ view: incident, events, nowMs: NOW, hours: 48, thresholds }).markers).toEqual([
      { node: 't440', kind: 'sync', atMs: NOW - HOUR },
      { node: 't440', kind: 'restart', atMs: NOW - 30 * 60_000 },
    ]);
  });

  test('100 nodes: healthy accounts fold into a count past maxRows; an unhealthy one never does', () => {
    const nodes = Array.from({ length: 100 }, (_, index) =>
      node(`n-${index}`, [cell('anthropic:default', index === 7 ? 'expired' : 'ok', index === 7 ? -HOUR : 30 * HOUR), ...Array.from({ length: 4 }, (_, p) => cell(`provider${p}:ops`, 'ok', 40 * HOUR))]),
    );
    const timeline = buildTimeline({ view: view(nodes), events: [], nowMs: NOW, hours: 48, thresholds, maxRows: 150 });
    expect(timeline.groups.map((group) => group.profileId)).toEqual(['anthropic:default']);
    expect(timeline.groups[0]!.bars).toHaveLength(100);
    expect(timeline.folded).toEqual({ groups: 4, bars: 400 });
  });
});
