import { describe, expect, it } from 'vitest';
import { currentAlerts, emptyNodeState } from '../../../src/domain/alerts.js';
import { applyRenewal } from '../../../src/domain/renewal-coverage.js';
import { chooseRenewer, currentToken, emptyAccountRenewal, withCurrent, FAILURES_BEFORE_ALERT, INFLIGHT_MAX_MS, nextDownSince, outcomeUnknown, planRenewals, renewableAccounts, renewalCovers, type AccountRenewal, type RenewalSettings } from '../../../src/domain/renewal-plan.js';
import { lifetimeOf, remainingAtRenewal, renewalDueAt, retryAt, unitHash } from '../../../src/domain/renewal-schedule.js';
import { ANTHROPIC, CODEX, DAY, failed, fleetView, HOUR, MINUTE, NOW, nodeOf, profile, status, THRESHOLDS } from '../alerts/alert-fixtures.js';

/*
 * Renewal's pure rules: when an account renews, who renews it (the owner, a stand-in, the
 * owner synced first on its return), and what that means for the alerts. Views are built
 * from status answers checked against the agent API, at the alert fixtures' clock.
 */

const THIRD = { kind: 'fraction', value: 1 / 3 } as const;
const settings = (extra: Partial<RenewalSettings> = {}): RenewalSettings => ({ auto: true, before: THIRD, ownerDownForMs: 15 * MINUTE, lifetimes: {}, owners: { 'anthropic:*': ['pc-a', 't440'], 'openai-codex:*': 'pc-a' }, ...extra });
const OWNERS_LIST = { 'anthropic:*': ['pc-a', 't440'], 'openai-codex:*': ['pc-a'] };
const memory = (...accounts: AccountRenewal[]) => new Map(accounts.map((account) => [account.profileId, account]));

describe('when an account renews', () => {
  it('a third of an 8 h Anthropic token remains: 5h20m after issue, up to 10 % of the remaining earlier (jitter)', () => {
    const expires = NOW + 8 * HOUR;
    const due = renewalDueAt(expires, 8 * HOUR, THIRD, ANTHROPIC);
    const remaining = (8 * HOUR) / 3;
    expect(expires - due).toBeGreaterThanOrEqual(remaining);
    expect(expires - due).toBeLessThan(remaining * 1.1);
    // The same moment on every replica and after a restart.
    expect(renewalDueAt(expires, 8 * HOUR, THIRD, ANTHROPIC)).toBe(due);
  });

  it('jitter spreads accounts that expire together', () => {
    const expires = NOW + 8 * HOUR;
    const dues = new Set(Array.from({ length: 20 }, (_, index) => renewalDueAt(expires, 8 * HOUR, THIRD, `anthropic:acct${index}`)));
    expect(dues.size).toBe(20);
    expect(unitHash('a')).not.toBe(unitHash('b'));
  });

  it('a duration remains as given; one longer than the lifetime still leaves a tenth of the life', () => {
    expect(remainingAtRenewal(8 * HOUR, { kind: 'duration', ms: 20 * MINUTE })).toBe(20 * MINUTE);
    expect(remainingAtRenewal(10 * MINUTE, { kind: 'duration', ms: 20 * MINUTE })).toBe(9 * MINUTE);
  });

  it('the lifetime: learnt from the provider, else configured, else the provider default (Anthropic 8 h, Codex 10 d), else an hour', () => {
    expect(lifetimeOf('anthropic', 3 * HOUR, { anthropic: 12 * HOUR })).toBe(3 * HOUR);
    expect(lifetimeOf('anthropic', null, { anthropic: 12 * HOUR })).toBe(12 * HOUR);
    expect(lifetimeOf('anthropic', null, {})).toBe(8 * HOUR);
    expect(lifetimeOf('openai-codex', null, {})).toBe(10 * DAY);
    expect(lifetimeOf('somebody', null, {})).toBe(HOUR);
  });

  it('a transient failure backs off, doubling from 10 s to 5 min with full jitter, at least a second, scaled for short tokens', () => {
    expect(retryAt(NOW, 1, 8 * HOUR, () => 0.999) - NOW).toBeLessThanOrEqual(10_000);
    expect(retryAt(NOW, 10, 8 * HOUR, () => 0.999) - NOW).toBeLessThanOrEqual(5 * MINUTE);
    expect(retryAt(NOW, 10, 8 * HOUR, () => 0.999) - NOW).toBeGreaterThan(4 * MINUTE);
    expect(retryAt(NOW, 1, 8 * HOUR, () => 0) - NOW).toBe(1_000);
    expect(retryAt(NOW, 10, 10_000, () => 0.999) - NOW).toBe(1_000);
  });
});

describe('who renews', () => {
  const current = { fingerprint: 'aaaaaaaaaaaa', expiresAtMs: NOW + 2 * HOUR, node: 'pc-a' };
  const copy = (node: string, fingerprint = 'aaaaaaaaaaaa') => ({ node, fingerprint, expiresAtMs: NOW + 2 * HOUR, hasRefreshToken: true });
  const all = new Set(['pc-a', 't440', 'hp']);

  it('the owner, when it answers and holds the current token', () => {
    expect(chooseRenewer(['pc-a', 't440'], [copy('pc-a'), copy('t440')], all, {}, current, 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 'pc-a', standIn: false });
  });

  it('nobody yet while the owner has been down less than ownerDownFor: the stand-in takes over then', () => {
    const choice = chooseRenewer(['pc-a', 't440'], [copy('t440')], new Set(['t440']), { 'pc-a': NOW - 5 * MINUTE }, current, 15 * MINUTE, NOW);
    expect(choice).toMatchObject({ kind: 'wait', takeoverAtMs: NOW + 10 * MINUTE, standIn: 't440' });
  });

  it('the stand-in once the owner has been down for ownerDownFor', () => {
    expect(chooseRenewer(['pc-a', 't440'], [copy('t440')], new Set(['t440']), { 'pc-a': NOW - 15 * MINUTE }, current, 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 't440', standIn: true, reason: 'stand-in for pc-a, unreachable' });
  });

  it('never a stand-in holding an older copy: its refresh token may be spent', () => {
    const choice = chooseRenewer(['pc-a', 't440', 'hp'], [copy('t440', 'bbbbbbbbbbbb'), copy('hp')], new Set(['t440', 'hp']), { 'pc-a': NOW - HOUR }, current, 15 * MINUTE, NOW);
    expect(choice).toEqual({ kind: 'renew', node: 'hp', standIn: true, reason: 'stand-in for pc-a, unreachable' });
    expect(chooseRenewer(['pc-a', 't440'], [copy('t440', 'bbbbbbbbbbbb')], new Set(['t440']), { 'pc-a': NOW - HOUR }, current, 15 * MINUTE, NOW)).toMatchObject({ kind: 'wait', takeoverAtMs: null });
  });

  it('the owner back without the current token is synced first, from the node that holds it', () => {
    const renewed = { ...current, fingerprint: 'cccccccccccc', node: 't440' };
    expect(chooseRenewer(['pc-a', 't440'], [copy('pc-a'), copy('t440', 'cccccccccccc')], all, {}, renewed, 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
  });

  it('the owner holding the current token without its refresh token is passed over: a sync cannot give it one (the same token is not newer), so a stand-in holding it renews', () => {
    const bare = { ...copy('pc-a'), hasRefreshToken: false };
    expect(chooseRenewer(['pc-a', 't440'], [bare, copy('t440')], all, {}, { ...current, node: 't440' }, 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 't440', standIn: true, reason: 'stand-in for pc-a, which holds no refresh token for the current token' });
    // Nobody with a refresh token: nobody can renew, and it says so.
    expect(chooseRenewer(['pc-a', 't440'], [bare], all, {}, current, 15 * MINUTE, NOW)).toMatchObject({ kind: 'wait', takeoverAtMs: null });
    // An owner holding nothing is passed over too (a sync never adds a profile), whatever older copies others hold.
    expect(chooseRenewer(['pc-a', 't440'], [copy('hp', 'bbbbbbbbbbbb'), copy('t440')], all, {}, { ...current, node: 't440' }, 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 't440', standIn: true, reason: 'stand-in for pc-a, which holds no refresh token for the current token' });
    // An owner holding another token is still synced first.
    expect(chooseRenewer(['pc-a', 't440'], [{ ...bare, fingerprint: 'bbbbbbbbbbbb' }, copy('t440')], all, {}, { ...current, node: 't440' }, 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
  });

  it("the schedule says why a stand-in renews: the owner is unreachable, or holds no refresh token for the current token", () => {
    const view = fleetView([status('pc-a', { profiles: [{ ...profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: 'aaaaaaaaaaaa' }), hasRefreshToken: false }] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: 'aaaaaaaaaaaa' })] })]);
    const [schedule] = planRenewals(view, new Map(), {}, settings({ owners: { 'anthropic:*': ['pc-a', 't440'] } }), NOW).schedules;
    expect(schedule).toMatchObject({ renewer: 't440', standIn: true, reason: 'stand-in for pc-a, which holds no refresh token for the current token' });
  });

  it('down since: kept while a node stays down, dropped when it answers', () => {
    const view = fleetView([status('pc-a'), failed('t440', 'timeout')]);
    expect(nextDownSince({ 't440': NOW - HOUR, 'pc-a': NOW - 2 * HOUR }, view, NOW)).toEqual({ t440: NOW - HOUR });
    expect(nextDownSince({}, view, NOW)).toEqual({ t440: NOW });
  });
});

