import { expect, test } from 'vitest';
import { fleetFileSchema } from '../../src/config/fleet-file.js';
import { fleetWideGroups } from '../../src/domain/alert-groups.js';
import { afterNotification, currentAlerts, decideNotification, emptyNodeState, nextNodeState, type AlertThresholds, type NodeAlertState } from '../../src/domain/alerts.js';
import { buildFleetView, type FleetView } from '../../src/domain/fleet-view.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { applyRenewal } from '../../src/domain/renewal-coverage.js';
import { nextDownSince, planRenewals, withCurrent, type AccountRenewal, type RenewalStep } from '../../src/domain/renewal-plan.js';
import { renewalSettings } from '../../src/fleet/operations/renewal-view.js';
import type { ProfileStatus, StatusResponse } from '../../src/protocol/agent-api.js';
import type { NodeResult } from '../../src/protocol/node-result.js';

/*
 * Thirty days of a fleet on an injected clock, with the fleet file's defaults (renew at 1/3
 * of the lifetime left, ownerDownFor 15 m, warnBefore 7 d, criticalBefore 2 h, repeatEvery
 * 4 h; renewal looks every minute, the alert check every 5 min), through the pure rules the
 * leader's jobs run (src/jobs/renewals.ts, src/jobs/alert-checks.ts). The jobs' I/O is played
 * here: a renewal is the agent's conditional refresh against a token endpoint that enforces
 * rotation (a refresh token used twice revokes its family), followed by the sync to every
 * node it reaches (newer-wins; forced over superseded tokens).
 *
 * Four nodes. anthropic:default (8 h tokens) owned by pc-a with t440 as its stand-in, on every
 * node; openai-codex (10 d) owned by hp with nas as its stand-in, on every node; a setup
 * token on t440 expiring on day 20, replaced by a person on day 15. pc-a is down for 3 h on
 * day 8; the Codex login is revoked on day 21 and a person logs in again 2 h after the alert.
 *
 * What a person must act on is posted, each once: pc-a down, the setup token, the revoked
 * login. Nothing else is posted; no copy on a reachable node ever expires; no refresh token
 * is presented twice.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const NODES = ['pc-a', 't440', 'hp', 'nas'] as const;
type NodeName = (typeof NODES)[number];
const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';
const SETUP = 'anthropic:manual';
const LIFETIME: Record<string, number> = { [ANTHROPIC]: 8 * HOUR, [CODEX]: 10 * DAY };

const fleet = fleetFileSchema.parse({
  nodes: NODES.map((name, index) => ({ name, url: `http://127.0.0.1:${9100 + index}`, keyEnv: `KEY_${index}` })),
  owners: { 'anthropic:*': ['pc-a', 't440'], 'openai-codex:*': ['hp', 'nas'] },
});
const thresholds: AlertThresholds = { warnBeforeMs: fleet.alerts.warnBefore, criticalBeforeMs: fleet.alerts.criticalBefore, repeatEveryMs: fleet.alerts.repeatEvery };
const RENEW_EVERY = fleet.renew.checkEvery;
const CHECK_EVERY = fleet.alerts.checkEvery as number;

interface Token {
  type: 'oauth' | 'token';
  /** Which login (family) and which token of it: the secret, in this simulation. */
  family: number;
  serial: number;
  expires: number;
}
const secretOf = (profileId: string, token: Token) => `${profileId}#${token.family}.${token.serial}`;
const fingerprintOf = (profileId: string, token: Token) => fingerprint(token.type, secretOf(profileId, token));

/** The provider's token endpoint: each refresh token single-use; a reuse revokes the family (RFC 9700 §4.14.2). */
class TokenEndpoint {
  readonly grants: Array<{ profileId: string; node: string; atMs: number }> = [];
  reuses = 0;
  private readonly latest = new Map<string, { family: number; serial: number; revoked: boolean }>();

  login(profileId: string, family: number, serial = 1): void {
    this.latest.set(profileId, { family, serial, revoked: false });
  }

  revoke(profileId: string): void {
    this.latest.get(profileId)!.revoked = true;
  }

  refresh(profileId: string, presented: Token, node: string, nowMs: number): Token | 'invalid_grant' {
    const family = this.latest.get(profileId)!;
    if (family.family !== presented.family || family.revoked) return 'invalid_grant';
    if (family.serial !== presented.serial) {
      this.reuses++;
      family.revoked = true;
      return 'invalid_grant';
    }
    family.serial++;
    this.grants.push({ profileId, node, atMs: nowMs });
    return { type: 'oauth', family: family.family, serial: family.serial, expires: nowMs + LIFETIME[profileId]! };
  }
}

