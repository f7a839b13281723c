import { describe, expect, it } from 'vitest';
import { currentAlerts, emptyNodeState } from '../../../src/domain/alerts.js';
import { applyRenewal } from '../../../src/domain/renewal-coverage.js';
import { chooseRenewer, emptyAccountRenewal, withCurrent, FAILURES_BEFORE_ALERT, INFLIGHT_MAX_MS, nextDownSince, outcomeUnknown, planRenewals, renewalCovers, type AccountRenewal, type RenewalSettings } from '../../../src/domain/renewal-plan.js';
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
    expect(chooseRenewer(['pc-a', 't440'], [copy('t440')], new Set(['t440']), { 'pc-a': NOW - 15 * MINUTE }, current, 15 * MINUTE, NOW)).toEqual({ kind: 'renew', node: 't440', standIn: true });
  });

  it('never a stand-in holding an older copy: its refresh token may be spent', () => {
    const choice = chooseRenewer(['pc-a', 't440', 'hp'], [copy('t440', 'bbbbbbbbbbbb'), copy('hp')], new Set(['t440', 'hp']), { 'pc-a': NOW - HOUR }, current, 15 * MINUTE, NOW);
    expect(choice).toEqual({ kind: 'renew', node: 'hp', standIn: true });
    expect(chooseRenewer(['pc-a', 't440'], [copy('t440', 'bbbbbbbbbbbb')], new Set(['t440']), { 'pc-a': NOW - HOUR }, current, 15 * MINUTE, NOW)).toMatchObject({ kind: 'wait', takeoverAtMs: null });
  });

  it('the owner back without the current token is synced first, from the node that holds it', () => {
    const renewed = { ...current, fingerprint: 'cccccccccccc', node: 't440' };
    expect(chooseRenewer(['pc-a', 't440'], [copy('pc-a'), copy('t440', 'cccccccccccc')], all, {}, renewed, 15 * MINUTE, NOW)).toEqual({ kind: 'sync_first', node: 'pc-a', from: 't440' });
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