describe('planRenewals', () => {
  const fp = (letter: string) => letter.repeat(12);

  it('renews what is due on the owner, under the condition that the token there is still the one seen', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') }), profile(CODEX, { expires: NOW + 9 * DAY, fingerprint: fp('b') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const plan = planRenewals(view, new Map(), {}, settings(), NOW);
    expect(plan.steps).toEqual([{ kind: 'renew', profileId: ANTHROPIC, node: 'pc-a', standIn: false, fingerprint: fp('a'), ifExpiresBeforeMs: NOW + HOUR + 1, provider: 'anthropic' }]);
    const codex = plan.schedules.find((schedule) => schedule.profileId === CODEX)!;
    expect(codex).toMatchObject({ state: 'scheduled', renewer: 'pc-a' });
    expect(plan.nextDueMs).toBe(codex.dueAtMs);
  });

  it('a follower newer than the owners is not adopted as the current token (a rotation conflict for a person)', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 6 * HOUR, fingerprint: fp('a') })] }), status('hp', { profiles: [profile(ANTHROPIC, { expires: NOW + 9999 * DAY, fingerprint: fp('z') })] })]);
    const plan = planRenewals(view, new Map(), {}, settings(), NOW);
    expect(plan.accounts[0]!.current).toEqual({ fingerprint: fp('a'), expiresAtMs: NOW + 6 * HOUR, node: 'pc-a' });
    const applied = applyRenewal(view, plan.schedules, { syncAuto: true, nowMs: NOW });
    const alerts = currentAlerts(applied, nodeOf(applied, 'hp'), emptyNodeState('hp'), THRESHOLDS, NOW);
    expect(alerts.map((alert) => alert.condition)).toEqual(['rotation_conflict']);
  });

  it('a renewed token that expires sooner than the one it replaced stays current; nodes left with the old one get the new, forced', () => {
    // Found by the end-to-end run: the first renewal of a token whose lifetime was guessed too
    // long gave a shorter-lived token; the followers' older copy, later to expire, was taken
    // for the current token, the owner was told to sync from a follower, and renewal stopped.
    const renewed = withCurrent({ ...emptyAccountRenewal(ANTHROPIC), lifetimeMs: 15_000, current: { fingerprint: fp('o'), expiresAtMs: NOW + 50_000, node: 'pc-a' } }, { fingerprint: fp('n'), expiresAtMs: NOW + 15_000, node: 'pc-a' });
    expect(renewed.superseded).toEqual([fp('o')]);
    const view = fleetView([
      status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 15_000, fingerprint: fp('n') })] }),
      status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 50_000, fingerprint: fp('o') })] }),
      status('hp', { profiles: [profile(ANTHROPIC, { expires: NOW + 50_000, fingerprint: fp('o') })] }),
    ]);
    const plan = planRenewals(view, memory(renewed), {}, settings(), NOW);
    expect(plan.accounts[0]!.current).toEqual({ fingerprint: fp('n'), expiresAtMs: NOW + 15_000, node: 'pc-a' });
    expect(plan.steps).toEqual([{ kind: 'replace_superseded', profileId: ANTHROPIC, from: 'pc-a', to: ['t440', 'hp'] }]);
    expect(plan.schedules[0]).toMatchObject({ renewer: 'pc-a', state: 'scheduled' });
    // Meanwhile the old copies are renewal's business, not a rotation conflict nor an expiry alert.
    const applied = applyRenewal(view, plan.schedules, { syncAuto: true, nowMs: NOW });
    expect(currentAlerts(applied, nodeOf(applied, 'hp'), emptyNodeState('hp'), THRESHOLDS, NOW)).toEqual([]);
  });

  it('a node holding a token renewal does not know beside a superseded one is left alone (it may be evidence of a rotation conflict)', () => {
    const account = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('n'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' }, superseded: [fp('o')] };
    const view = fleetView([
      status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: fp('n') })] }),
      status('hp', { profiles: [profile(ANTHROPIC, { agentId: 'main', expires: NOW + 3 * HOUR, fingerprint: fp('o') }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 9 * HOUR, fingerprint: fp('z') })] }),
    ]);
    expect(planRenewals(view, memory(account), {}, settings(), NOW).steps).toEqual([]);
  });

  it('a token that failed for good is not tried again; a new login (another token) starts clean', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const failedOnce = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('a'), expiresAtMs: NOW + HOUR, node: 'pc-a' }, terminal: { fingerprint: fp('a'), error: 'invalid_grant', atMs: NOW - MINUTE, node: 'pc-a' } };
    const plan = planRenewals(view, memory(failedOnce), {}, settings(), NOW);
    expect(plan.steps).toEqual([]);
    expect(plan.schedules[0]).toMatchObject({ state: 'failed', renewer: 'pc-a', lastError: 'invalid_grant', dueAtMs: null });
    const relogged = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 8 * HOUR, fingerprint: fp('n') })] })]);
    expect(planRenewals(relogged, memory(failedOnce), {}, settings(), NOW).schedules[0]).toMatchObject({ state: 'scheduled' });
  });

  it('retrying: due at the retry time; a renewal in flight on another node holds every other node back', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const base = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('a'), expiresAtMs: NOW + HOUR, node: 'pc-a' } };
    const retrying = planRenewals(view, memory({ ...base, failures: 1, retryAtMs: NOW + 30_000, lastError: 'timeout' }), {}, settings(), NOW);
    expect(retrying.steps).toEqual([]);
    expect(retrying.schedules[0]).toMatchObject({ state: 'retrying', dueAtMs: NOW + 30_000 });
    const inflight = planRenewals(view, memory({ ...base, inflight: { node: 't440', sinceMs: NOW - MINUTE } }), {}, settings(), NOW);
    expect(inflight.steps).toEqual([]);
    expect(inflight.schedules[0]).toMatchObject({ state: 'waiting', renewer: 't440', dueAtMs: NOW - MINUTE + INFLIGHT_MAX_MS });
    const stale = planRenewals(view, memory({ ...base, inflight: { node: 't440', sinceMs: NOW - INFLIGHT_MAX_MS } }), {}, settings(), NOW);
    expect(stale.steps.map((step) => step.kind)).toEqual(['renew']);
  });

  it('a renewal in flight on a node that stopped answering holds every other node back until it answers, however old: it may have spent the refresh token', () => {
    // A leader killed mid-renewal, and the owner gone with it (the bot ran on it, or a power
    // cut): nobody saw whether the provider took the grant. If it did, the stand-in's copy
    // holds a spent refresh token, and sending it is a reuse that revokes the whole login.
    const base = { ...emptyAccountRenewal(ANTHROPIC), lifetimeMs: 8 * HOUR, current: { fingerprint: fp('a'), expiresAtMs: NOW + HOUR, node: 'pc-a' } };
    const sent = { ...base, inflight: { node: 'pc-a', sinceMs: NOW - 2 * INFLIGHT_MAX_MS } };
    const down = { 'pc-a': NOW - HOUR };
    const ownerGone = fleetView([failed('pc-a', 'unreachable'), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const plan = planRenewals(ownerGone, memory(sent), down, settings(), NOW);
    expect(plan.steps).toEqual([]);
    expect(plan.schedules[0]).toMatchObject({ state: 'waiting', renewer: 'pc-a', dueAtMs: null });
    expect(plan.schedules[0]!.reason).toMatch(/pc-a/);
    expect(plan.accounts[0]!.inflight).toEqual(sent.inflight);
    // Nothing will renew it: the copies are a person's business (alerts).
    expect(renewalCovers(plan.schedules[0], { expiresAtMs: NOW + HOUR, fingerprint: fp('a') }, { syncReaches: true, nowMs: NOW })).toBe(false);

    // pc-a answers again holding the same token: the grant never happened. The hold ends for
    // good (pc-a down again later is an ordinary outage), and pc-a renews.
    const sameToken = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const back = planRenewals(sameToken, memory(sent), {}, settings(), NOW);
    expect(back.accounts[0]!.inflight).toBeNull();
    expect(back.steps).toMatchObject([{ kind: 'renew', node: 'pc-a', fingerprint: fp('a') }]);
    const downAgain = planRenewals(ownerGone, memory(back.accounts[0]!), down, settings(), NOW);
    expect(downAgain.steps).toMatchObject([{ kind: 'renew', node: 't440', standIn: true }]);

    // pc-a answers with the token its grant brought: that is the current token, the hold is over.
    const renewedThere = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 8 * HOUR, fingerprint: fp('b') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const landed = planRenewals(renewedThere, memory(sent), {}, settings(), NOW);
    expect(landed.accounts[0]).toMatchObject({ inflight: null, current: { fingerprint: fp('b'), node: 'pc-a' }, superseded: [fp('a')] });
    expect(landed.steps).toEqual([{ kind: 'replace_superseded', profileId: ANTHROPIC, from: 'pc-a', to: ['t440'] }]);
  });

  it('a renewal whose answer never came stays in flight (the grant may have happened); a known outcome ends it', () => {
    expect(outcomeUnknown('timeout')).toBe(true);
    for (const known of ['busy', 'unreachable', 'http_error', 'no_result', 'server_error']) expect(outcomeUnknown(known)).toBe(false);
  });

  it('a renewal in flight on the node that renews anyway holds nothing back: that node answers under its own lock', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })]);
    const sent = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('a'), expiresAtMs: NOW + HOUR, node: 'pc-a' }, inflight: { node: 'pc-a', sinceMs: NOW - 3_000 } };
    expect(planRenewals(view, memory(sent), {}, settings(), NOW).steps).toMatchObject([{ kind: 'renew', node: 'pc-a' }]);
  });

  it('renew.auto off: nothing renews, every account says so', () => {
    const view = fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR })] })]);
    const plan = planRenewals(view, new Map(), {}, settings({ auto: false }), NOW);
    expect(plan.steps).toEqual([]);
    expect(plan.schedules[0]).toMatchObject({ state: 'off', dueAtMs: null });
  });

  it('a token profile, or OAuth without a refresh token or an owner, is not renewable', () => {
    const view = fleetView([status('pc-a', { profiles: [profile('anthropic:manual', { type: 'token', expires: NOW + 2 * DAY }), profile('google-gemini-cli:me', { expires: NOW + HOUR })] })]);
    expect(planRenewals(view, new Map(), {}, settings(), NOW).schedules).toEqual([]);
  });
});

