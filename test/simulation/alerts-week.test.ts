import { expect, test } from 'vitest';
import { afterNotification, currentAlerts, decideNotification, emptyNodeState, nextNodeState, type AlertThresholds, type NodeAlertState, type Silence } from '../../src/domain/alerts.js';
import { buildFleetView } from '../../src/domain/fleet-view.js';
import { fingerprint } from '../../src/domain/fingerprint.js';
import type { ProfileStatus, StatusResponse } from '../../src/protocol/agent-api.js';
import type { NodeResult } from '../../src/protocol/node-result.js';

/*
 * A week of the fleet on an injected clock, through the pure alert rules only: Anthropic
 * tokens of 8 h and Codex tokens of 10 days; the owner (pc-a) refreshes at 80 % of a
 * lifetime (as the kubelet does) and followers receive it at once, except:
 * - hp "drifts": on day 2 its sync stops for 12 h, so its Anthropic token expires; the fix
 *   (a sync) comes 2 h after it expired; on day 5 it drifts again while silenced;
 * - nas goes down for an hour on day 3.
 * Checked every 5 min. Printed: what was posted, edited, resolved.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CHECK = 5 * MIN;
const T0 = Date.parse('2026-02-09T00:00:00Z');
const thresholds: AlertThresholds = { warnBeforeMs: 1 * HOUR, criticalBeforeMs: 20 * MIN, repeatEveryMs: 4 * HOUR };
const owners = { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' };
const NODES = ['pc-a', 't440', 'hp', 'nas'] as const;
const LIFETIME = { 'anthropic:default': 8 * HOUR, 'openai-codex:ops@example.com': 10 * DAY } as const;
type ProfileId = keyof typeof LIFETIME;

interface Token {
  serial: number;
  expires: number;
}

test('a simulated week: warned ahead of every expiry, nothing twice within repeatEvery, everything resolved, nothing while silenced', () => {
  const owner: Record<ProfileId, Token> = { 'anthropic:default': { serial: 1, expires: T0 + 8 * HOUR }, 'openai-codex:ops@example.com': { serial: 1, expires: T0 + 9 * DAY } };
  const held: Record<string, Record<ProfileId, Token>> = Object.fromEntries(NODES.map((node) => [node, { ...owner }]));
  const drift = [
    { node: 'hp', from: T0 + 1 * DAY + 10 * HOUR, fixAfterExpiry: 2 * HOUR },
    { node: 'hp', from: T0 + 4 * DAY + 6 * HOUR, fixAfterExpiry: 1 * HOUR },
  ];
  const down = { node: 'nas', from: T0 + 3 * DAY + 4 * HOUR, until: T0 + 3 * DAY + 5 * HOUR };
  const silences: Silence[] = [{ id: 's1', target: 'hp', until: T0 + 4 * DAY + 20 * HOUR, by: 'ops-alice', createdAt: T0 + 4 * DAY + 5 * HOUR }];

  const states = new Map<string, NodeAlertState>(NODES.map((node) => [node, emptyNodeState(node)]));
  const posts: Array<{ at: number; node: string; reason: string; keys: string[] }> = [];
  let edits = 0;
  let resolves = 0;
  let messageIds = 0;
  const expiries: Array<{ node: string; profileId: string; at: number }> = [];

  const status = (node: string, now: number): StatusResponse => ({
    node,
    checkedAt: new Date(now).toISOString(),
    store: { kind: 'auth-profiles-json', readable: true },
    profiles: (Object.keys(LIFETIME) as ProfileId[]).map(
      (profileId): ProfileStatus => ({
        agentId: 'main',
        profileId,
        provider: profileId.split(':')[0]!,
        type: 'oauth',
        expiresAt: new Date(held[node]![profileId].expires).toISOString(),
        hasRefreshToken: true,
        fingerprint: fingerprint('oauth', `${profileId}#${held[node]![profileId].serial}`),
        health: held[node]![profileId].expires <= now ? 'expired' : 'ok',
      }),
    ),
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: (Object.keys(LIFETIME) as ProfileId[]).every((id) => held[node]![id].expires > now) },
    capacity: { maxConcurrent: 12, agentCount: 15 },
  });

  for (let now = T0; now < T0 + 7 * DAY; now += CHECK) {
    // The owner refreshes at 80 % of a lifetime; followers receive it unless drifting or down.
    for (const profileId of Object.keys(LIFETIME) as ProfileId[]) {
      const token = owner[profileId];
      if (token.expires - now <= 0.2 * LIFETIME[profileId]) owner[profileId] = { serial: token.serial + 1, expires: now + LIFETIME[profileId] };
      held['pc-a']![profileId] = owner[profileId];
      for (const node of NODES.filter((name) => name !== 'pc-a')) {
        const drifting = drift.find((d) => d.node === node && now >= d.from && now < (d.from + 12 * HOUR));
        const fixAt = drift.find((d) => d.node === node && now >= d.from)?.fixAfterExpiry;
        const mine = held[node]![profileId];
        const isDown = node === down.node && now >= down.from && now < down.until;
        if (drifting || isDown) {
          if (mine.expires <= now && !expiries.some((e) => e.node === node && e.profileId === profileId && e.at === mine.expires)) expiries.push({ node, profileId, at: mine.expires });
          // The fix comes some time after the token expired (a person, or the auto-fix).
          if (!(drifting && fixAt !== undefined && mine.expires + fixAt <= now)) continue;
        }
        held[node]![profileId] = owner[profileId];
      }
    }
    const results: NodeResult<StatusResponse>[] = NODES.map((node) =>
      node === down.node && now >= down.from && now < down.until
        ? { node, ok: false, error: { kind: 'timeout', message: 'no answer within 3000 ms' }, ms: 3000 }
        : { node, ok: true, value: status(node, now), ms: 2 },
    );
    const view = buildFleetView(new Date(now).toISOString(), results, { owners, warnBeforeMs: thresholds.warnBeforeMs, nowMs: now });
    for (const node of view.nodes) {
      const previous = states.get(node.name)!;
      const state = nextNodeState(previous, node, currentAlerts(view, node, previous, thresholds, now));
      // A silence exists from the moment it is made.
      const { decision, shown, severity, digest } = decideNotification(state, silences.filter((silence) => silence.createdAt <= now), thresholds, now);
      if (decision.kind === 'post') posts.push({ at: now, node: node.name, reason: decision.reason, keys: shown.map((alert) => `${alert.key}:${alert.severity}`) });
      if (decision.kind === 'edit') edits++;
      if (decision.kind === 'resolve') resolves++;
      states.set(node.name, afterNotification(state, decision, { messageId: `m${++messageIds}`, severity, digest }, now));
    }
  }

  if (process.env.SIM_DEBUG) for (const post of posts) console.log(new Date(post.at).toISOString(), post.node, post.reason, post.keys.join(" "));
  // Every expiry was warned at least warnBefore ahead (to the check's granularity), unless silenced.
  for (const expiry of expiries) {
    const silenced = silences.some((silence) => silence.target === expiry.node && silence.createdAt <= expiry.at && silence.until > expiry.at - thresholds.warnBeforeMs);
    if (silenced) continue;
    const warned = posts.find((post) => post.node === expiry.node && post.keys.some((key) => key.includes(`/token_expiring/${expiry.profileId}`)) && post.at <= expiry.at - thresholds.warnBeforeMs + CHECK);
    expect(warned, `no warning ahead of ${expiry.node}'s ${expiry.profileId} expiring at ${new Date(expiry.at).toISOString()}`).toBeDefined();
  }
  // Nothing posted twice for a node within repeatEvery, unless its severity rose.
  for (const [index, post] of posts.entries()) {
    const earlier = posts.slice(0, index).filter((candidate) => candidate.node === post.node && post.at - candidate.at < thresholds.repeatEveryMs);
    if (post.reason !== 'severity_rose' && post.reason !== 'new') expect(earlier, `${post.node} posted again at ${new Date(post.at).toISOString()}`).toEqual([]);
  }
  // Nothing posted for hp while silenced.
  const silence = silences[0]!;
  expect(posts.filter((post) => post.node === 'hp' && post.at >= silence.createdAt && post.at < silence.until)).toEqual([]);
  // Everything resolved by the end of the week.
  expect([...states.values()].flatMap((state) => state.alerts)).toEqual([]);
  expect([...states.values()].every((state) => state.messageId === null)).toBe(true);
  // Sanity: the week did produce alerts (the test can fail).
  expect(expiries.length).toBeGreaterThanOrEqual(1);
  expect(posts.some((post) => post.node === 'nas' && post.keys.some((key) => key.includes('node_unreachable:critical')))).toBe(true);

  const byReason = posts.reduce<Record<string, number>>((counts, post) => ({ ...counts, [post.reason]: (counts[post.reason] ?? 0) + 1 }), {});
  console.log(`simulated week (${(7 * DAY) / CHECK} checks × ${NODES.length} nodes): ${posts.length} posts ${JSON.stringify(byReason)}, ${edits} edits, ${resolves} resolved notices, ${expiries.length} tokens expired on a drifting node, 0 posted while silenced`);
});
