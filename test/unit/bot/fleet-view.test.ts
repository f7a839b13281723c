import { describe, expect, it } from 'vitest';
import { buildFleetView, type FleetView, type NodeView, nodeUrgency, type ProfileCell, selectNodes, selectProfiles, severityRank, withProfiles, worstOf } from '../../../src/domain/fleet-view.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';
import type { StatusResponse } from '../../../src/protocol/agent-api.js';
import { CHECKED_AT, HOUR, MINUTE, NOW, WARN, errorResult, fingerprintFor, iso, okResult, profile, status } from './status-fixtures.js';

const OWNERS = { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' };
const OPTIONS = { owners: OWNERS, warnBeforeMs: WARN, nowMs: NOW };

function view(results: NodeResult<StatusResponse>[], options: Partial<typeof OPTIONS> = {}): FleetView {
  return buildFleetView(CHECKED_AT, results, { ...OPTIONS, ...options });
}

function node(fleet: FleetView, name: string): NodeView {
  const found = fleet.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name} in the view`);
  return found;
}

function cell(nodeView: NodeView, profileId: string): ProfileCell {
  const found = nodeView.profiles.find((candidate) => candidate.profileId === profileId);
  if (!found) throw new Error(`no ${profileId} on ${nodeView.name}: ${nodeView.profiles.map((p) => p.profileId).join(', ')}`);
  return found;
}

const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';

/** The incident: pc-a holds fresh tokens and owns them; t440's copies expired at dawn. */
function incident(): NodeResult<StatusResponse>[] {
  return [
    okResult(
      status('pc-a', {
        profiles: [
          profile(ANTHROPIC, { expires: NOW + 36 * HOUR, health: 'ok', fingerprint: fingerprintFor(ANTHROPIC, 'fresh') }),
          profile(CODEX, { expires: NOW + 9 * 24 * HOUR, fingerprint: fingerprintFor(CODEX, 'fresh') }),
        ],
        agentCount: 3,
      }),
    ),
    okResult(
      status('t440', {
        profiles: [
          profile(ANTHROPIC, { expires: NOW - 2 * HOUR - 32 * MINUTE, fingerprint: fingerprintFor(ANTHROPIC, 'old') }),
          profile(CODEX, { expires: NOW - 10 * MINUTE, fingerprint: fingerprintFor(CODEX, 'old') }),
        ],
        ready: false,
        agentCount: 15,
        maxConcurrent: 4,
      }),
    ),
  ];
}

describe('severity order', () => {
  it('ok < missing < expiring < expired < invalid < unreachable', () => {
    const order = ['ok', 'missing', 'expiring', 'expired', 'invalid', 'unreachable'] as const;
    for (let i = 1; i < order.length; i++) expect(severityRank(order[i]!)).toBeGreaterThan(severityRank(order[i - 1]!));
    expect(worstOf([])).toBe('ok');
    expect(worstOf(['ok', 'expiring', 'missing'])).toBe('expiring');
    expect(worstOf(['expired', 'unreachable', 'invalid'])).toBe('unreachable');
  });
});

describe('nodeUrgency', () => {
  it("is the node's worst, half a step higher when its gateway is not ready (unreachable counts as not ready)", () => {
    expect(nodeUrgency({ worst: 'expired', reachable: true, gateway: { reachable: true, ready: true } })).toBe(severityRank('expired'));
    expect(nodeUrgency({ worst: 'expired', reachable: true, gateway: { reachable: true, ready: false } })).toBe(severityRank('expired') + 0.5);
    // Still below the next health: a broken gateway does not outrank a worse token.
    expect(nodeUrgency({ worst: 'expired', reachable: true, gateway: { reachable: false, ready: false } })).toBe(severityRank('expired') + 0.5);
    expect(severityRank('expired') + 0.5).toBeLessThan(severityRank('invalid'));
  });

  it('a reachable node that says nothing of its gateway counts as not ready', () => {
    expect(nodeUrgency({ worst: 'ok', reachable: true })).toBe(0.5);
  });

  it('an unreachable node is just unreachable: its gateway is unknown, not "not ready"', () => {
    expect(nodeUrgency({ worst: 'unreachable', reachable: false })).toBe(severityRank('unreachable'));
  });
});

describe('buildFleetView: the incident', () => {
  const fleet = () => view(incident());

  it("shows t440's profiles expired and pc-a's ok", () => {
    const v = fleet();
    const pcA = node(v, 'pc-a');
    const t440 = node(v, 't440');
    expect(pcA.profiles.map((p) => [p.profileId, p.health])).toEqual([
      [ANTHROPIC, 'ok'],
      [CODEX, 'ok'],
    ]);
    expect(t440.profiles.every((p) => p.health === 'expired')).toBe(true);
    expect(t440.profiles.map((p) => p.profileId).sort()).toEqual([ANTHROPIC, CODEX].sort());
    expect(pcA.worst).toBe('ok');
    expect(t440.worst).toBe('expired');
    expect(v.worst).toBe('expired');
    expect(v.checkedAt).toBe(CHECKED_AT);
  });

  it('marks pc-a as the owner, and t440 as a follower of pc-a', () => {
    const v = fleet();
    for (const id of [ANTHROPIC, CODEX]) {
      expect(cell(node(v, 'pc-a'), id)).toMatchObject({ owner: 'pc-a', isOwner: true, divergesFromOwner: false });
      expect(cell(node(v, 't440'), id)).toMatchObject({ owner: 'pc-a', isOwner: false });
    }
  });

  it("the owner's token is A; t440's older token is B and is flagged as diverging", () => {
    const v = fleet();
    expect(cell(node(v, 'pc-a'), ANTHROPIC).tokenTag).toBe('A');
    expect(cell(node(v, 't440'), ANTHROPIC).tokenTag).toBe('B');
    expect(cell(node(v, 't440'), ANTHROPIC).divergesFromOwner).toBe(true);
  });

  it('carries expiry, gateway and capacity through', () => {
    const v = fleet();
    const t440 = node(v, 't440');
    expect(cell(t440, ANTHROPIC).expiresAt).toBe(iso(NOW - 2 * HOUR - 32 * MINUTE));
    expect(t440.gateway).toEqual({ reachable: true, ready: false });
    expect(t440.capacity).toEqual({ agentCount: 15, maxConcurrent: 4 });
    expect(t440.reachable).toBe(true);
    expect(t440.unreadableStores).toEqual([]);
  });

  it('counts cells by health', () => {
    const v = fleet();
    expect(v.counts).toEqual({ ok: 2, missing: 0, expiring: 0, expired: 2, invalid: 0, unreachable: 0 });
  });

  it('keeps the order of the results', () => {
    expect(fleet().nodes.map((n) => n.name)).toEqual(['pc-a', 't440']);
  });

  it('is pure: the same input gives the same view, and the input is not changed', () => {
    const input = incident();
    const before = JSON.stringify(input);
    expect(view(input)).toEqual(view(input));
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe("buildFleetView: the fleet's thresholds", () => {
  it("a profile the agent calls ok becomes expiring inside the fleet's warnBefore", () => {
    // The agent warns 24 h ahead; this fleet wants 48 h.
    const results = [okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 30 * HOUR, health: 'ok' })] }))];
    expect(cell(node(view(results), 'pc-a'), ANTHROPIC).health).toBe('ok');
    const stricter = view(results, { warnBeforeMs: 48 * HOUR });
    expect(cell(node(stricter, 'pc-a'), ANTHROPIC).health).toBe('expiring');
    expect(stricter.worst).toBe('expiring');
    expect(stricter.counts.expiring).toBe(1);
  });

  it("uses the bot's clock: a token that expired since the agent looked is expired", () => {
    const results = [okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * MINUTE, health: 'expiring' })] }))];
    expect(cell(node(view(results, { nowMs: NOW + 10 * MINUTE }), 'pc-a'), ANTHROPIC).health).toBe('expired');
  });

  it('an expired token is expired even when it has a refresh token', () => {
    const results = [okResult(status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - 1, hasRefreshToken: true })] }))];
    expect(cell(node(view(results), 't440'), ANTHROPIC).health).toBe('expired');
  });

  it('invalid stays invalid whatever the expiry says, and keeps its reason', () => {
    const results = [okResult(status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 9 * HOUR, health: 'invalid', reason: 'access: expected a string' })] }))];
    const c = cell(node(view(results), 't440'), ANTHROPIC);
    expect(c.health).toBe('invalid');
    expect(c.reason).toBe('access: expected a string');
    expect(view(results).worst).toBe('invalid');
  });

  it('a profile without expiry (api key) is ok', () => {
    const results = [okResult(status('pc-a', { profiles: [profile('openai:key', { type: 'api_key', expires: null, fingerprint: null })] }))];
    expect(cell(node(view(results), 'pc-a'), 'openai:key').health).toBe('ok');
  });
});

describe('buildFleetView: unreachable nodes', () => {
  it('an unreachable node is reachable:false with its error, worst unreachable, counted', () => {
    const results = [...incident(), errorResult('nas', 'unreachable'), errorResult('pi', 'timeout')];
    const v = view(results);
    const nas = node(v, 'nas');
    expect(nas.reachable).toBe(false);
    expect(nas.error).toEqual({ kind: 'unreachable', message: 'cannot connect (ECONNREFUSED)' });
    expect(nas).toEqual({ name: 'nas', reachable: false, error: { kind: 'unreachable', message: 'cannot connect (ECONNREFUSED)' }, unreadableStores: [], profiles: [], worst: 'unreachable' });
    expect(node(v, 'pi').error?.kind).toBe('timeout');
    expect(v.worst).toBe('unreachable');
    expect(v.counts.unreachable).toBe(2);
    expect(v.counts.expired).toBe(2);
    expect(v.counts.ok).toBe(2);
  });

  it('the reachable nodes still render in full beside a dead one', () => {
    const v = view([errorResult('t440', 'unauthorized', 'the agent refused our signature'), ...incident().slice(0, 1)]);
    expect(node(v, 'pc-a').profiles).toHaveLength(2);
    expect(node(v, 'pc-a').worst).toBe('ok');
    expect(node(v, 't440').error?.kind).toBe('unauthorized');
  });

  it("an unreachable node does not make the others' profiles 'missing' or change tags", () => {
    const v = view([...incident().slice(0, 1), errorResult('t440', 'unreachable')]);
    expect(node(v, 'pc-a').profiles.every((p) => p.health === 'ok' && p.tokenTag === null)).toBe(true);
  });
});

describe('buildFleetView: token tags', () => {
  it('the same fingerprint on two nodes gets the same letter; no divergence', () => {
    const fp = fingerprintFor(ANTHROPIC, 'shared');
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { fingerprint: fp })] })),
      okResult(status('t440', { profiles: [profile(ANTHROPIC, { fingerprint: fp })] })),
    ]);
    expect(cell(node(v, 'pc-a'), ANTHROPIC).tokenTag).toBe('A');
    expect(cell(node(v, 't440'), ANTHROPIC).tokenTag).toBe('A');
    expect(cell(node(v, 't440'), ANTHROPIC).divergesFromOwner).toBe(false);
  });

  it("the owner's token is A even when the owner answers last", () => {
    const v = view([
      okResult(status('t440', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, 'stale') })] })),
      okResult(status('nas', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, 'fresh') })] })),
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, 'fresh') })] })),
    ]);
    expect(cell(node(v, 'pc-a'), ANTHROPIC).tokenTag).toBe('A');
    expect(cell(node(v, 'nas'), ANTHROPIC).tokenTag).toBe('A');
    expect(cell(node(v, 't440'), ANTHROPIC).tokenTag).toBe('B');
    expect(cell(node(v, 'nas'), ANTHROPIC).divergesFromOwner).toBe(false);
    expect(cell(node(v, 't440'), ANTHROPIC).divergesFromOwner).toBe(true);
  });

  it('three distinct tokens get A, B, C', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, '1') })] })),
      okResult(status('t440', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, '2') })] })),
      okResult(status('nas', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, '3') })] })),
    ]);
    expect(['pc-a', 't440', 'nas'].map((name) => cell(node(v, name), ANTHROPIC).tokenTag)).toEqual(['A', 'B', 'C']);
  });

  it("an owner's copy without a fingerprint (unreadable) takes no letter: the first real token is A", () => {
    const fp = fingerprintFor(ANTHROPIC, 'shared');
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { health: 'invalid', expires: null, fingerprint: null, reason: 'access: expected a string' })] })),
      okResult(status('t440', { profiles: [profile(ANTHROPIC, { fingerprint: fp })] })),
      okResult(status('nas', { profiles: [profile(ANTHROPIC, { fingerprint: fingerprintFor(ANTHROPIC, 'other') })] })),
    ]);
    expect(['pc-a', 't440', 'nas'].map((name) => cell(node(v, name), ANTHROPIC).tokenTag)).toEqual([null, 'A', 'B']);
    // Nothing of the owner's to differ from.
    expect(cell(node(v, 't440'), ANTHROPIC).divergesFromOwner).toBe(false);
  });

  it('a profile held by one node only has no tag (nothing to compare)', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC)] })),
      okResult(status('t440', { profiles: [profile('zai:default', { type: 'api_key', expires: null })] })),
    ]);
    expect(cell(node(v, 'pc-a'), ANTHROPIC).tokenTag).toBeNull();
  });

  it('a follower holding a different token for an owned account diverges; an unowned account never does', () => {
    const gemini = 'google-gemini-cli:me@example.com';
    const v = view([
      okResult(status('pc-a', { profiles: [profile(CODEX, { fingerprint: fingerprintFor(CODEX, 'owner') }), profile(gemini, { fingerprint: fingerprintFor(gemini, '1') })] })),
      okResult(status('t440', { profiles: [profile(CODEX, { fingerprint: fingerprintFor(CODEX, 'rogue') }), profile(gemini, { fingerprint: fingerprintFor(gemini, '2') })] })),
    ]);
    const follower = cell(node(v, 't440'), CODEX);
    expect(follower.divergesFromOwner).toBe(true);
    expect(follower.owner).toBe('pc-a');
    expect(cell(node(v, 'pc-a'), CODEX).divergesFromOwner).toBe(false);
    // gemini has no owner: different tokens get different letters, but no divergence flag.
    expect(cell(node(v, 't440'), gemini).owner).toBeNull();
    expect(cell(node(v, 't440'), gemini).divergesFromOwner).toBe(false);
    expect(cell(node(v, 't440'), gemini).tokenTag).toBe('B');
  });

  it('no divergence when the owner does not hold the account (nothing to compare against)', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [] })),
      okResult(status('t440', { profiles: [profile(CODEX, { fingerprint: fingerprintFor(CODEX, 'x') })] })),
      okResult(status('nas', { profiles: [profile(CODEX, { fingerprint: fingerprintFor(CODEX, 'y') })] })),
    ]);
    expect(cell(node(v, 't440'), CODEX).divergesFromOwner).toBe(false);
    expect(cell(node(v, 'nas'), CODEX).divergesFromOwner).toBe(false);
    // ... and the owner lacking it is shown as missing there.
    expect(cell(node(v, 'pc-a'), CODEX).health).toBe('missing');
  });
});

describe('buildFleetView: several agent stores on one node', () => {
  it('two agents with different tokens: agentsDisagree, the worst copy shown', () => {
    const v = view([
      okResult(
        status('t440', {
          profiles: [
            profile(ANTHROPIC, { agentId: 'main', expires: NOW + 6 * 24 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'new') }),
            profile(ANTHROPIC, { agentId: 'ops', expires: NOW - HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'old') }),
            profile(ANTHROPIC, { agentId: 'research', expires: NOW + 6 * 24 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'new') }),
          ],
        }),
      ),
    ]);
    const t440 = node(v, 't440');
    expect(t440.profiles).toHaveLength(1);
    const c = cell(t440, ANTHROPIC);
    expect(c.agentsDisagree).toBe(true);
    expect(c.agents).toEqual(['main', 'ops', 'research']);
    expect(c.health).toBe('expired');
    expect(c.expiresAt).toBe(iso(NOW - HOUR));
    expect(c.fingerprint).toBe(fingerprintFor(ANTHROPIC, 'old'));
    expect(t440.worst).toBe('expired');
    expect(v.counts.expired).toBe(1);
  });

  it('two agents with the same token: one cell, no disagreement', () => {
    const fp = fingerprintFor(ANTHROPIC, 'same');
    const v = view([okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { agentId: 'main', fingerprint: fp }), profile(ANTHROPIC, { agentId: 'ops', fingerprint: fp })] }))]);
    const c = cell(node(v, 'pc-a'), ANTHROPIC);
    expect(c.agents).toEqual(['main', 'ops']);
    expect(c.agentsDisagree).toBe(false);
    expect(c.health).toBe('ok');
  });

  it('an invalid copy in one agent makes the cell invalid, with its reason', () => {
    const v = view([
      okResult(
        status('pc-a', {
          profiles: [profile(ANTHROPIC, { agentId: 'main' }), profile(ANTHROPIC, { agentId: 'ops', health: 'invalid', fingerprint: null, expires: null, reason: 'expires: expected a number' })],
        }),
      ),
    ]);
    const c = cell(node(v, 'pc-a'), ANTHROPIC);
    expect(c.health).toBe('invalid');
    expect(c.reason).toBe('expires: expected a number');
  });
});

describe('buildFleetView: folding agent stores, copy by copy', () => {
  it('the cell is the first copy with every copy listed, when all are equally healthy', () => {
    const main = profile(ANTHROPIC, { agentId: 'main', expires: NOW + 5 * 24 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'main') });
    const ops = profile(ANTHROPIC, { agentId: 'ops', expires: NOW + 2 * 24 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'ops') });
    const c = cell(node(view([okResult(status('pc-a', { profiles: [main, ops] }))]), 'pc-a'), ANTHROPIC);
    // toStrictEqual: no key without a value (no reason, no refresh error) either.
    expect(c).toStrictEqual({
      profileId: ANTHROPIC,
      type: 'oauth',
      health: 'ok',
      expiresAt: iso(NOW + 5 * 24 * HOUR),
      agents: ['main', 'ops'],
      fingerprint: fingerprintFor(ANTHROPIC, 'main'),
      agentsDisagree: true,
      copies: [
        { agentId: 'main', fingerprint: fingerprintFor(ANTHROPIC, 'main'), expiresAt: iso(NOW + 5 * 24 * HOUR), hasRefreshToken: true },
        { agentId: 'ops', fingerprint: fingerprintFor(ANTHROPIC, 'ops'), expiresAt: iso(NOW + 2 * 24 * HOUR), hasRefreshToken: true },
      ],
      tokenTag: null,
      owner: 'pc-a',
      isOwner: true,
      divergesFromOwner: false,
    });
  });

  it('only a worse copy replaces the one shown: equally healthy copies keep the first', () => {
    const main = profile(ANTHROPIC, { agentId: 'main', expires: NOW + 2 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'main') });
    const ops = profile(ANTHROPIC, { agentId: 'ops', expires: NOW + 20 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'ops') });
    for (const [first, second] of [
      [main, ops],
      [ops, main],
    ] as const) {
      const c = cell(node(view([okResult(status('t440', { profiles: [first, second] }))]), 't440'), ANTHROPIC);
      expect([c.health, c.expiresAt, c.fingerprint]).toEqual(['expiring', first.expiresAt, first.fingerprint]);
    }
  });

  it("a refresh that failed for good in any store is the cell's, whichever store comes first", () => {
    const failed = { ...profile(ANTHROPIC, { agentId: 'ops' }), refreshError: 'invalid_grant: the refresh token was revoked' };
    const fine = profile(ANTHROPIC, { agentId: 'main' });
    expect(cell(node(view([okResult(status('pc-a', { profiles: [fine, failed] }))]), 'pc-a'), ANTHROPIC).refreshError).toBe('invalid_grant: the refresh token was revoked');
    expect(cell(node(view([okResult(status('pc-a', { profiles: [failed, fine] }))]), 'pc-a'), ANTHROPIC).refreshError).toBe('invalid_grant: the refresh token was revoked');
  });

  it('a worse copy that gives no reason leaves the cell without one', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { agentId: 'main' }), profile(ANTHROPIC, { agentId: 'ops', health: 'invalid', fingerprint: null, expires: null })] })),
    ]);
    const c = cell(node(v, 'pc-a'), ANTHROPIC);
    expect(c.health).toBe('invalid');
    expect('reason' in c).toBe(false);
  });

  it("an unreadable copy that says no type leaves the readable copies' type, in either store order", () => {
    const readable = profile('anthropic:manual', { agentId: 'main', type: 'token', expires: NOW - HOUR, hasRefreshToken: false });
    const unreadable = profile('anthropic:manual', { agentId: 'ops', type: null, health: 'invalid', fingerprint: null, expires: null, hasRefreshToken: false, reason: 'token: expected a string' });
    for (const profiles of [
      [readable, unreadable],
      [unreadable, readable],
    ]) {
      const c = cell(node(view([okResult(status('pc-a', { profiles }))]), 'pc-a'), 'anthropic:manual');
      expect([c.health, c.type, c.reason]).toEqual(['invalid', 'token', 'token: expected a string']);
    }
  });

  it('a worse copy that says its type gives the cell that type', () => {
    const c = cell(
      node(view([okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { agentId: 'main', type: 'token' }), profile(ANTHROPIC, { agentId: 'ops', type: 'oauth', expires: NOW - HOUR })] }))]), 'pc-a'),
      ANTHROPIC,
    );
    expect([c.health, c.type]).toEqual(['expired', 'oauth']);
  });
});

describe("buildFleetView: 'missing'", () => {
  it('a syncable profile held elsewhere but not here is a missing cell', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile(ANTHROPIC), profile(CODEX), profile('anthropic:manual', { type: 'token', expires: NOW + 10 * HOUR })] })),
      okResult(status('t440', { profiles: [profile(ANTHROPIC)] })),
    ]);
    const t440 = node(v, 't440');
    const missing = t440.profiles.filter((p) => p.health === 'missing');
    expect(missing.map((p) => p.profileId).sort()).toEqual(['anthropic:manual', CODEX].sort());
    expect(cell(t440, CODEX)).toStrictEqual({
      profileId: CODEX,
      type: 'oauth',
      health: 'missing',
      expiresAt: null,
      agents: [],
      fingerprint: null,
      tokenTag: null,
      owner: 'pc-a',
      isOwner: false,
      divergesFromOwner: false,
      agentsDisagree: false,
      copies: [],
    });
    expect(cell(t440, 'anthropic:manual').type).toBe('token');
    expect(t440.worst).toBe('missing');
    expect(v.counts.missing).toBe(2);
    // pc-a lacks nothing.
    expect(node(v, 'pc-a').profiles.some((p) => p.health === 'missing')).toBe(false);
  });

  it('api_key profiles are never missing', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile('openai:key', { type: 'api_key', expires: null, fingerprint: null, hasRefreshToken: false })] })),
      okResult(status('t440', { profiles: [] })),
    ]);
    expect(node(v, 't440').profiles).toEqual([]);
    expect(node(v, 't440').worst).toBe('ok');
    expect(v.counts.missing).toBe(0);
  });

  it('a profile of no known type is never missing', () => {
    const v = view([okResult(status('pc-a', { profiles: [profile('custom:thing', { type: null, hasRefreshToken: false })] })), okResult(status('t440', { profiles: [] }))]);
    expect(node(v, 't440').profiles).toEqual([]);
  });

  it('missing ranks between ok and expiring, and cells sort worst first', () => {
    const v = view([
      okResult(status('pc-a', { profiles: [profile('anthropic:a'), profile('anthropic:b'), profile('anthropic:c')] })),
      okResult(status('t440', { profiles: [profile('anthropic:c', { expires: NOW + 2 * HOUR }), profile('anthropic:b', { expires: NOW + 48 * HOUR })] })),
    ]);
    expect(node(v, 't440').profiles.map((p) => [p.profileId, p.health])).toEqual([
      ['anthropic:c', 'expiring'],
      ['anthropic:a', 'missing'],
      ['anthropic:b', 'ok'],
    ]);
    expect(node(v, 't440').worst).toBe('expiring');
  });
});

describe('buildFleetView: unreadable stores', () => {
  it('an unreadable agent store makes the node invalid and is listed with its reason', () => {
    const v = view([
      okResult(
        status('t440', {
          readable: false,
          stores: [
            { agentId: 'main', readable: true },
            { agentId: 'ops', readable: false, reason: 'not valid JSON (line 3)' },
          ],
          profiles: [profile(ANTHROPIC)],
        }),
      ),
    ]);
    const t440 = node(v, 't440');
    expect(t440.unreadableStores).toEqual([{ agentId: 'ops', reason: 'not valid JSON (line 3)' }]);
    expect(t440.worst).toBe('invalid');
    expect(v.worst).toBe('invalid');
    expect(cell(t440, ANTHROPIC).health).toBe('ok');
  });

  it("an unreadable store without a reason says 'unreadable'", () => {
    const v = view([okResult(status('t440', { readable: false, stores: [{ agentId: 'main', readable: false }] }))]);
    expect(node(v, 't440').unreadableStores).toEqual([{ agentId: 'main', reason: 'unreadable' }]);
  });

  it('store.readable:false without a per-store list (the DESIGN.md shape) still makes the node invalid', () => {
    // DESIGN.md's /v1/status has only `store: { kind, readable }`; `stores` is our extension.
    // Our own agent also sends readable:false with an empty `stores` list when it finds no
    // store at all. Either way the node's credentials cannot be read: that is not "ok".
    const withoutList = view([okResult(status('t440', { readable: false }))]);
    expect(node(withoutList, 't440').worst).toBe('invalid');
    expect(node(withoutList, 't440').unreadableStores).toEqual([{ agentId: '*', reason: 'unreadable' }]);
    const emptyList = view([okResult(status('t440', { readable: false, stores: [] }))]);
    expect(node(emptyList, 't440').worst).toBe('invalid');
    expect(node(emptyList, 't440').unreadableStores).toEqual([{ agentId: '*', reason: 'no credential store found' }]);
  });
});

describe('withProfiles, selectNodes, selectProfiles: a view recounted', () => {
  /** The incident, with an unreachable nas and an unreadable store on t440. */
  function fleet(): FleetView {
    const [pcA, t440] = incident();
    const broken = t440!.ok ? okResult({ ...t440!.value, store: { ...t440!.value.store, readable: false } }) : t440!;
    return view([pcA!, broken, errorResult('nas', 'unreachable')]);
  }

  it("selectNodes keeps the named nodes, in the view's order, with the worst and totals of those alone", () => {
    const v = fleet();
    const picked = selectNodes(v, ['t440', 'pc-a']);
    expect(picked.nodes).toEqual([node(v, 'pc-a'), node(v, 't440')]);
    expect(picked.worst).toBe('invalid');
    expect(picked.counts).toEqual({ ok: 2, missing: 0, expiring: 0, expired: 2, invalid: 0, unreachable: 0 });
    expect(picked.checkedAt).toBe(CHECKED_AT);
    expect(selectNodes(v, ['pc-a'])).toEqual({ checkedAt: CHECKED_AT, nodes: [node(v, 'pc-a')], worst: 'ok', counts: { ok: 2, missing: 0, expiring: 0, expired: 0, invalid: 0, unreachable: 0 } });
  });

  it("selectProfiles recounts each reachable node's worst from the cells kept; an unreadable store still counts", () => {
    const v = fleet();
    const onlyCodex = selectProfiles(v, (_node, c) => c.profileId === CODEX);
    expect(node(onlyCodex, 'pc-a').profiles.map((c) => c.profileId)).toEqual([CODEX]);
    expect(node(onlyCodex, 'pc-a').worst).toBe('ok');
    expect(node(onlyCodex, 't440').profiles).toEqual([cell(node(v, 't440'), CODEX)]);
    expect(node(onlyCodex, 't440').worst).toBe('invalid');
    expect(onlyCodex.counts).toEqual({ ok: 1, missing: 0, expiring: 0, expired: 1, invalid: 0, unreachable: 1 });
  });

  it('an unreachable node is left as it is: asked for no profiles, still unreachable', () => {
    const v = fleet();
    const asked: string[] = [];
    const none = withProfiles(v, (n) => {
      asked.push(n.name);
      return [];
    });
    expect(asked).toEqual(['pc-a', 't440']);
    expect(node(none, 'nas')).toBe(node(v, 'nas'));
    expect(node(none, 'pc-a').worst).toBe('ok');
    expect(node(none, 't440').worst).toBe('invalid');
    expect(none.worst).toBe('unreachable');
    expect(none.counts).toEqual({ ok: 0, missing: 0, expiring: 0, expired: 0, invalid: 0, unreachable: 1 });
  });
});