describe('what renewal covers, and the alerts left', () => {
  const fp = (letter: string) => letter.repeat(12);
  const owners = OWNERS_LIST;
  const viewOf = (results: Parameters<typeof fleetView>[0]) => {
    const view = fleetView(results, owners as never);
    return applyRenewal(view, planRenewals(view, new Map(), {}, settings(), NOW).schedules, { syncAuto: true, nowMs: NOW });
  };

  it('an 8 h token renewed on schedule is "ok", and no alert, though it expires within warnBefore', () => {
    const view = viewOf([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: fp('a') })] })]);
    for (const name of ['pc-a', 't440']) {
      const node = nodeOf(view, name);
      expect(node.profiles[0]).toMatchObject({ health: 'ok', renewal: { covers: true, node: 'pc-a', state: 'scheduled' } });
      expect(currentAlerts(view, node, emptyNodeState(name), { ...THRESHOLDS, warnBeforeMs: 7 * DAY }, NOW)).toEqual([]);
    }
  });

  it('a follower with an older copy is covered by the sync that brings the current one; without automatic sync it is alerted', () => {
    const results = [status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 7 * HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, fingerprint: fp('b') })] })];
    expect(nodeOf(viewOf(results), 't440').profiles[0]!.renewal).toMatchObject({ covers: true, current: false });
    const view = fleetView(results, owners as never);
    const manual = applyRenewal(view, planRenewals(view, new Map(), {}, settings(), NOW).schedules, { syncAuto: false, nowMs: NOW });
    expect(currentAlerts(manual, nodeOf(manual, 't440'), emptyNodeState('t440'), THRESHOLDS, NOW).map((alert) => alert.key)).toEqual([`t440/token_expiring/${ANTHROPIC}`]);
  });

  it(`renewal failing ${FAILURES_BEFORE_ALERT} times in a row: the copies are at risk, and the alert says why`, () => {
    const results = [status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR, fingerprint: fp('a') })] })];
    const view = fleetView(results, owners as never);
    const account = { ...emptyAccountRenewal(ANTHROPIC), failures: FAILURES_BEFORE_ALERT, retryAtMs: NOW + MINUTE, lastError: 'timeout' };
    const applied = applyRenewal(view, planRenewals(view, memory(account), {}, settings(), NOW).schedules, { syncAuto: true, nowMs: NOW });
    const [alert] = currentAlerts(applied, nodeOf(applied, 'pc-a'), emptyNodeState('pc-a'), THRESHOLDS, NOW);
    expect(alert).toMatchObject({ condition: 'token_expiring', severity: 'critical' });
    expect(alert!.action).toContain('keeps failing on pc-a (timeout)');
  });

  it('failed for good: one alert on the node that tried, naming the account, its copies and the login command; no expiry alert elsewhere', () => {
    const results = [status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, fingerprint: fp('a') })] })];
    const view = fleetView(results, owners as never);
    const account = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('a'), expiresAtMs: NOW + 3 * HOUR, node: 'pc-a' }, terminal: { fingerprint: fp('a'), error: 'invalid_grant', atMs: NOW, node: 'pc-a' } };
    const applied = applyRenewal(view, planRenewals(view, memory(account), {}, settings(), NOW).schedules, { syncAuto: true, nowMs: NOW });
    const onOwner = currentAlerts(applied, nodeOf(applied, 'pc-a'), emptyNodeState('pc-a'), { ...THRESHOLDS, warnBeforeMs: 7 * DAY }, NOW);
    expect(onOwner).toHaveLength(1);
    expect(onOwner[0]).toMatchObject({ condition: 'refresh_failed', severity: 'critical', profileId: ANTHROPIC });
    expect(onOwner[0]!.summary).toMatch(/renewal of anthropic:default on pc-a failed for good \(invalid_grant\); its token expires <t:\d+:R> on pc-a, t440/);
    expect(onOwner[0]!.action).toContain('`openclaw models auth login --provider anthropic`');
    expect(currentAlerts(applied, nodeOf(applied, 't440'), emptyNodeState('t440'), { ...THRESHOLDS, warnBeforeMs: 7 * DAY }, NOW)).toEqual([]);
  });

  it('an expired copy is alerted even where renewal is scheduled: something already went wrong', () => {
    const view = viewOf([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: fp('a') })] }), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - MINUTE, fingerprint: fp('b') })] })]);
    expect(currentAlerts(view, nodeOf(view, 't440'), emptyNodeState('t440'), THRESHOLDS, NOW).map((alert) => alert.condition)).toEqual(['token_expired']);
  });

  it('renewalCovers: nothing without a schedule, off, failed, or at risk', () => {
    const schedule = { profileId: ANTHROPIC, provider: 'anthropic', owners: ['pc-a'], renewer: 'pc-a', standIn: false, dueAtMs: NOW + HOUR, state: 'scheduled' as const, current: { fingerprint: fp('a'), expiresAtMs: NOW + 3 * HOUR, node: 'pc-a' }, superseded: [fp('o')], failures: 0, lastError: null };
    const options = { syncReaches: true, nowMs: NOW };
    const copy = (expiresAtMs: number, fingerprint = fp('a')) => ({ expiresAtMs, fingerprint });
    expect(renewalCovers(schedule, copy(NOW + 3 * HOUR), options)).toBe(true);
    expect(renewalCovers(schedule, copy(NOW + 30 * MINUTE), options)).toBe(false);
    expect(renewalCovers(undefined, copy(NOW + 3 * HOUR), options)).toBe(false);
    expect(renewalCovers({ ...schedule, state: 'off' }, copy(NOW + 3 * HOUR), options)).toBe(false);
    expect(renewalCovers({ ...schedule, failures: FAILURES_BEFORE_ALERT }, copy(NOW + 3 * HOUR), options)).toBe(false);
    expect(renewalCovers({ ...schedule, dueAtMs: null, state: 'waiting' }, copy(NOW + 3 * HOUR), options)).toBe(false);
    // A superseded copy, however late it expires, is renewal's to replace; an unknown later one is not covered.
    expect(renewalCovers(schedule, copy(NOW + 9 * HOUR, fp('o')), options)).toBe(true);
    expect(renewalCovers(schedule, copy(NOW + 9 * HOUR, fp('u')), options)).toBe(false);
  });
});