test('a simulated month with renewal: the posts are exactly what a person must act on, each once; nothing expires; no refresh token used twice', () => {
  const endpoint = new TokenEndpoint();
  endpoint.login(ANTHROPIC, 1);
  endpoint.login(CODEX, 1);
  // Tokens tokenops did not issue: their lifetimes are guessed (8 h, 10 d) until the first renewal.
  const initial: Record<string, Token> = {
    [ANTHROPIC]: { type: 'oauth', family: 1, serial: 1, expires: T0 + 5 * HOUR },
    [CODEX]: { type: 'oauth', family: 1, serial: 1, expires: T0 + 6 * DAY },
  };
  const held: Record<NodeName, Record<string, Token>> = Object.fromEntries(NODES.map((node) => [node, { ...initial }])) as Record<NodeName, Record<string, Token>>;
  held.t440[SETUP] = { type: 'token', family: 1, serial: 1, expires: T0 + 20 * DAY };

  const down = { node: 'pc-a' as NodeName, from: T0 + 8 * DAY + 10 * HOUR + 7 * MIN, until: T0 + 8 * DAY + 13 * HOUR + 7 * MIN };
  const revokeAt = T0 + 21 * DAY;
  const setupReplacedAt = T0 + 15 * DAY;
  const relogin = { afterPostMs: 2 * HOUR, done: false };
  const isDown = (node: NodeName, now: number) => node === down.node && now >= down.from && now < down.until;

  const status = (node: NodeName, now: number): StatusResponse => ({
    node,
    checkedAt: new Date(now).toISOString(),
    store: { kind: 'auth-profiles-json', readable: true },
    profiles: Object.entries(held[node]).map(
      ([profileId, token]): ProfileStatus => ({
        agentId: 'main',
        profileId,
        provider: profileId.split(':')[0]!,
        type: token.type,
        expiresAt: new Date(token.expires).toISOString(),
        hasRefreshToken: token.type === 'oauth',
        fingerprint: fingerprintOf(profileId, token),
        health: token.expires <= now ? 'expired' : token.expires - now <= thresholds.warnBeforeMs ? 'expiring' : 'ok',
      }),
    ),
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
    capacity: { maxConcurrent: 12, agentCount: 15 },
  });
  const lookAt = (now: number): FleetView => {
    const results: NodeResult<StatusResponse>[] = NODES.map((node) => (isDown(node, now) ? { node, ok: false, error: { kind: 'timeout', message: 'no answer within 3000 ms' }, ms: 3000 } : { node, ok: true, value: status(node, now), ms: 2 }));
    return buildFleetView(new Date(now).toISOString(), results, { owners: fleet.owners, warnBeforeMs: thresholds.warnBeforeMs, nowMs: now });
  };

  // What the renewal job remembers (its keyv namespace).
  let accounts = new Map<string, AccountRenewal>();
  let downSince: Record<string, number> = {};
  const states = new Map<string, NodeAlertState>(NODES.map((node) => [node, emptyNodeState(node)]));
  /** Each post, with when the Codex token everyone holds then expires (the revoked login's deadline). */
  const posts: Array<{ at: number; node: string; reason: string; keys: string[]; codexExpiresAtMs: number }> = [];
  const resolved: Array<{ at: number; node: string }> = [];
  let edits = 0;
  const expiredSeen: string[] = [];
  const renewers = new Map<string, Set<string>>();

  /** The sync: newer-wins, or forced over a superseded copy; only nodes that answer, only nodes that hold the profile. */
  const syncTo = (profileId: string, from: NodeName, targets: readonly NodeName[], now: number, force: boolean) => {
    const token = held[from][profileId]!;
    for (const to of targets) {
      const mine = held[to][profileId];
      if (to === from || isDown(to, now) || !mine) continue;
      if (force || mine.expires < token.expires) held[to][profileId] = token;
    }
  };
  const others = (node: NodeName) => NODES.filter((other) => other !== node);

  const carryOut = (step: RenewalStep, now: number) => {
    const account = accounts.get(step.profileId)!;
    if (step.kind === 'sync_first') return syncTo(step.profileId, step.from as NodeName, [step.to as NodeName], now, false);
    if (step.kind === 'replace_superseded') return syncTo(step.profileId, step.from as NodeName, step.to as NodeName[], now, true);
    const node = step.node as NodeName;
    const mine = held[node][step.profileId]!;
    // The agent's condition, checked under the store's lock.
    if (fingerprintOf(step.profileId, mine) !== step.fingerprint || mine.expires >= step.ifExpiresBeforeMs) return;
    renewers.set(step.profileId, (renewers.get(step.profileId) ?? new Set()).add(node));
    const answer = endpoint.refresh(step.profileId, mine, node, now);
    const base: AccountRenewal = { ...account, inflight: null, renewer: node };
    if (answer === 'invalid_grant') {
      accounts.set(step.profileId, { ...base, terminal: { fingerprint: step.fingerprint, error: 'invalid_grant', atMs: now, node } });
      return;
    }
    held[node][step.profileId] = answer;
    const next = withCurrent(base, { fingerprint: fingerprintOf(step.profileId, answer), expiresAtMs: answer.expires, node });
    accounts.set(step.profileId, { ...next, terminal: null, lifetimeMs: LIFETIME[step.profileId]!, lastRenewedAtMs: now });
    syncTo(step.profileId, node, others(node), now, false);
    const superseded = new Set(next.superseded);
    syncTo(step.profileId, node, others(node).filter((other) => held[other][step.profileId] && superseded.has(fingerprintOf(step.profileId, held[other][step.profileId]!))), now, true);
  };

  for (let now = T0; now < T0 + 30 * DAY; now += RENEW_EVERY) {
    // People: the setup token replaced on t440 (a year's token), the Codex login revoked, and
    // after its alert, a new login on the owner.
    if (now === setupReplacedAt) held.t440[SETUP] = { type: 'token', family: 2, serial: 1, expires: now + 365 * DAY };
    if (now === revokeAt) endpoint.revoke(CODEX);
    const loginAlert = posts.find((post) => post.keys.some((key) => key.includes(`/refresh_failed/${CODEX}`)));
    if (loginAlert && !relogin.done && now >= loginAlert.at + relogin.afterPostMs) {
      relogin.done = true;
      endpoint.login(CODEX, 2);
      held.hp[CODEX] = { type: 'oauth', family: 2, serial: 1, expires: now + LIFETIME[CODEX]! };
    }

    // The renewal job.
    const view = lookAt(now);
    downSince = nextDownSince(downSince, view, now);
    const plan = planRenewals(view, accounts, downSince, renewalSettings(fleet), now);
    accounts = new Map(plan.accounts.map((account) => [account.profileId, account]));
    for (const step of plan.steps) carryOut(step, now);

    // No copy on a node that answers is ever expired (a down node's gateway is down with it).
    for (const node of NODES.filter((name) => !isDown(name, now))) {
      for (const [profileId, token] of Object.entries(held[node])) if (token.expires <= now) expiredSeen.push(`${node} ${profileId} at ${new Date(now).toISOString()}`);
    }

    // The alert check.
    if ((now - T0) % CHECK_EVERY !== 0) continue;
    const seen = lookAt(now);
    const { schedules } = planRenewals(seen, accounts, downSince, renewalSettings(fleet), now);
    const overlaid = applyRenewal(seen, schedules, { syncAuto: fleet.sync.auto, nowMs: now });
    const next = overlaid.nodes.map((node) => nextNodeState(states.get(node.name)!, node, currentAlerts(overlaid, node, states.get(node.name)!, thresholds, now)));
    expect(fleetWideGroups(next.map((state) => state.alerts)).size, 'nothing here touches more than 3 nodes').toBe(0);
    for (const state of next) {
      const { decision, shown, severity, digest } = decideNotification(state, [], thresholds, now);
      if (decision.kind === 'post') posts.push({ at: now, node: state.node, reason: decision.reason, keys: shown.map((alert) => `${alert.key}:${alert.severity}`), codexExpiresAtMs: Math.min(...NODES.map((node) => held[node][CODEX]!.expires)) });
      if (decision.kind === 'edit') edits++;
      if (decision.kind === 'resolve') resolved.push({ at: now, node: state.node });
      states.set(state.node, afterNotification(state, decision, { messageId: `m${posts.length}`, severity, digest }, now));
    }
  }

  const day = (atMs: number) => ((atMs - T0) / DAY).toFixed(2);
  for (const post of posts) console.log(`day ${day(post.at)}: ${post.node} ${post.reason} ${post.keys.join(' ')}`);

  // Exactly three posts, one per thing a person must do, each once.
  expect(posts.map((post) => ({ node: post.node, reason: post.reason, keys: post.keys }))).toEqual([
    { node: 'pc-a', reason: 'new', keys: ['pc-a/node_unreachable:critical'] },
    { node: 't440', reason: 'new', keys: [`t440/token_expiring/${SETUP}:warning`] },
    { node: 'hp', reason: 'new', keys: [`hp/refresh_failed/${CODEX}:critical`] },
  ]);
  const [nodeDown, setup, login] = posts as [(typeof posts)[number], (typeof posts)[number], (typeof posts)[number]];
  const leadTimes = { nodeDownAfterMin: (nodeDown.at - down.from) / MIN, setupTokenAheadDays: (T0 + 20 * DAY - setup.at) / DAY, revokedLoginAheadHours: (login.codexExpiresAtMs - login.at) / HOUR };
  // The revoked login: alerted with days to spare, while the old token was still valid everywhere.
  expect(login.codexExpiresAtMs - login.at).toBeGreaterThan(thresholds.warnBeforeMs / 7);
  expect(accounts.get(CODEX)!.terminal, 'the new login cleared it').toBeNull();
  expect(nodeDown.at - down.from).toBeLessThanOrEqual(2 * CHECK_EVERY);
  expect(T0 + 20 * DAY - setup.at).toBeGreaterThanOrEqual(thresholds.warnBeforeMs - CHECK_EVERY);
  expect(login.at).toBeGreaterThan(revokeAt);
  // Each resolved once a person acted (pc-a back, the token pasted, the new login synced).
  expect(resolved.map((notice) => notice.node)).toEqual(['pc-a', 't440', 'hp']);
  expect(resolved[0]!.at - down.until).toBeLessThanOrEqual(CHECK_EVERY);
  expect(resolved[1]!.at - setupReplacedAt).toBeLessThanOrEqual(CHECK_EVERY);

  // Nothing expired; no refresh token presented twice; one renewal per token lifetime.
  expect(expiredSeen).toEqual([]);
  expect(endpoint.reuses).toBe(0);
  const grants = (profileId: string) => endpoint.grants.filter((grant) => grant.profileId === profileId);
  // Renewing at 2/3 of a lifetime (less its jitter): 30 days hold 30·24/8 ÷ (2/3) ≈ 135 Anthropic renewals.
  const anthropicPerLifetime = grants(ANTHROPIC).length / ((30 * DAY) / LIFETIME[ANTHROPIC]!);
  expect(anthropicPerLifetime).toBeGreaterThan(1.3);
  expect(anthropicPerLifetime).toBeLessThan(1.7);
  // The stand-in renewed while pc-a was down, and only then.
  expect([...renewers.get(ANTHROPIC)!].sort()).toEqual(['pc-a', 't440']);
  const byStandIn = grants(ANTHROPIC).filter((grant) => grant.node === 't440');
  expect(byStandIn.length).toBeGreaterThan(0);
  for (const grant of byStandIn) {
    expect(grant.atMs).toBeGreaterThanOrEqual(down.from + fleet.renew.ownerDownFor);
    expect(grant.atMs).toBeLessThan(down.until + 2 * RENEW_EVERY);
  }
  // Every node ends on each account's current token.
  for (const profileId of [ANTHROPIC, CODEX]) {
    const current = accounts.get(profileId)!.current!.fingerprint;
    for (const node of NODES) expect(fingerprintOf(profileId, held[node][profileId]!), `${node} ${profileId}`).toBe(current);
  }

  console.log(
    `simulated 30 days (${(30 * DAY) / RENEW_EVERY} renewal looks, ${(30 * DAY) / CHECK_EVERY} alert checks × ${NODES.length} nodes): ${posts.length} posts, each once: ` +
      `pc-a down → posted after ${leadTimes.nodeDownAfterMin} min; setup token → ${leadTimes.setupTokenAheadDays.toFixed(2)} d ahead of its expiry; ` +
      `revoked login → posted day ${day(login.at)}, ${leadTimes.revokedLoginAheadHours.toFixed(1)} h before the token it could not renew expires. ` +
      `${resolved.length} resolved notices, ${edits} edits, 0 other posts. Grants: ${grants(ANTHROPIC).length} Anthropic (${anthropicPerLifetime.toFixed(2)} per 8 h lifetime, ${byStandIn.length} by the stand-in t440), ${grants(CODEX).length} Codex; refresh tokens reused: ${endpoint.reuses}; copies expired: ${expiredSeen.length}`,
  );
  // 43,200 looks through the pure rules: about 10 s alone, several times that on a loaded CI machine.
}, 120_000);
