import { describe, expect, it } from 'vitest';
import { groupFixes, planRestart, type RestartPlanInput, type TokenCheck } from '../../src/domain/restart-plan.js';
import type { ProfileStatus } from '../../src/protocol/agent-api.js';
import { profileStatusAt, type ProfileStatusSpec } from '../support/profile-status.js';

/*
 * The rule that decides whether a restart may run at all (issue 17): every OAuth profile the
 * gateway loads must stay valid for the margin, or a fix must exist first; with none, a
 * no-go that only an explicit force overrides. Each rule at both sides of its line.
 */

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);
const MIN = 60_000;
const MARGIN = 30 * MIN;
const at = (ms: number) => new Date(ms).toISOString();

const profile = (overrides: ProfileStatusSpec = {}) => profileStatusAt(NOW, { fingerprint: 'fp-fresh', ...overrides });

const expired = (overrides: Partial<ProfileStatus> = {}) => profile({ expiresMs: NOW - 2 * 60 * MIN, health: 'expired', fingerprint: 'fp-dead', ...overrides });

function input(overrides: Partial<RestartPlanInput> = {}): RestartPlanInput {
  return {
    node: 't440',
    profiles: [profile()],
    unreadableStores: [],
    capacity: { agentCount: 15, maxConcurrent: 20 },
    others: [],
    owners: { 'anthropic:*': 'pc-a' },
    nowMs: NOW,
    marginMs: MARGIN,
    force: false,
    raiseCapacity: false,
    restartCommand: 'systemctl --user restart openclaw-gateway',
    ...overrides,
  };
}

const RESTART = 'restart the gateway on t440 (systemctl --user restart openclaw-gateway)';
const VERIFY = 'wait for /readyz, then re-read token health';

describe('planRestart: the verdict', () => {
  it('go when every OAuth profile stays valid for the margin: the restart and its check are all it does', () => {
    const plan = planRestart(input());
    expect(plan).toEqual({
      node: 't440',
      verdict: 'go',
      marginMs: MARGIN,
      checks: [{ profileId: 'anthropic:default', agents: ['main'], expiresAt: at(NOW + 8 * 60 * MIN), staysValid: true, fix: null }],
      blastRadius: { agentCount: 15, maxConcurrent: 20, expectedBurst: { low: 8, high: 10 }, exceedsCapacity: false, suggestedMaxConcurrent: null },
      capacityChange: null,
      steps: [RESTART, VERIFY],
      risks: [],
      unreadableStores: [],
    });
  });

  it('the margin is inclusive: a token expiring exactly at now + margin stays valid, one a millisecond earlier does not', () => {
    const others = [{ node: 'pc-a', profiles: [profile()] }];
    expect(planRestart(input({ profiles: [profile({ expiresMs: NOW + MARGIN, health: 'expiring' })], others })).verdict).toBe('go');
    const short = planRestart(input({ profiles: [profile({ expiresMs: NOW + MARGIN - 1, health: 'expiring' })], others }));
    expect(short.verdict).toBe('go_after_fixes');
    expect(short.checks[0]!.staysValid).toBe(false);
  });

  it('no-go when a token cannot stay valid and nothing can fix it; force turns it into a forced plan that names the risk', () => {
    const dead = input({ profiles: [expired({ hasRefreshToken: false })], owners: {} });
    const noGo = planRestart(dead);
    expect(noGo.verdict).toBe('no_go');
    expect(noGo.risks).toEqual([]);
    expect(noGo.checks[0]).toMatchObject({ staysValid: false, fix: null, blocker: 'no valid copy on any node, and no owner to refresh it (owners in the fleet file)' });
    // The restart is still described: the plan says what would run, the verdict says it may not.
    expect(noGo.steps).toEqual([RESTART, VERIFY]);

    const forced = planRestart({ ...dead, force: true });
    expect(forced.verdict).toBe('forced');
    expect(forced.risks).toEqual([
      'anthropic:default will load expired: no valid copy on any node, and no owner to refresh it (owners in the fleet file)',
      'agents using these profiles will fail after the restart',
    ]);
  });

  it('a forced plan says "about to expire" for a token still valid now but not for the margin, and "expired" for one at now exactly', () => {
    const soon = planRestart(input({ profiles: [profile({ expiresMs: NOW + 1, health: 'expiring' })], owners: {}, force: true }));
    expect(soon.risks[0]).toMatch(/^anthropic:default will load about to expire: /);
    const atNow = planRestart(input({ profiles: [profile({ expiresMs: NOW, health: 'expired' })], owners: {}, force: true }));
    expect(atNow.risks[0]).toMatch(/^anthropic:default will load expired: /);
  });

  it('an unreadable store is a no-go even when every token is fine: the restart would load whatever it holds', () => {
    const plan = planRestart(input({ unreadableStores: ['agents/ops/agent/auth-profiles.json'] }));
    expect(plan.verdict).toBe('no_go');
    expect(plan.unreadableStores).toEqual(['agents/ops/agent/auth-profiles.json']);
    const forced = planRestart(input({ unreadableStores: ['agents/ops/agent/auth-profiles.json'], force: true }));
    expect(forced.verdict).toBe('forced');
    expect(forced.risks).toEqual(['store agents/ops/agent/auth-profiles.json is unreadable', 'agents using these profiles will fail after the restart']);
  });

  it('force changes nothing on a plan that may run: go stays go, go after fixes stays that', () => {
    expect(planRestart(input({ force: true })).verdict).toBe('go');
    expect(planRestart(input({ force: true })).risks).toEqual([]);
    const fixable = planRestart(input({ profiles: [expired()], others: [{ node: 'pc-a', profiles: [profile()] }], force: true }));
    expect(fixable.verdict).toBe('go_after_fixes');
    expect(fixable.risks).toEqual([]);
  });

  it('only OAuth profiles (and ones that cannot be read) decide: an expired setup token or API key does not block a restart', () => {
    const plan = planRestart(input({ profiles: [profile(), profile({ profileId: 'anthropic:setup', type: 'token', expiresMs: NOW - MIN, health: 'expired' }), profile({ profileId: 'openai:key', type: 'api_key', expiresMs: null })] }));
    expect(plan.verdict).toBe('go');
    expect(plan.checks.map((check) => check.profileId)).toEqual(['anthropic:default']);
    const broken = planRestart(input({ profiles: [profile({ profileId: 'anthropic:setup', type: 'token', expiresAt: null, health: 'invalid', fingerprint: null })], owners: {} }));
    expect(broken.verdict).toBe('no_go');
  });

  it('an OAuth profile without an expiry cannot be shown to stay valid', () => {
    const plan = planRestart(input({ profiles: [profile({ expiresMs: null })], owners: {} }));
    expect(plan.verdict).toBe('no_go');
  });
});