describe('the schedule arithmetic, exactly', () => {
  it('unitHash is FNV-1a over every character, scaled into [0, 1)', () => {
    expect(unitHash('')).toBe(0x811c9dc5 / 2 ** 32);
    expect(unitHash('a')).toBe(0xe40c292c / 2 ** 32);
  });

  it('a learnt lifetime of zero is none: the configured or default one is used', () => {
    expect(lifetimeOf('anthropic', 0, {})).toBe(8 * HOUR);
    expect(lifetimeOf(null, null, { anthropic: 12 * HOUR })).toBe(HOUR);
  });

  it('a short-lived token backs off from a fiftieth of its life, capped at a tenth', () => {
    // 4 min: 4.8 s to start from, 24 s at most (the 10 s and 5 min would not fit several tries).
    expect(retryAt(NOW, 1, 4 * MINUTE, () => 0.5) - NOW).toBe(2_400);
    expect(retryAt(NOW, 4, 4 * MINUTE, () => 0.5) - NOW).toBe(12_000);
  });
});

describe('withCurrent', () => {
  const fp = (letter: string) => letter.repeat(12);
  const was: AccountRenewal = {
    ...emptyAccountRenewal(ANTHROPIC),
    current: { fingerprint: fp('p'), expiresAtMs: NOW + HOUR, node: 'pc-a' },
    superseded: [fp('x'), fp('y')],
    failures: 2,
    retryAtMs: NOW + MINUTE,
    lastError: 'timeout',
    inflight: { node: 'pc-a', sinceMs: NOW - MINUTE },
  };
  const next = { fingerprint: fp('n'), expiresAtMs: NOW + 8 * HOUR, node: 'pc-a' };

  it('a new token supersedes the one it replaces (newest first) and starts with no failures and nothing in flight', () => {
    expect(withCurrent(was, next)).toEqual({ ...was, current: next, superseded: [fp('p'), fp('x'), fp('y')], failures: 0, retryAtMs: null, lastError: null, inflight: null });
  });

  it('each token is superseded once, and a token current again is no longer superseded', () => {
    expect(withCurrent({ ...was, superseded: [fp('x'), fp('p'), fp('n'), fp('y')] }, next).superseded).toEqual([fp('p'), fp('x'), fp('y')]);
  });

  it('remembers the 8 newest superseded tokens', () => {
    const eight = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(fp);
    expect(withCurrent({ ...was, superseded: eight }, next).superseded).toEqual([fp('p'), ...eight.slice(0, 7)]);
  });

  it('the same token seen again, or a first token, changes only the current one: failures stand', () => {
    const elsewhere = { ...was.current!, node: 't440' };
    expect(withCurrent(was, elsewhere)).toEqual({ ...was, current: elsewhere });
    expect(withCurrent({ ...was, current: null }, next)).toEqual({ ...was, current: next });
  });
});

