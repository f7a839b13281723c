import { describe, expect, test } from 'vitest';
import { buildTimeline, foldedAccountsText, groupRows, MARKER_LOOK_BACK_MS, type TimelineInput } from '../../src/domain/expiry-timeline.js';
import { HEALTH_COLOURS } from '../../src/domain/health-colours.js';
import { cell, HOUR, node, NOW, THRESHOLDS as thresholds, view } from '../support/timeline-fixtures.js';

describe('the expiry timeline', () => {
  const incident = view([
    node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, tokenTag: 'A' }), cell('openai-codex:ops', 'ok', 9 * 24 * HOUR, { isOwner: true })]),
    node('t440', [cell('anthropic:default', 'expired', -2 * HOUR, { tokenTag: 'B' }), cell('openai-codex:ops', 'expiring', 3 * HOUR)]),
    node('dead', [], false),
  ]);

  test('one bar per node × profile, grouped by account, worst account first; the worst copy first in its group, a healthy owner after it', () => {
    const timeline = buildTimeline({ view: incident, events: [], nowMs: NOW, hours: 48, thresholds });
    expect(timeline.groups.map((group) => [group.profileId, group.worst, group.bars.map((bar) => bar.node)])).toEqual([
      ['anthropic:default', 'expired', ['t440', 'pc-a']],
      ['openai-codex:ops', 'expiring', ['t440', 'pc-a']],
    ]);
  });

  test('within an account: by health (the fleet view’s severity order), then expiry; the owner leads its own health', () => {
    // 100 nodes on one account: one invalid, one missing, one expired, the rest healthy.
    const nodes = Array.from({ length: 100 }, (_, n) => {
      const name = n === 0 ? 'pc-a' : `node-${String(n).padStart(3, '0')}`;
      if (n === 50) return node(name, [cell('anthropic:default', 'invalid', 5 * HOUR)]);
      if (n === 60) return node(name, [cell('anthropic:default', 'missing', null)]);
      if (n === 7) return node(name, [cell('anthropic:default', 'expired', -HOUR)]);
      return node(name, [cell('anthropic:default', 'ok', (30 + n) * HOUR, { isOwner: n === 0 })]);
    });
    const [group] = buildTimeline({ view: view(nodes), events: [], nowMs: NOW, hours: 48, thresholds }).groups;
    expect(group!.bars.slice(0, 6).map((bar) => `${bar.node} ${bar.health}`)).toEqual(['node-050 invalid', 'node-007 expired', 'node-060 missing', 'pc-a ok', 'node-001 ok', 'node-002 ok']);
    // An owner as bad as the worst copy comes first among them.
    const ownerExpired = view([node('t440', [cell('anthropic:default', 'expired', -3 * HOUR)]), node('pc-a', [cell('anthropic:default', 'expired', -HOUR, { isOwner: true })])]);
    expect(buildTimeline({ view: ownerExpired, events: [], nowMs: NOW, hours: 48, thresholds }).groups[0]!.bars.map((bar) => bar.node)).toEqual(['pc-a', 't440']);
  });

  test('an unhealthy account keeps its unhealthy copies, its owner and two healthy ones; the other healthy copies are a count', () => {
    const nodes = Array.from({ length: 60 }, (_, n) =>
      node(n === 0 ? 'pc-a' : `n-${n}`, [cell('anthropic:default', n === 9 || n === 30 ? 'expired' : 'ok', n === 9 || n === 30 ? -HOUR : (30 + n) * HOUR, { isOwner: n === 0 })]),
    );
    const [group] = buildTimeline({ view: view(nodes), events: [], nowMs: NOW, hours: 48, thresholds }).groups;
    expect(group!.bars.map((bar) => bar.node)).toEqual(['n-30', 'n-9', 'pc-a', 'n-1', 'n-2']);
    expect(group!.foldedOk).toBe(55);
    // One healthy copy more than kept is drawn: its count would take the same row.
    const few = view([node('pc-a', [cell('x:y', 'ok', 40 * HOUR, { isOwner: true })]), node('b', [cell('x:y', 'expired', -HOUR)]), ...['c', 'd', 'e'].map((name) => node(name, [cell('x:y', 'ok', 40 * HOUR)]))]);
    expect(buildTimeline({ view: few, events: [], nowMs: NOW, hours: 48, thresholds }).groups[0]).toMatchObject({ foldedOk: 0, bars: expect.arrayContaining([expect.objectContaining({ node: 'e' })]) });
    // A healthy account is left whole (it folds as a whole, past maxRows).
    expect(buildTimeline({ view: view(nodes.map((n) => ({ ...n, profiles: n.profiles.map((c) => ({ ...c, health: 'ok' as const, expiresAt: new Date(NOW + 40 * HOUR).toISOString() })) }))), events: [], nowMs: NOW, hours: 48, thresholds }).groups[0]).toMatchObject({ foldedOk: 0 });
  });

  test('an invalid or missing copy is a stub at now, not a bar across the window; a key with no expiry spans it', () => {
    const mixed = view([
      node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true }), cell('openai:key', 'ok', null, { type: 'api_key', owner: null })]),
      node('t440', [cell('anthropic:default', 'invalid', 30 * HOUR), cell('openai:key', 'missing', null, { type: 'api_key', owner: null })]),
    ]);
    const timeline = buildTimeline({ view: mixed, events: [], nowMs: NOW, hours: 48, thresholds });
    const bar = (nodeName: string, profileId: string) => timeline.groups.find((group) => group.profileId === profileId)!.bars.find((candidate) => candidate.node === nodeName)!;
    expect(bar('t440', 'anthropic:default')).toMatchObject({ stub: true, fromMs: NOW, toMs: NOW, beyondWindow: false, colour: HEALTH_COLOURS.invalid });
    expect(bar('t440', 'openai:key')).toMatchObject({ stub: true, fromMs: NOW, toMs: NOW, beyondWindow: false, colour: HEALTH_COLOURS.missing });
    expect(bar('pc-a', 'openai:key')).toMatchObject({ stub: false, fromMs: NOW - 6 * HOUR, toMs: NOW + 48 * HOUR, expiresAtMs: null });
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

  test("markers: each shown node's latest sync, refresh and restart; one before the window flagged for its edge; others left out", () => {
    const events = [
      { node: 't440', kind: 'sync' as const, atMs: NOW - 3 * HOUR },
      { node: 't440', kind: 'sync' as const, atMs: NOW - HOUR },
      { node: 't440', kind: 'restart' as const, atMs: NOW - 30 * 60_000 },
      { node: 't440', kind: 'refresh' as const, atMs: NOW - 40 * HOUR },
      { node: 'dead', kind: 'restart' as const, atMs: NOW - HOUR },
      { node: 'pc-a', kind: 'refresh' as const, atMs: NOW + HOUR },
    ];
    expect(buildTimeline({ view: incident, events: [...events, { node: 'pc-a', kind: 'restart' as const, atMs: NOW - 8 * 24 * HOUR }], nowMs: NOW, hours: 48, thresholds }).markers).toEqual([
      // 40 h ago, before the window's 6 h look-back: kept, at the edge. Eight days ago: not news.
      { node: 't440', kind: 'refresh', atMs: NOW - 40 * HOUR, beforeWindow: true },
      { node: 't440', kind: 'sync', atMs: NOW - HOUR, beforeWindow: false },
      { node: 't440', kind: 'restart', atMs: NOW - 30 * 60_000, beforeWindow: false },
    ]);
  });

  test("next renewals: one per drawn account, on the node that renews it, soonest first; none that will not happen or lies past the window", () => {
    const renewal = (atMs: number | null, renewer: string | null, state: 'scheduled' | 'retrying' | 'failed' | 'waiting' | 'off', standIn = false) => ({
      renewal: { atMs, node: renewer, standIn, state, covers: true, current: true, currentExpiresAtMs: null, renewers: ['pc-a', 't440'], superseded: [], lastError: null },
    });
    const fleet = view([
      node('pc-a', [
        cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, ...renewal(NOW + 4 * HOUR, 'pc-a', 'scheduled') }),
        cell('openai-codex:ops', 'ok', 9 * 24 * HOUR, { isOwner: true, ...renewal(NOW + 6 * 24 * HOUR, 'pc-a', 'scheduled') }),
        cell('google:ops', 'ok', 20 * HOUR, { isOwner: true, ...renewal(null, 'pc-a', 'failed') }),
        cell('zeta:ops', 'ok', 20 * HOUR, { isOwner: true, ...renewal(NOW + HOUR, null, 'off') }),
      ]),
      node('t440', [cell('anthropic:default', 'ok', 7 * HOUR, renewal(NOW + 4 * HOUR, 'pc-a', 'scheduled')), cell('beta:ops', 'ok', 5 * HOUR, renewal(NOW - 60_000, 't440', 'retrying', true))]),
    ]);
    expect(buildTimeline({ view: fleet, events: [], nowMs: NOW, hours: 48, thresholds }).renewals).toEqual([
      // Due a minute ago and not done yet: drawn at now.
      { profileId: 'beta:ops', node: 't440', standIn: true, atMs: NOW },
      { profileId: 'anthropic:default', node: 'pc-a', standIn: false, atMs: NOW + 4 * HOUR },
    ]);
    // A view without renewal's schedule (renew.auto off, or a CLI without state): none.
    expect(buildTimeline({ view: incident, events: [], nowMs: NOW, hours: 48, thresholds }).renewals).toEqual([]);
  });

  test('100 nodes: healthy accounts fold into a count past maxRows; an unhealthy one never does', () => {
    const nodes = Array.from({ length: 100 }, (_, index) =>
      node(`n-${index}`, [cell('anthropic:default', index === 7 ? 'expired' : 'ok', index === 7 ? -HOUR : 30 * HOUR), ...Array.from({ length: 4 }, (_, p) => cell(`provider${p}:ops`, 'ok', 40 * HOUR))]),
    );
    const timeline = buildTimeline({ view: view(nodes), events: [], nowMs: NOW, hours: 48, thresholds, maxRows: 100 });
    expect(timeline.groups.map((group) => group.profileId)).toEqual(['anthropic:default']);
    // The expired copy and two healthy ones drawn, the other 97 counted on a line of their own.
    expect(timeline.groups[0]!.bars.map((bar) => bar.node)).toEqual(['n-7', 'n-0', 'n-1']);
    expect(timeline.groups[0]!.foldedOk).toBe(97);
    expect(timeline.folded).toEqual({ groups: 4, bars: 400 });
  });

  const at = (input: Partial<TimelineInput> & Pick<TimelineInput, 'view'>) => buildTimeline({ events: [], nowMs: NOW, hours: 48, thresholds, ...input });

  test('an unreachable node is not drawn, whatever cells it still carries', () => {
    const timeline = at({ view: view([node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR)]), node('dead', [cell('anthropic:default', 'expired', -HOUR)], false)]) });
    expect(timeline.groups.map((group) => [group.profileId, group.worst, group.bars.map((bar) => bar.node)])).toEqual([['anthropic:default', 'ok', ['pc-a']]]);
  });

  test('a bar that expires exactly at the window end ends there without running off it; a millisecond later it does', () => {
    const timeline = at({ view: view([node('a', [cell('x:edge', 'ok', 48 * HOUR)]), node('b', [cell('x:edge', 'ok', 48 * HOUR + 1)])]) });
    expect(timeline.groups[0]!.bars.map((bar) => [bar.node, bar.toMs, bar.beyondWindow])).toEqual([
      ['a', NOW + 48 * HOUR, false],
      ['b', NOW + 48 * HOUR, true],
    ]);
  });

  test('a whole bar, every field: the expired copy of the incident', () => {
    const timeline = at({ view: incident });
    expect(timeline.groups[0]!.bars[0]).toEqual({
      node: 't440',
      profileId: 'anthropic:default',
      health: 'expired',
      fromMs: NOW - 6 * HOUR,
      toMs: NOW - 2 * HOUR,
      expiresAtMs: NOW - 2 * HOUR,
      stub: false,
      beyondWindow: false,
      colour: HEALTH_COLOURS.expired,
      isOwner: false,
      tokenTag: 'B',
    });
  });

  test("the bands are faint washes of the hue each leads to: red for critical, yellow for warning", () => {
    expect(at({ view: incident }).bands).toEqual([
      { kind: 'critical', fromMs: NOW, toMs: NOW + 2 * HOUR, colour: 'rgba(231, 76, 60, 0.18)' },
      { kind: 'warning', fromMs: NOW + 2 * HOUR, toMs: NOW + 24 * HOUR, colour: 'rgba(241, 196, 15, 0.12)' },
    ]);
  });

  test('accounts sort worst first, then by profile id, whatever order the nodes list them in', () => {
    const fleet = view([
      node('a', [cell('c:ok', 'ok', 30 * HOUR), cell('b:expiring', 'expiring', 3 * HOUR), cell('d:expired', 'expired', -HOUR), cell('a:expiring', 'expiring', 5 * HOUR), cell('e:invalid', 'invalid', null)]),
    ]);
    expect(at({ view: fleet }).groups.map((group) => group.profileId)).toEqual(['e:invalid', 'd:expired', 'a:expiring', 'b:expiring', 'c:ok']);
  });

  describe('folding healthy accounts past maxRows', () => {
    // Three accounts of two bars each: an expired one and two healthy ones.
    const fleet = view(['n-1', 'n-2'].map((name) => node(name, [cell('a:broken', name === 'n-1' ? 'expired' : 'ok', name === 'n-1' ? -HOUR : 30 * HOUR), cell('b:ok', 'ok', 30 * HOUR), cell('c:ok', 'ok', 30 * HOUR)])));
    const shown = (maxRows: number) => {
      const timeline = at({ view: fleet, maxRows });
      return [timeline.groups.map((group) => group.profileId), timeline.folded];
    };

    test('rows exactly at the budget: nothing folded', () => {
      expect(shown(6)).toEqual([['a:broken', 'b:ok', 'c:ok'], { groups: 0, bars: 0 }]);
    });

    test('one row over: only the last healthy account is folded, not every one', () => {
      expect(shown(5)).toEqual([['a:broken', 'b:ok'], { groups: 1, bars: 2 }]);
      expect(shown(4)).toEqual([['a:broken', 'b:ok'], { groups: 1, bars: 2 }]);
    });

    test('never an unhealthy account, however small the budget; a budget of none folds every healthy one and stops', () => {
      expect(shown(1)).toEqual([['a:broken'], { groups: 2, bars: 4 }]);
      const healthy = view([node('n-1', [cell('b:ok', 'ok', 30 * HOUR), cell('c:ok', 'ok', 30 * HOUR)])]);
      for (const maxRows of [0, -1]) expect(at({ view: healthy, maxRows }).groups).toEqual([]);
      expect(at({ view: healthy, maxRows: -1 }).folded).toEqual({ groups: 2, bars: 2 });
    });
  });

  describe('markers', () => {
    const marked = (events: TimelineInput['events']) => at({ view: incident, events }).markers;

    test('look back seven days: an operation exactly seven days old is marked, one a millisecond older is not', () => {
      expect(MARKER_LOOK_BACK_MS).toBe(7 * 24 * HOUR);
      expect(marked([{ node: 't440', kind: 'restart', atMs: NOW - 7 * 24 * HOUR }])).toEqual([{ node: 't440', kind: 'restart', atMs: NOW - 7 * 24 * HOUR, beforeWindow: true }]);
      expect(marked([{ node: 't440', kind: 'restart', atMs: NOW - 7 * 24 * HOUR - 1 }])).toEqual([]);
    });

    test('an operation right now is marked; one stamped in the future (a clock ahead) is not', () => {
      expect(marked([{ node: 't440', kind: 'sync', atMs: NOW }])).toEqual([{ node: 't440', kind: 'sync', atMs: NOW, beforeWindow: false }]);
      expect(marked([{ node: 't440', kind: 'sync', atMs: NOW + 1 }])).toEqual([]);
    });

    test('one exactly at the window start is inside it; a millisecond earlier is before it', () => {
      expect(marked([{ node: 't440', kind: 'sync', atMs: NOW - 6 * HOUR }])).toEqual([{ node: 't440', kind: 'sync', atMs: NOW - 6 * HOUR, beforeWindow: false }]);
      expect(marked([{ node: 't440', kind: 'sync', atMs: NOW - 6 * HOUR - 1 }])).toEqual([{ node: 't440', kind: 'sync', atMs: NOW - 6 * HOUR - 1, beforeWindow: true }]);
    });

    test('the latest of a kind wins whatever order the audit log gives', () => {
      expect(
        marked([
          { node: 't440', kind: 'sync', atMs: NOW - HOUR },
          { node: 't440', kind: 'sync', atMs: NOW - 3 * HOUR },
        ]),
      ).toEqual([{ node: 't440', kind: 'sync', atMs: NOW - HOUR, beforeWindow: false }]);
    });
  });

  describe('next renewals', () => {
    const renewed = (renewal: { atMs: number | null; node: string | null; state: 'scheduled' | 'retrying' | 'failed' | 'waiting' | 'off' }) =>
      at({
        view: view([
          node('pc-a', [
            cell('anthropic:default', 'ok', 7 * HOUR, {
              isOwner: true,
              renewal: { ...renewal, standIn: false, covers: true, current: true, currentExpiresAtMs: null, renewers: ['pc-a'], superseded: [], lastError: null },
            }),
          ]),
        ]),
      }).renewals;

    test('one that will happen is drawn, also one due exactly at the window end and a stand-in waiting to take over', () => {
      expect(renewed({ atMs: NOW + 48 * HOUR, node: 'pc-a', state: 'scheduled' })).toEqual([{ profileId: 'anthropic:default', node: 'pc-a', standIn: false, atMs: NOW + 48 * HOUR }]);
      expect(renewed({ atMs: NOW + HOUR, node: 'pc-a', state: 'waiting' })).toEqual([{ profileId: 'anthropic:default', node: 'pc-a', standIn: false, atMs: NOW + HOUR }]);
      expect(renewed({ atMs: NOW + 48 * HOUR + 1, node: 'pc-a', state: 'scheduled' })).toEqual([]);
    });

    test('none when renewal is off or has failed for good, even with a time and a renewer', () => {
      expect(renewed({ atMs: NOW + HOUR, node: 'pc-a', state: 'off' })).toEqual([]);
      expect(renewed({ atMs: NOW + HOUR, node: 'pc-a', state: 'failed' })).toEqual([]);
    });

    test('none without a time or without a node to do it', () => {
      expect(renewed({ atMs: null, node: 'pc-a', state: 'waiting' })).toEqual([]);
      expect(renewed({ atMs: NOW + HOUR, node: null, state: 'scheduled' })).toEqual([]);
    });
  });

  test('an unhealthy account folds its healthy copies only when two or more would go', () => {
    // The owner and the next two healthy copies are kept; the rest are spare.
    const accountWith = (healthy: number) =>
      at({
        view: view([
          node('pc-a', [cell('x:y', 'ok', 30 * HOUR, { isOwner: true })]),
          node('bad', [cell('x:y', 'expired', -HOUR)]),
          ...Array.from({ length: healthy }, (_, n) => node(`h-${n}`, [cell('x:y', 'ok', (31 + n) * HOUR)])),
        ]),
      }).groups[0]!;
    expect(accountWith(4)).toMatchObject({ foldedOk: 2, bars: [{ node: 'bad' }, { node: 'pc-a' }, { node: 'h-0' }, { node: 'h-1' }] });
    expect(accountWith(3)).toMatchObject({ foldedOk: 0 });
    expect(accountWith(3).bars).toHaveLength(5);
  });

  test('the folded count reads as the picture and the caption say it', () => {
    expect(foldedAccountsText(1)).toBe('+1 healthy account folded');
    expect(foldedAccountsText(3)).toBe('+3 healthy accounts folded');
  });

  test("a group's rows: its bars, and one line more when healthy copies are folded", () => {
    const bars = at({ view: incident }).groups[0]!.bars;
    expect(groupRows({ bars, foldedOk: 0 })).toBe(2);
    expect(groupRows({ bars, foldedOk: 1 })).toBe(3);
    expect(groupRows({ bars, foldedOk: 55 })).toBe(3);
  });
});