describe('planRestart: one check per profile, over the agents sharing it', () => {
  it('agents sharing a profile are one check; one agent with a dying copy makes the whole profile need a fix', () => {
    const plan = planRestart(
      input({
        profiles: [profile({ agentId: 'a1' }), expired({ agentId: 'a2' }), profile({ agentId: 'a3' })],
        others: [{ node: 'pc-a', profiles: [profile()] }],
      }),
    );
    expect(plan.checks).toEqual([{ profileId: 'anthropic:default', agents: ['a1', 'a2', 'a3'], expiresAt: at(NOW + 8 * 60 * MIN), staysValid: false, fix: { kind: 'sync', from: 'pc-a' } }]);
    expect(plan.verdict).toBe('go_after_fixes');
  });

  it('a later valid agent does not make a dying profile valid again', () => {
    const plan = planRestart(input({ profiles: [expired({ agentId: 'a1' }), profile({ agentId: 'a2' })], owners: {} }));
    expect(plan.checks[0]!.staysValid).toBe(false);
    expect(plan.verdict).toBe('no_go');
  });
});

describe('planRestart: which fix', () => {
  const copy = (node: string, expiresMs: number, overrides: Partial<ProfileStatus> = {}) => ({ node, profiles: [profile({ expiresMs, ...overrides })] });

  it("a sync from the owner's valid copy first, even when another node holds a fresher one", () => {
    const plan = planRestart(input({ profiles: [expired()], others: [copy('cx', NOW + 9 * 60 * MIN), copy('pc-a', NOW + 2 * 60 * MIN)] }));
    expect(plan.checks[0]!.fix).toEqual({ kind: 'sync', from: 'pc-a' });
    expect(plan.steps).toEqual(['sync anthropic:default from pc-a to t440', RESTART, VERIFY]);
  });

  it('without a valid copy on the owner, the freshest valid copy anywhere, whatever order the nodes answered in', () => {
    const copies = [copy('pc-a', NOW + 10 * MIN), copy('b', NOW + 3 * 60 * MIN), copy('c', NOW + 5 * 60 * MIN), copy('d', NOW + 4 * 60 * MIN)];
    expect(planRestart(input({ profiles: [expired()], others: copies })).checks[0]!.fix).toEqual({ kind: 'sync', from: 'c' });
    expect(planRestart(input({ profiles: [expired()], others: [...copies].reverse() })).checks[0]!.fix).toEqual({ kind: 'sync', from: 'c' });
  });

  it('a copy counts only if it is valid for the margin itself (inclusive), not invalid, has an expiry, and is the same profile', () => {
    const fixOf = (others: RestartPlanInput['others']) => planRestart(input({ profiles: [expired()], owners: {}, others })).checks[0]!.fix;
    expect(fixOf([copy('b', NOW + MARGIN)])).toEqual({ kind: 'sync', from: 'b' });
    expect(fixOf([copy('b', NOW + MARGIN - 1)])).toBeNull();
    expect(fixOf([copy('b', NOW + 60 * MIN, { health: 'invalid' })])).toBeNull();
    expect(fixOf([copy('b', NOW + 60 * MIN, { expiresAt: null })])).toBeNull();
    expect(fixOf([copy('b', NOW + 60 * MIN, { profileId: 'anthropic:other' })])).toBeNull();
  });

  it("no valid copy anywhere: a refresh on the owner, then a sync from it; the plan's steps run the refresh first", () => {
    const plan = planRestart(input({ profiles: [expired()], others: [{ node: 'pc-a', profiles: [expired()] }] }));
    expect(plan.checks[0]!.fix).toEqual({ kind: 'refresh', owner: 'pc-a', thenSyncFrom: 'pc-a' });
    expect(plan.verdict).toBe('go_after_fixes');
    expect(plan.steps).toEqual(['refresh anthropic:default on pc-a (the owner)', 'sync anthropic:default from pc-a to t440', RESTART, VERIFY]);
  });

  it("the owner cannot refresh (no refresh token, or its last refresh failed for good): blocked, naming the owner and the new login", () => {
    const blocker = (ownerCopy: ProfileStatus) => planRestart(input({ profiles: [expired()], others: [{ node: 'pc-a', profiles: [ownerCopy] }] })).checks[0];
    const want = { fix: null, blocker: 'no valid copy on any node, and its owner pc-a cannot refresh it (no usable refresh token): a new login on pc-a is needed' };
    expect(blocker(expired({ hasRefreshToken: false }))).toMatchObject(want);
    expect(blocker(expired({ refreshError: 'invalid_grant' }))).toMatchObject(want);
    expect(blocker(expired({ profileId: 'anthropic:other' }))).toMatchObject(want);
  });

  it('the owner did not answer: blocked, saying so', () => {
    const check = planRestart(input({ profiles: [expired()], others: [{ node: 'b', profiles: [expired()] }] })).checks[0];
    expect(check).toMatchObject({ fix: null, blocker: 'no valid copy on any node, and its owner pc-a did not answer' });
  });

  it('the node is the owner: a refresh here, nothing to sync after it; without a usable refresh token, a new login here', () => {
    const owned = (profiles: ProfileStatus[]) => planRestart(input({ node: 'pc-a', profiles })).checks[0]!;
    expect(owned([expired()]).fix).toEqual({ kind: 'refresh', owner: 'pc-a', thenSyncFrom: null });
    const plan = planRestart(input({ node: 'pc-a', profiles: [expired()] }));
    expect(plan.steps).toEqual(['refresh anthropic:default on pc-a (the owner)', 'restart the gateway on pc-a (systemctl --user restart openclaw-gateway)', VERIFY]);
    const needLogin = { fix: null, blocker: 'no valid copy on any node, and pc-a (its owner) has no usable refresh token: it needs a new login' };
    expect(owned([expired({ hasRefreshToken: false })])).toMatchObject(needLogin);
    expect(owned([expired({ refreshError: 'invalid_grant' })])).toMatchObject(needLogin);
  });

  it('the owner holding a refreshable copy of another profile only does not count', () => {
    const check = planRestart(input({ node: 'pc-a', profiles: [expired(), profile({ profileId: 'openai-codex:default' })], owners: { '*': 'pc-a' } })).checks.find((c) => c.profileId === 'anthropic:default')!;
    expect(check.fix).toEqual({ kind: 'refresh', owner: 'pc-a', thenSyncFrom: null });
    const other = planRestart(input({ node: 'pc-a', profiles: [expired({ hasRefreshToken: false }), profile({ profileId: 'openai-codex:default', expiresMs: NOW + 60 * MIN })], owners: { '*': 'pc-a' } }));
    expect(other.checks.find((c) => c.profileId === 'anthropic:default')!.fix).toBeNull();
  });

  it('a stand-in is not the owner: the refresh is asked of the first node in the owners list', () => {
    const plan = planRestart(input({ profiles: [expired()], owners: { 'anthropic:*': ['pc-a', 'cx'] }, others: [{ node: 'cx', profiles: [expired()] }, { node: 'pc-a', profiles: [expired()] }] }));
    expect(plan.checks[0]!.fix).toEqual({ kind: 'refresh', owner: 'pc-a', thenSyncFrom: 'pc-a' });
  });
});