describe('which token is current', () => {
  const fp = (letter: string) => letter.repeat(12);
  const copyOf = (node: string, letter: string, expiresAtMs: number) => ({ node, fingerprint: fp(letter), expiresAtMs, hasRefreshToken: true });
  const remembered = { fingerprint: fp('a'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' };

  it('the remembered token, while nothing later shows; a token expiring at the same moment is not later', () => {
    expect(currentToken(remembered, [copyOf('pc-a', 'a', NOW + 5 * HOUR), copyOf('t440', 'z', NOW + 5 * HOUR)])).toEqual(remembered);
  });

  it('a later token on any node given is the current one (renewed there, or a new login)', () => {
    expect(currentToken(remembered, [copyOf('pc-a', 'a', NOW + 5 * HOUR), copyOf('t440', 'n', NOW + 8 * HOUR)])).toEqual({ fingerprint: fp('n'), expiresAtMs: NOW + 8 * HOUR, node: 't440' });
    expect(currentToken(null, [copyOf('pc-a', 'a', NOW + 5 * HOUR), copyOf('t440', 'n', NOW + 8 * HOUR)])).toEqual({ fingerprint: fp('n'), expiresAtMs: NOW + 8 * HOUR, node: 't440' });
  });

  it('the node it was seen on holding another token, though earlier to expire, holds the current one now', () => {
    expect(currentToken(remembered, [copyOf('pc-a', 'b', NOW + 3 * HOUR)])).toEqual({ fingerprint: fp('b'), expiresAtMs: NOW + 3 * HOUR, node: 'pc-a' });
  });

  it('while the node it was seen on is down, the memory stands over an older copy elsewhere (its refresh token may be spent)', () => {
    expect(currentToken(remembered, [copyOf('t440', 'o', NOW + 3 * HOUR)])).toEqual(remembered);
  });
});

describe('who renews: the words and the edges', () => {
  const fp = (letter: string) => letter.repeat(12);
  const copy = (node: string, letter = 'c', hasRefreshToken = true) => ({ node, fingerprint: fp(letter), expiresAtMs: NOW + 2 * HOUR, hasRefreshToken });
  const current = (node: string) => ({ fingerprint: fp('c'), expiresAtMs: NOW + 2 * HOUR, node });
  const owners = ['pc-a', 't440'];

  it('the owner back without the current token is synced from the node it was seen on, if that one answers holding it', () => {
    const copies = [copy('pc-a', 'a'), copy('hp'), copy('t440')];
    expect(chooseRenewer(owners, copies, new Set(['pc-a', 'hp', 't440']), {}, current('t440'), 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
  });

  it('else from the first node that answers holding it', () => {
    const copies = [copy('pc-a', 'a'), copy('t440')];
    expect(chooseRenewer(owners, copies, new Set(['pc-a', 't440']), {}, current('hp'), 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
    // The node it was seen on answers, holding another token now.
    const moved = [copy('pc-a', 'a'), copy('hp', 'x'), copy('t440')];
    expect(chooseRenewer(owners, moved, new Set(['pc-a', 'hp', 't440']), {}, current('hp'), 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
  });

  it('an owner that answers holding no copy at all is not synced first: the stand-in holding the token renews', () => {
    expect(chooseRenewer(owners, [copy('t440')], new Set(['pc-a', 't440']), {}, current('t440'), 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 't440', standIn: true, reason: 'stand-in for pc-a, which holds no refresh token for the current token' });
  });

  it('a copy without its refresh token cannot renew', () => {
    expect(chooseRenewer(['t440'], [copy('t440', 'c', false)], new Set(['t440']), {}, current('t440'), 15 * MINUTE, NOW)).toEqual({ kind: 'wait', reason: 'the owner t440 is unreachable or does not hold the current token', takeoverAtMs: null, standIn: null });
  });

  it('while the owner has been down less than ownerDownFor, the reason names the stand-in and when it takes over', () => {
    const takeoverAtMs = NOW + 10 * MINUTE;
    expect(chooseRenewer(owners, [copy('t440')], new Set(['t440']), { 'pc-a': NOW - 5 * MINUTE }, current('pc-a'), 15 * MINUTE, NOW)).toEqual({
      kind: 'wait',
      reason: `pc-a is unreachable; t440 renews instead from <t:${Math.floor(takeoverAtMs / 1000)}:R> (renew.ownerDownFor)`,
      takeoverAtMs,
      standIn: 't440',
    });
  });

  it('while the owner has been down less than ownerDownFor and no stand-in holds the token, nobody takes over', () => {
    expect(chooseRenewer(owners, [copy('t440', 'o')], new Set(['t440']), { 'pc-a': NOW - 5 * MINUTE }, current('pc-a'), 15 * MINUTE, NOW)).toEqual({
      kind: 'wait',
      reason: 'pc-a is unreachable, and no stand-in in its owners list holds the current token',
      takeoverAtMs: null,
      standIn: null,
    });
  });

  it('nobody in the owners list can: the reason names them all, or the one owner', () => {
    const down = { 'pc-a': NOW - HOUR, t440: NOW - HOUR };
    expect(chooseRenewer(owners, [], new Set(), down, current('pc-a'), 15 * MINUTE, NOW)).toEqual({ kind: 'wait', reason: 'none of pc-a, t440 is reachable holding the current token', takeoverAtMs: null, standIn: null });
    expect(chooseRenewer(['pc-a'], [], new Set(), down, current('pc-a'), 15 * MINUTE, NOW)).toEqual({ kind: 'wait', reason: 'the owner pc-a is unreachable or does not hold the current token', takeoverAtMs: null, standIn: null });
  });
});

describe('renewableAccounts', () => {
  it('owned OAuth profiles held somewhere with a refresh token, once each, in profile order', () => {
    const noRefresh = { ...profile('anthropic:norefresh', { expires: NOW + 5 * HOUR }), hasRefreshToken: false };
    const tokenWithRefresh = { ...profile('anthropic:manual', { type: 'token', expires: NOW + 5 * HOUR }), hasRefreshToken: true };
    const view = fleetView([
      // The Codex copy expires first, so the view lists it first.
      status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * DAY }), profile(CODEX, { expires: NOW + 2 * HOUR }), noRefresh, tokenWithRefresh, profile('google-gemini-cli:me', { expires: NOW + 5 * HOUR })] }),
      status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * DAY }), { ...profile('anthropic:mixed', { agentId: 'main' }), hasRefreshToken: false }, profile('anthropic:mixed', { agentId: 'coder' })] }),
    ]);
    expect(renewableAccounts(view, OWNERS_LIST)).toEqual([
      { profileId: ANTHROPIC, provider: 'anthropic' },
      { profileId: 'anthropic:mixed', provider: 'anthropic' },
      { profileId: CODEX, provider: 'openai-codex' },
    ]);
  });
});

describe('planRenewals: the copies it plans from', () => {
  const fp = (letter: string) => letter.repeat(12);
  const oauth = (letter: string, expires: number | null, agentId = 'main') => profile(ANTHROPIC, { agentId, expires, fingerprint: fp(letter) });
  const currentOf = (view: ReturnType<typeof fleetView>) => planRenewals(view, new Map(), {}, settings(), NOW).accounts[0]!.current;

  it("a node's freshest agent store speaks for it", () => {
    const view = fleetView([status('pc-a', { profiles: [oauth('a', NOW + 3 * HOUR, 'main'), oauth('b', NOW + 5 * HOUR, 'coder'), oauth('c', NOW + 4 * HOUR, 'ops')] })]);
    expect(currentOf(view)).toEqual({ fingerprint: fp('b'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' });
  });

  it('of two stores expiring at the same moment, the first store speaks for the node', () => {
    const view = fleetView([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR, 'main'), oauth('b', NOW + 5 * HOUR, 'coder')] })]);
    expect(currentOf(view)?.fingerprint).toBe(fp('a'));
  });

  it('a copy without an expiry or a fingerprint, or not OAuth, is no candidate for the current token', () => {
    const later = oauth('b', NOW + 5 * HOUR);
    expect(currentOf(fleetView([status('pc-a', { profiles: [oauth('a', null)] }), status('t440', { profiles: [later] })]))).toEqual({ fingerprint: fp('b'), expiresAtMs: NOW + 5 * HOUR, node: 't440' });
    expect(currentOf(fleetView([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 9 * HOUR, fingerprint: null })] }), status('t440', { profiles: [later] })]))).toEqual({ fingerprint: fp('b'), expiresAtMs: NOW + 5 * HOUR, node: 't440' });
    expect(currentOf(fleetView([status('pc-a', { profiles: [later] }), status('t440', { profiles: [profile(ANTHROPIC, { type: 'token', expires: NOW + 9 * HOUR, fingerprint: fp('z') })] })]))).toEqual({ fingerprint: fp('b'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' });
  });

  it('an account only a follower holds has no current token: nothing is planned for it', () => {
    const view = fleetView([status('pc-a'), status('hp', { profiles: [oauth('a', NOW + 5 * HOUR)] })]);
    expect(planRenewals(view, new Map(), {}, settings(), NOW)).toEqual({ schedules: [], steps: [], accounts: [emptyAccountRenewal(ANTHROPIC)], nextDueMs: null });
  });
});