describe('planRestart: capacity', () => {
  it('raises maxConcurrent before the restart when asked and the burst exceeds it; not when not asked, nor when it fits', () => {
    const small = { agentCount: 15, maxConcurrent: 4 };
    const raised = planRestart(input({ capacity: small, raiseCapacity: true }));
    expect(raised.capacityChange).toEqual({ from: 4, to: 12 });
    expect(raised.steps).toEqual(['raise maxConcurrent on t440 from 4 to 12', RESTART, VERIFY]);
    expect(raised.blastRadius.exceedsCapacity).toBe(true);
    expect(planRestart(input({ capacity: small, raiseCapacity: false })).capacityChange).toBeNull();
    expect(planRestart(input({ capacity: { agentCount: 15, maxConcurrent: 10 }, raiseCapacity: true })).capacityChange).toBeNull();
  });

  it('the steps run fixes, then the capacity change, then the restart', () => {
    const plan = planRestart(input({ profiles: [expired()], others: [{ node: 'pc-a', profiles: [profile()] }], capacity: { agentCount: 15, maxConcurrent: 4 }, raiseCapacity: true }));
    expect(plan.steps).toEqual(['sync anthropic:default from pc-a to t440', 'raise maxConcurrent on t440 from 4 to 12', RESTART, VERIFY]);
  });
});