describe('planRenewals: each schedule in full', () => {
  const fp = (letter: string) => letter.repeat(12);
  const oauth = (letter: string, expires: number, profileId = ANTHROPIC) => profile(profileId, { expires, fingerprint: fp(letter) });
  const owners = ['pc-a', 't440'];
  const tokenA = { fingerprint: fp('a'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' };
  const base = { profileId: ANTHROPIC, provider: 'anthropic', owners, current: tokenA, superseded: [], failures: 0, lastError: null };
  const dueA = renewalDueAt(NOW + 5 * HOUR, 8 * HOUR, THIRD, ANTHROPIC);
  const both = fleetView([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR)] }), status('t440', { profiles: [oauth('a', NOW + 5 * HOUR)] })]);
  const remembered = { ...emptyAccountRenewal(ANTHROPIC), current: tokenA };

  it('renew.auto off: nobody, at no time, and why', () => {
    expect(planRenewals(both, new Map(), {}, settings({ auto: false }), NOW).schedules).toEqual([{ ...base, renewer: null, standIn: false, dueAtMs: null, state: 'off', reason: 'renew.auto is off: the gateways refresh on their own' }]);
  });

  it('failed for good: the node that tried, a stand-in unless it is the first owner, and why', () => {
    const terminal = (node: string) => memory({ ...remembered, terminal: { fingerprint: fp('a'), error: 'invalid_grant', atMs: NOW - MINUTE, node } });
    expect(planRenewals(both, terminal('t440'), {}, settings(), NOW).schedules).toEqual([{ ...base, lastError: 'invalid_grant', renewer: 't440', standIn: true, dueAtMs: null, state: 'failed', reason: 'renewal on t440 failed for good (invalid_grant)' }]);
    expect(planRenewals(both, terminal('pc-a'), {}, settings(), NOW).schedules[0]).toMatchObject({ renewer: 'pc-a', standIn: false });
  });

  it('renews at the due moment itself, not a millisecond before', () => {
    const step = { kind: 'renew', profileId: ANTHROPIC, node: 'pc-a', standIn: false, fingerprint: fp('a'), ifExpiresBeforeMs: NOW + 5 * HOUR + 1, provider: 'anthropic' };
    expect(planRenewals(both, new Map(), {}, settings(), dueA).steps).toEqual([step]);
    const before = planRenewals(both, new Map(), {}, settings(), dueA - 1);
    expect(before.steps).toEqual([]);
    expect(before.nextDueMs).toBe(dueA);
    expect(before.schedules).toEqual([{ ...base, renewer: 'pc-a', standIn: false, dueAtMs: dueA, state: 'scheduled' }]);
    expect(before.schedules[0]).not.toHaveProperty('reason');
  });

  it('retrying only with failures and a retry time: either alone is the plain schedule', () => {
    const noFailures = planRenewals(both, memory({ ...remembered, retryAtMs: NOW + MINUTE }), {}, settings(), NOW).schedules[0];
    expect(noFailures).toMatchObject({ state: 'scheduled', dueAtMs: dueA });
    const noRetryTime = planRenewals(both, memory({ ...remembered, failures: 1, lastError: 'timeout' }), {}, settings(), NOW).schedules[0];
    expect(noRetryTime).toMatchObject({ state: 'scheduled', dueAtMs: dueA });
  });

  it('a stand-in renewing says for whom', () => {
    const ownerDown = fleetView([failed('pc-a', 'unreachable'), status('t440', { profiles: [oauth('a', NOW + 5 * HOUR)] })]);
    expect(planRenewals(ownerDown, memory(remembered), { 'pc-a': NOW - HOUR }, settings(), NOW).schedules).toEqual([{ ...base, renewer: 't440', standIn: true, dueAtMs: dueA, state: 'scheduled', reason: 'stand-in for pc-a, unreachable' }]);
  });

  it('the owner down less than ownerDownFor: the stand-in renews at its takeover or when due, whichever is later', () => {
    const ownerDown = (expires: number) => fleetView([failed('pc-a', 'unreachable'), status('t440', { profiles: [oauth('a', expires)] })]);
    const takeoverAtMs = NOW + 10 * MINUTE;
    const reason = `pc-a is unreachable; t440 renews instead from <t:${Math.floor(takeoverAtMs / 1000)}:R> (renew.ownerDownFor)`;
    const later = planRenewals(ownerDown(NOW + 5 * HOUR), memory(remembered), { 'pc-a': NOW - 5 * MINUTE }, settings(), NOW);
    expect(later).toMatchObject({ steps: [], nextDueMs: takeoverAtMs });
    expect(later.schedules).toEqual([{ ...base, renewer: 't440', standIn: true, dueAtMs: dueA, state: 'waiting', reason }]);
    // Due already (20 min left of an 8 h token): the takeover is the moment.
    const soon = { ...tokenA, expiresAtMs: NOW + 20 * MINUTE };
    const overdue = planRenewals(ownerDown(NOW + 20 * MINUTE), memory({ ...remembered, current: soon }), { 'pc-a': NOW - 5 * MINUTE }, settings(), NOW);
    expect(overdue.schedules).toEqual([{ ...base, current: soon, renewer: 't440', standIn: true, dueAtMs: takeoverAtMs, state: 'waiting', reason }]);
  });

  it('the owner down less than ownerDownFor and no stand-in holding the token: nobody, at no time, even with a renewal in flight on the owner', () => {
    const view = fleetView([failed('pc-a', 'unreachable'), status('t440', { profiles: [oauth('o', NOW + 3 * HOUR)] })]);
    const sent = { ...remembered, inflight: { node: 'pc-a', sinceMs: NOW - MINUTE } };
    const plan = planRenewals(view, memory(sent), { 'pc-a': NOW - 5 * MINUTE }, settings(), NOW);
    expect(plan).toMatchObject({ steps: [], nextDueMs: null });
    expect(plan.schedules).toEqual([{ ...base, renewer: null, standIn: false, dueAtMs: null, state: 'waiting', reason: 'pc-a is unreachable, and no stand-in in its owners list holds the current token' }]);
  });

  it('a renewal in flight on a stand-in that answers: held until it is old enough to have ended', () => {
    const sent = { ...remembered, inflight: { node: 't440', sinceMs: NOW - MINUTE } };
    const plan = planRenewals(both, memory(sent), {}, settings(), NOW);
    const endsAtMs = NOW - MINUTE + INFLIGHT_MAX_MS;
    expect(plan).toMatchObject({ steps: [], nextDueMs: endsAtMs });
    expect(plan.schedules).toEqual([{ ...base, renewer: 't440', standIn: true, dueAtMs: endsAtMs, state: 'waiting', reason: 'a renewal sent to t440 may still be running' }]);
  });

  it('a renewal in flight on an owner that stopped answering: held with no end, and the reason says until when', () => {
    const sinceMs = NOW - 2 * INFLIGHT_MAX_MS;
    const ownerGone = fleetView([failed('pc-a', 'unreachable'), status('t440', { profiles: [oauth('a', NOW + 5 * HOUR)] })]);
    const plan = planRenewals(ownerGone, memory({ ...remembered, inflight: { node: 'pc-a', sinceMs } }), { 'pc-a': NOW - HOUR }, settings(), NOW);
    expect(plan).toMatchObject({ steps: [], nextDueMs: null });
    expect(plan.schedules).toEqual([
      {
        ...base,
        renewer: 'pc-a',
        standIn: false,
        dueAtMs: null,
        state: 'waiting',
        reason: `a renewal sent to pc-a <t:${Math.floor(sinceMs / 1000)}:R> was not seen to end, and pc-a is unreachable: it may have spent the refresh token, so no other node renews until pc-a answers`,
      },
    ]);
  });

  it('the owner back with an older token: synced first from the node holding the current one, then renews (or retries) on its own schedule', () => {
    const renewed = { fingerprint: fp('n'), expiresAtMs: NOW + 7 * HOUR, node: 't440' };
    const view = fleetView([status('pc-a', { profiles: [oauth('a', NOW + HOUR)] }), status('t440', { profiles: [oauth('n', NOW + 7 * HOUR)] })]);
    const plan = planRenewals(view, memory({ ...emptyAccountRenewal(ANTHROPIC), current: renewed }), {}, settings(), NOW);
    const reason = 'pc-a is back: it receives the current token from t440, then renews again';
    expect(plan.steps).toEqual([{ kind: 'sync_first', profileId: ANTHROPIC, from: 't440', to: 'pc-a' }]);
    expect(plan.schedules).toEqual([{ ...base, current: renewed, renewer: 'pc-a', standIn: false, dueAtMs: renewalDueAt(NOW + 7 * HOUR, 8 * HOUR, THIRD, ANTHROPIC), state: 'scheduled', reason }]);
    const failing = { ...emptyAccountRenewal(ANTHROPIC), current: renewed, failures: 1, retryAtMs: NOW + MINUTE, lastError: 'timeout' };
    expect(planRenewals(view, memory(failing), {}, settings(), NOW).schedules).toEqual([{ ...base, current: renewed, failures: 1, lastError: 'timeout', renewer: 'pc-a', standIn: false, dueAtMs: NOW + MINUTE, state: 'retrying', reason }]);
  });

  it('the next wake-up is the earliest future moment among the accounts, whatever their order', () => {
    const view = (first: number, second: number) => fleetView([status('pc-a', { profiles: [oauth('a', first, 'anthropic:a'), oauth('b', second, 'anthropic:b')] })]);
    const due = (expires: number, profileId: string) => renewalDueAt(expires, 8 * HOUR, THIRD, profileId);
    expect(planRenewals(view(NOW + 5 * HOUR, NOW + 7 * HOUR), new Map(), {}, settings(), NOW).nextDueMs).toBe(due(NOW + 5 * HOUR, 'anthropic:a'));
    expect(planRenewals(view(NOW + 7 * HOUR, NOW + 5 * HOUR), new Map(), {}, settings(), NOW).nextDueMs).toBe(due(NOW + 5 * HOUR, 'anthropic:b'));
  });

  it('an account that will not renew by itself does not clear the wake-up another needs', () => {
    const view = fleetView([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR, 'anthropic:a'), oauth('b', NOW + 5 * HOUR, 'anthropic:b')] }), failed('t440', 'unreachable')]);
    const held = { ...emptyAccountRenewal('anthropic:b'), current: { fingerprint: fp('b'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' }, inflight: { node: 't440', sinceMs: NOW - HOUR } };
    const plan = planRenewals(view, memory(held), {}, settings(), NOW);
    expect(plan.schedules.map((schedule) => [schedule.profileId, schedule.dueAtMs])).toEqual([
      ['anthropic:a', renewalDueAt(NOW + 5 * HOUR, 8 * HOUR, THIRD, 'anthropic:a')],
      ['anthropic:b', null],
    ]);
    expect(plan.nextDueMs).toBe(renewalDueAt(NOW + 5 * HOUR, 8 * HOUR, THIRD, 'anthropic:a'));
  });
});

describe('planRenewals: superseded copies replaced', () => {
  const fp = (letter: string) => letter.repeat(12);
  const oauth = (letter: string, expires: number, agentId = 'main') => profile(ANTHROPIC, { agentId, expires, fingerprint: fp(letter) });
  const account = { ...emptyAccountRenewal(ANTHROPIC), current: { fingerprint: fp('n'), expiresAtMs: NOW + 5 * HOUR, node: 'pc-a' }, superseded: [fp('o')] };

  it('from a node that holds the current token when the one it was seen on is down; nodes down or without the account are left out', () => {
    const view = fleetView([failed('pc-a', 'unreachable'), status('hp', { profiles: [oauth('z', NOW + 4 * HOUR)] }), status('t440', { profiles: [oauth('n', NOW + 5 * HOUR)] }), status('mini', { profiles: [oauth('o', NOW + 9 * HOUR)] }), status('nas')]);
    expect(planRenewals(view, memory(account), { 'pc-a': NOW - HOUR }, settings(), NOW).steps).toEqual([{ kind: 'replace_superseded', profileId: ANTHROPIC, from: 't440', to: ['mini'] }]);
  });

  it('nothing to replace from while no node that answers holds the current token', () => {
    const view = fleetView([failed('pc-a', 'unreachable'), status('mini', { profiles: [oauth('o', NOW + 9 * HOUR)] })]);
    expect(planRenewals(view, memory(account), { 'pc-a': NOW - HOUR }, settings(), NOW).steps).toEqual([]);
  });

  it('a node holding the current token in one store and a superseded one in another: the superseded store is replaced', () => {
    const view = fleetView([status('pc-a', { profiles: [oauth('n', NOW + 5 * HOUR)] }), status('hp', { profiles: [oauth('o', NOW + 9 * HOUR, 'main'), oauth('n', NOW + 5 * HOUR, 'coder')] })]);
    expect(planRenewals(view, memory(account), {}, settings(), NOW).steps).toEqual([{ kind: 'replace_superseded', profileId: ANTHROPIC, from: 'pc-a', to: ['hp'] }]);
  });
});

describe('renewalCovers at its lines', () => {
  const fp = (letter: string) => letter.repeat(12);
  const schedule = { profileId: ANTHROPIC, provider: 'anthropic', owners: ['pc-a'], renewer: 'pc-a', standIn: false, dueAtMs: NOW + HOUR, state: 'scheduled' as const, current: { fingerprint: fp('a'), expiresAtMs: NOW + 3 * HOUR, node: 'pc-a' }, superseded: [fp('o')], failures: 0, lastError: null };
  const options = { syncReaches: true, nowMs: NOW };
  const copy = (expiresAtMs: number, fingerprint: string | null = fp('a')) => ({ expiresAtMs, fingerprint });

  it('the current token is covered only when renewal comes strictly before it expires', () => {
    expect(renewalCovers(schedule, copy(NOW + HOUR), options)).toBe(false);
    expect(renewalCovers(schedule, copy(NOW + HOUR + 1), options)).toBe(true);
    expect(renewalCovers({ ...schedule, failures: FAILURES_BEFORE_ALERT - 1 }, copy(NOW + HOUR + 1), options)).toBe(true);
  });

  it('a copy expiring now is expired: not covered, though renewal is due already', () => {
    const overdue = { ...schedule, dueAtMs: NOW - MINUTE };
    expect(renewalCovers(overdue, copy(NOW), options)).toBe(false);
    expect(renewalCovers(overdue, copy(NOW + 1), options)).toBe(true);
    expect(renewalCovers(overdue, copy(NOW - 1, fp('o')), options)).toBe(false);
  });

  it('an older copy is covered by the sync only when the current token expires strictly later (a tie is not newer)', () => {
    expect(renewalCovers(schedule, copy(NOW + 3 * HOUR, fp('b')), options)).toBe(false);
    expect(renewalCovers(schedule, copy(NOW + 3 * HOUR - 1, fp('b')), options)).toBe(true);
    expect(renewalCovers(schedule, copy(NOW + 3 * HOUR - 1, null), options)).toBe(true);
    expect(renewalCovers(schedule, copy(NOW + 3 * HOUR - 1, fp('b')), { ...options, syncReaches: false })).toBe(false);
  });

  it('a schedule failed for good, or knowing no current token, covers nothing', () => {
    expect(renewalCovers({ ...schedule, state: 'failed' }, copy(NOW + 2 * HOUR), options)).toBe(false);
    expect(renewalCovers({ ...schedule, current: null }, copy(NOW + 2 * HOUR), options)).toBe(false);
  });
});

describe('applyRenewal', () => {
  const fp = (letter: string) => letter.repeat(12);
  const oauth = (letter: string, expires: number | null, agentId = 'main') => profile(ANTHROPIC, { agentId, expires, fingerprint: fp(letter) });
  const applied = (results: Parameters<typeof fleetView>[0], extra: Partial<RenewalSettings> = {}) => {
    const view = fleetView(results, OWNERS_LIST as never);
    return applyRenewal(view, planRenewals(view, new Map(), {}, settings(extra), NOW).schedules, { syncAuto: true, nowMs: NOW });
  };
  const cellOf = (view: ReturnType<typeof fleetView>, node: string) => nodeOf(view, node).profiles.find((cell) => cell.profileId === ANTHROPIC)!;

  it("the owner's copy, renewed in time: the whole plan as it bears on it, no reason when there is none", () => {
    const view = applied([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR)] })]);
    expect(cellOf(view, 'pc-a')).toMatchObject({ health: 'ok' });
    expect(cellOf(view, 'pc-a').renewal).toStrictEqual({
      atMs: renewalDueAt(NOW + 5 * HOUR, 8 * HOUR, THIRD, ANTHROPIC),
      node: 'pc-a',
      standIn: false,
      state: 'scheduled',
      covers: true,
      current: true,
      currentExpiresAtMs: NOW + 5 * HOUR,
      renewers: ['pc-a', 't440'],
      superseded: [],
      lastError: null,
    });
  });

  it('an account with no current token (renew.auto off, only a follower holds it): not current, not covered, still expiring, and why', () => {
    const view = applied([status('pc-a'), status('hp', { profiles: [oauth('a', NOW + 5 * HOUR)] })], { auto: false });
    expect(cellOf(view, 'hp')).toMatchObject({ health: 'expiring' });
    expect(cellOf(view, 'hp').renewal).toStrictEqual({
      atMs: null,
      node: null,
      standIn: false,
      state: 'off',
      covers: false,
      current: false,
      currentExpiresAtMs: null,
      renewers: ['pc-a', 't440'],
      superseded: [],
      lastError: null,
      reason: 'renew.auto is off: the gateways refresh on their own',
    });
  });

  it('covered lifts only "expiring": an invalid copy stays invalid', () => {
    const view = applied([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: fp('a'), health: 'invalid' })] })]);
    expect(cellOf(view, 'pc-a')).toMatchObject({ health: 'invalid', renewal: { covers: true } });
  });

  it('a copy that is not OAuth, or has no expiry, is left as it was', () => {
    const view = applied([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR)] }), status('hp', { profiles: [profile(ANTHROPIC, { type: 'token', expires: NOW + 5 * HOUR, fingerprint: fp('t') })] }), status('nas', { profiles: [oauth('a', null)] })]);
    expect(cellOf(view, 'hp').renewal).toBeUndefined();
    expect(cellOf(view, 'nas').renewal).toBeUndefined();
  });

  it("a node's earliest copy decides, the first store's on a tie", () => {
    // hp's earliest copy is another, older token: not the current one, covered by the sync.
    const earliest = applied([status('pc-a', { profiles: [oauth('a', NOW + 5 * HOUR)] }), status('hp', { profiles: [oauth('a', NOW + 5 * HOUR, 'main'), oauth('b', NOW + 2 * HOUR, 'coder'), oauth('a', NOW + 5 * HOUR, 'ops')] })]);
    expect(cellOf(earliest, 'hp').renewal).toMatchObject({ current: false, covers: true });
    // Expiring together with the current token, another token is not older: not covered.
    const tie = applied([status('pc-a', { profiles: [oauth('a', NOW + 2 * HOUR)] }), status('hp', { profiles: [oauth('b', NOW + 2 * HOUR, 'main'), oauth('a', NOW + 2 * HOUR, 'coder')] })]);
    expect(cellOf(tie, 'hp')).toMatchObject({ health: 'expiring', renewal: { current: false, covers: false } });
  });
});