describe('planRestart: each piece of the rule on its own', () => {
  it('agents that all hold a valid copy make a valid check: go', () => {
    const plan = planRestart(input({ profiles: [profile({ agentId: 'a1' }), profile({ agentId: 'a2' })] }));
    expect(plan.checks).toEqual([{ profileId: 'anthropic:default', agents: ['a1', 'a2'], expiresAt: at(NOW + 8 * 60 * MIN), staysValid: true, fix: null }]);
    expect(plan.verdict).toBe('go');
  });

  it('one profile to fix among valid ones is still a plan with fixes', () => {
    const plan = planRestart(input({ profiles: [profile({ profileId: 'anthropic:ops' }), expired()], others: [{ node: 'pc-a', profiles: [profile()] }] }));
    expect(plan.verdict).toBe('go_after_fixes');
  });

  it('a check with a fix carries no blocker at all', () => {
    const plan = planRestart(input({ profiles: [expired()], others: [{ node: 'pc-a', profiles: [profile()] }] }));
    expect(Object.keys(plan.checks[0]!)).not.toContain('blocker');
  });

  it('the owner holding other profiles besides the dead one can still refresh it', () => {
    const ownerNode = { node: 'pc-a', profiles: [profile({ profileId: 'anthropic:ops', hasRefreshToken: false }), expired()] };
    expect(planRestart(input({ profiles: [expired()], others: [ownerNode] })).checks[0]!.fix).toEqual({ kind: 'refresh', owner: 'pc-a', thenSyncFrom: 'pc-a' });
  });

  it('several refreshes on one owner are one step', () => {
    const plan = planRestart(input({ profiles: [expired(), expired({ profileId: 'anthropic:ops' })], others: [{ node: 'pc-a', profiles: [expired(), expired({ profileId: 'anthropic:ops' })] }] }));
    expect(plan.steps[0]).toBe('refresh anthropic:default, anthropic:ops on pc-a (the owner)');
  });
});

describe('groupFixes', () => {
  const check = (profileId: string, fix: TokenCheck['fix']): TokenCheck => ({ profileId, agents: ['main'], expiresAt: null, staysValid: fix === null, fix });

  it('refreshes per owner and syncs per source, each in the order first met; a refresh on the node itself syncs nothing', () => {
    const { refreshes, syncs } = groupFixes([
      check('a:1', { kind: 'sync', from: 'pc-a' }),
      check('b:1', { kind: 'refresh', owner: 'cx', thenSyncFrom: 'cx' }),
      check('a:2', { kind: 'sync', from: 'pc-a' }),
      check('c:1', { kind: 'refresh', owner: 't440', thenSyncFrom: null }),
      check('b:2', { kind: 'refresh', owner: 'cx', thenSyncFrom: 'cx' }),
      check('ok', null),
    ]);
    expect([...refreshes]).toEqual([
      ['cx', ['b:1', 'b:2']],
      ['t440', ['c:1']],
    ]);
    expect([...syncs]).toEqual([
      ['pc-a', ['a:1', 'a:2']],
      ['cx', ['b:1', 'b:2']],
    ]);
  });

  it('several profiles from one source are one step', () => {
    const plan = planRestart(
      input({
        profiles: [expired(), expired({ profileId: 'anthropic:ops' })],
        others: [{ node: 'pc-a', profiles: [profile(), profile({ profileId: 'anthropic:ops' })] }],
      }),
    );
    expect(plan.steps).toEqual(['sync anthropic:default, anthropic:ops from pc-a to t440', RESTART, VERIFY]);
  });
});
