import { describe, expect, it } from 'vitest';
import { currentAlerts, decideNotification, emptyNodeState, nextNodeState, type ActiveAlert, type NodeAlertState } from '../../../src/domain/alerts.js';
import type { CellRenewal, FleetView } from '../../../src/domain/fleet-view.js';
import type { StatusResponse } from '../../../src/protocol/agent-api.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';
import { ANTHROPIC, CODEX, DAY, failed, fleetView, HOUR, MINUTE, NOW, nodeOf, only, OWNERS, profile, stateWith, status, THRESHOLDS } from './alert-fixtures.js';

/*
 * currentAlerts: the alerts a node has right now, from a fleet view built by buildFleetView
 * over hand-made status answers. pc-a owns anthropic:* and openai-codex:*; t440 follows.
 */

function alertsFor(results: NodeResult<StatusResponse>[], node: string, previous: NodeAlertState = emptyNodeState(node), nowMs = NOW): ActiveAlert[] {
  const view = fleetView(results, OWNERS, nowMs);
  return currentAlerts(view, nodeOf(view, node), previous, THRESHOLDS, nowMs);
}

/** A healthy owner pc-a holding the given tokens (fingerprints differ per label). */
function owner(profiles = [profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]): NodeResult<StatusResponse> {
  return status('pc-a', { profiles });
}

function byCondition(alerts: readonly ActiveAlert[], condition: ActiveAlert['condition']): ActiveAlert[] {
  return alerts.filter((alert) => alert.condition === condition);
}

describe('currentAlerts: token expiry', () => {
  it('a healthy node has no alerts', () => {
    expect(alertsFor([owner(), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })] })], 't440')).toEqual([]);
  });

  it('a token expiring within warnBefore (but not criticalBefore) is one warning', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 10 * HOUR })] })], 't440'));
    expect(alert).toMatchObject({
      key: `t440/token_expiring/${ANTHROPIC}`,
      node: 't440',
      profileId: ANTHROPIC,
      condition: 'token_expiring',
      severity: 'warning',
      pending: false,
      since: NOW,
    });
    expect(alert.summary).toContain(ANTHROPIC);
    expect(alert.summary).toContain(`<t:${Math.floor((NOW + 10 * HOUR) / 1000)}:R>`);
  });

  it('the warnBefore edge: exactly warnBefore away warns, a millisecond more does not', () => {
    expect(only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 24 * HOUR })] })], 't440')).severity).toBe('warning');
    expect(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 24 * HOUR + 1 })] })], 't440')).toEqual([]);
  });

  it('a token expiring within criticalBefore is critical (still token_expiring)', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 90 * MINUTE })] })], 't440'));
    expect(alert).toMatchObject({ condition: 'token_expiring', severity: 'critical', key: `t440/token_expiring/${ANTHROPIC}` });
    // The edge counts as critical.
    expect(only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 2 * HOUR })] })], 't440')).severity).toBe('critical');
    expect(only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 2 * HOUR + 1 })] })], 't440')).severity).toBe('warning');
  });

  it('an expired token is critical token_expired, even with a refresh token, and at the exact expiry', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - 2 * HOUR })] })], 't440'));
    expect(alert).toMatchObject({ key: `t440/token_expired/${ANTHROPIC}`, condition: 'token_expired', severity: 'critical', profileId: ANTHROPIC });
    expect(alert.summary).toContain('expired');
    expect(only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW })] })], 't440')).condition).toBe('token_expired');
  });

  it('a token whose expiry was reset (expires 1, as OpenClaw 2026.9.6 doctor --fix leaves migrated tokens) is expired, and the alert says it was reset, not "57 years ago"', () => {
    const alert = only(alertsFor([owner(), status('t440', { profiles: [profile(ANTHROPIC, { expires: 1 })] })], 't440'));
    expect(alert).toMatchObject({ key: `t440/token_expired/${ANTHROPIC}`, condition: 'token_expired', severity: 'critical' });
    expect(alert.summary).toBe(`${ANTHROPIC} expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it). OpenClaw 2026.9's \`openclaw doctor --fix\` does this to the OAuth tokens it migrates`);
    expect(alert.summary).not.toContain('<t:');
    expect(alert.action).toContain('/tokens sync from:pc-a to:t440');
  });

  it('the fleet thresholds apply, not the health the agent reported', () => {
    // The agent (its own 24 h threshold) says ok; the view applies the fleet clock and thresholds.
    const alerts = alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, health: 'ok' })] })], 't440');
    expect(only(alerts).severity).toBe('warning');
  });

  it('a `token` profile with an expiry alerts like an OAuth one', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile('anthropic:manual', { type: 'token', expires: NOW + HOUR })] })], 't440'));
    expect(alert).toMatchObject({ condition: 'token_expiring', severity: 'critical', profileId: 'anthropic:manual' });
  });

  it('api_key profiles never alert, whatever their expiry says; a profile without expiry never alerts', () => {
    const alerts = alertsFor(
      [
        status('t440', {
          profiles: [
            profile('openai:default', { type: 'api_key', expires: null, fingerprint: null }),
            profile('google:default', { type: 'api_key', expires: NOW - DAY }),
            profile('mistral:default', { type: 'api_key', expires: NOW + HOUR }),
            profile('anthropic:manual', { type: 'token', expires: null }),
          ],
        }),
      ],
      't440',
    );
    expect(alerts).toEqual([]);
  });

  it('one alert per (node, condition, profile): several expiring profiles give one alert each', () => {
    const alerts = alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR }), profile(CODEX, { expires: NOW - HOUR })] })], 't440');
    expect(alerts.map((alert) => alert.key).sort()).toEqual([`t440/token_expired/${CODEX}`, `t440/token_expiring/${ANTHROPIC}`]);
    expect(new Set(alerts.map((alert) => alert.key)).size).toBe(alerts.length);
  });

  it('copies of one profile in several agent stores fold into one alert naming the agents', () => {
    const alerts = alertsFor(
      [status('t440', { profiles: [profile(ANTHROPIC, { agentId: 'main', expires: NOW + 20 * HOUR }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW - HOUR, fingerprint: 'bbbbbbbbbbbb' })] })],
      't440',
    );
    const alert = only(alerts);
    // The worst copy (expired) decides.
    expect(alert).toMatchObject({ condition: 'token_expired', severity: 'critical' });
    expect(alert.summary).toContain('main');
    expect(alert.summary).toContain('coder');
  });

  it('the copy that expires first decides the severity, whatever order the agent stores come in', () => {
    // Both copies are "expiring" for the view; one of them dies in 30 minutes. The alert must
    // say critical whether the agent lists main or coder first.
    const soon = profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 30 * MINUTE, fingerprint: 'bbbbbbbbbbbb' });
    const later = profile(ANTHROPIC, { agentId: 'main', expires: NOW + 20 * HOUR });
    const soonFirst = only(alertsFor([status('t440', { profiles: [soon, later] })], 't440'));
    const laterFirst = only(alertsFor([status('t440', { profiles: [later, soon] })], 't440'));
    expect(soonFirst.severity).toBe('critical');
    expect(laterFirst.severity).toBe('critical');
    expect(laterFirst.summary).toContain(`<t:${Math.floor((NOW + 30 * MINUTE) / 1000)}:R>`);
  });

  it("one agent store's unreadable copy does not hide another store's expired copy, and the action still fits the token's type", () => {
    const unreadable = { ...profile(ANTHROPIC, { agentId: 'a1', type: null, expires: null, fingerprint: null, health: 'invalid' }), reason: 'not an object' };
    const expired = profile(ANTHROPIC, { agentId: 'a2', expires: NOW - HOUR });
    for (const profiles of [[unreadable, expired], [expired, unreadable]]) {
      const alert = only(alertsFor([owner(), status('t440', { profiles })], 't440'));
      expect(alert).toMatchObject({ condition: 'token_expired', severity: 'critical', profileId: ANTHROPIC });
      expect(alert.action).toMatch(/sync from:pc-a to:t440/);
    }
    const setup = profile('anthropic:setup', { agentId: 'a2', type: 'token', expires: NOW - HOUR });
    const alert = only(alertsFor([status('t440', { profiles: [setup, { ...unreadable, profileId: 'anthropic:setup' }] })], 't440'));
    expect(alert.action).toMatch(/^only a person can replace it/);
  });

  it('a profile other nodes hold and this one lacks (missing) raises no token alert', () => {
    const alerts = alertsFor([owner(), status('t440', { profiles: [] })], 't440');
    expect(alerts).toEqual([]);
  });
});

describe('currentAlerts: node-level conditions', () => {
  it('an unreachable node is pending on the first failed check, and not pending on the second', () => {
    const first = only(alertsFor([owner(), failed('t440', 'unreachable')], 't440', stateWith('t440', { failedChecks: 0 })));
    expect(first).toMatchObject({ key: 't440/node_unreachable', node: 't440', condition: 'node_unreachable', severity: 'critical', pending: true });
    expect(first.profileId).toBeUndefined();
    expect(first.summary).toContain('ECONNREFUSED');
    expect(first.action).toContain('t440');

    const second = only(alertsFor([owner(), failed('t440', 'unreachable')], 't440', stateWith('t440', { failedChecks: 1, alerts: [first] })));
    expect(second).toMatchObject({ key: 't440/node_unreachable', severity: 'critical', pending: false, since: NOW });
  });

  it('a timeout counts as unreachable', () => {
    const alert = only(alertsFor([failed('t440', 'timeout', 'no answer within 3000 ms')], 't440'));
    expect(alert.condition).toBe('node_unreachable');
    expect(alert.summary).toContain('timeout');
  });

  it('an unauthorized answer is its own condition, pending first and then critical', () => {
    const first = only(alertsFor([failed('t440', 'unauthorized', 'unauthorized')], 't440'));
    expect(first).toMatchObject({ key: 't440/node_unauthorized', condition: 'node_unauthorized', severity: 'critical', pending: true });
    expect(first.action).toContain('TOKENOPS_AGENT_KEY');
    const second = only(alertsFor([failed('t440', 'unauthorized', 'unauthorized')], 't440', stateWith('t440', { failedChecks: 1 })));
    expect(second.pending).toBe(false);
  });

  it('a clock-skew refusal is the unauthorized alert, saying the skew and to check the key and both clocks (not the network)', () => {
    const skew = failed('t440', 'clock_skew', 't440 refused our clock: 412 s apart (at most 300 s)');
    const previous = { ...emptyNodeState('t440'), failedChecks: 1 };
    const alert = only(alertsFor([skew], 't440', previous));
    expect(alert).toMatchObject({ key: 't440/node_unauthorized', condition: 'node_unauthorized', severity: 'critical', pending: false, summary: 't440 refused our clock: 412 s apart (at most 300 s)' });
    expect(alert.action).toBe("check that t440's TOKENOPS_AGENT_KEY matches the bot's key variable, and both clocks");
  });

  it('an unauthorized answer says the agent refuses our signature; an unreachable one names the error and says to check the agent and the network', () => {
    const previous = { ...emptyNodeState('t440'), failedChecks: 1 };
    expect(only(alertsFor([failed('t440', 'unauthorized', 'HTTP 401')], 't440', previous)).summary).toBe('the agent refuses our signature');
    const down = only(alertsFor([failed('t440', 'unreachable')], 't440', previous));
    expect(down).toMatchObject({ condition: 'node_unreachable', summary: 'the agent does not answer (unreachable: cannot connect (ECONNREFUSED))', action: 'check the tokenops agent on t440 (systemctl --user status tokenops-agent) and the network' });
  });

  it('a gateway that is not ready is a warning; the summary tells not-ready from not-answering', () => {
    const notReady = only(alertsFor([status('t440', { ready: false, gatewayReachable: true })], 't440'));
    expect(notReady).toMatchObject({ key: 't440/gateway_not_ready', condition: 'gateway_not_ready', severity: 'warning', pending: false });
    expect(notReady.action).toContain('/restart t440');
    const down = only(alertsFor([status('t440', { ready: false, gatewayReachable: false })], 't440'));
    expect(down.summary).not.toBe(notReady.summary);
    expect(down.summary).toContain('does not answer');
  });

  it('an unreadable agent store is critical, one alert per store, its reason in the summary', () => {
    const alerts = alertsFor(
      [
        status('t440', {
          readable: false,
          stores: [
            { agentId: 'main', readable: true },
            { agentId: 'coder', readable: false, reason: 'not valid JSON (line 3)' },
          ],
        }),
      ],
      't440',
    );
    const alert = only(alerts);
    expect(alert).toMatchObject({ key: 't440/store_unreadable/coder', condition: 'store_unreadable', severity: 'critical' });
    expect(alert.summary).toContain('coder');
    expect(alert.summary).toContain('not valid JSON (line 3)');
  });

  it('a status saying only `readable: false` (the contract shape) is still a critical store alert', () => {
    const alert = only(alertsFor([status('t440', { readable: false })], 't440'));
    expect(alert).toMatchObject({ condition: 'store_unreadable', severity: 'critical' });
  });

  it('a refresh that failed for good is critical refresh_failed, beside the expiry alert', () => {
    const alerts = alertsFor([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR, refreshError: 'invalid_grant' })] })], 'pc-a');
    const refresh = only(byCondition(alerts, 'refresh_failed'));
    expect(refresh).toMatchObject({ key: `pc-a/refresh_failed/${ANTHROPIC}`, profileId: ANTHROPIC, severity: 'critical' });
    expect(refresh.summary).toContain('invalid_grant');
    expect(refresh.action).toContain('log in again on pc-a');
    expect(byCondition(alerts, 'token_expired')).toHaveLength(1);
  });

  it('a refresh error on a healthy token still alerts (the refresh token is dead)', () => {
    const alerts = alertsFor([status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * DAY, refreshError: 'refresh_token_reused' })] })], 'pc-a');
    expect(only(alerts).condition).toBe('refresh_failed');
  });
});

describe('currentAlerts: rotation conflict', () => {
  const OWNER_FP = 'f0000000000a';

  it('a follower copy with another fingerprint and a later expiry than the owner is a critical conflict naming the agent', () => {
    const alerts = alertsFor(
      [
        owner([profile(ANTHROPIC, { expires: NOW + 8 * HOUR + 0, fingerprint: OWNER_FP })]),
        status('t440', { profiles: [profile(ANTHROPIC, { agentId: 'main', expires: NOW + 30 * HOUR, fingerprint: OWNER_FP }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' })] }),
      ],
      't440',
    );
    const conflict = only(byCondition(alerts, 'rotation_conflict'));
    expect(conflict).toMatchObject({ key: `t440/rotation_conflict/${ANTHROPIC}`, profileId: ANTHROPIC, severity: 'critical' });
    expect(conflict.summary).toContain('agent coder');
    expect(conflict.summary).not.toContain('main');
    expect(conflict.summary).toContain('pc-a');
    expect(conflict.action).toContain(`/tokens sync from:t440 to:pc-a profile:${ANTHROPIC}`);
  });

  it('an older, stale copy with another fingerprint is not a conflict (sync will replace it)', () => {
    const alerts = alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })]), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, fingerprint: 'f0000000000b' })] })], 't440');
    expect(byCondition(alerts, 'rotation_conflict')).toEqual([]);
    // It is an expiring token instead.
    expect(only(alerts).condition).toBe('token_expiring');
  });

  it('the same fingerprint as the owner is never a conflict, however the expiries read', () => {
    const alerts = alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })]), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 40 * HOUR, fingerprint: OWNER_FP })] })], 't440');
    expect(alerts).toEqual([]);
  });

  it('the owner itself never has a conflict; an unowned profile never has one', () => {
    const results = [
      owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP }), profile('google-gemini-cli:me@example.com', { expires: NOW + 30 * HOUR, fingerprint: 'c0000000000a' })]),
      status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP }), profile('google-gemini-cli:me@example.com', { expires: NOW + 40 * HOUR, fingerprint: 'c0000000000b' })] }),
    ];
    expect(alertsFor(results, 'pc-a')).toEqual([]);
    expect(alertsFor(results, 't440')).toEqual([]);
  });

  it('a tie is no conflict: another token expiring exactly when the owner\'s does was not refreshed outside it; a millisecond later is', () => {
    const follower = (expires: number) => status('t440', { profiles: [profile(ANTHROPIC, { expires, fingerprint: 'f0000000000b' })] });
    const ownerAt = owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })]);
    expect(byCondition(alertsFor([ownerAt, follower(NOW + 30 * HOUR)], 't440'), 'rotation_conflict')).toEqual([]);
    expect(byCondition(alertsFor([ownerAt, follower(NOW + 30 * HOUR + 1)], 't440'), 'rotation_conflict')).toHaveLength(1);
  });

  it("the owner's latest copy is the line, whichever of its stores holds it and in whatever order", () => {
    const follower = status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 35 * HOUR, fingerprint: 'f0000000000b' })] });
    const stores = [profile(ANTHROPIC, { agentId: 'main', expires: NOW + 30 * HOUR, fingerprint: OWNER_FP }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 40 * HOUR, fingerprint: 'f000000000aa' })];
    expect(byCondition(alertsFor([owner(stores), follower], 't440'), 'rotation_conflict')).toEqual([]);
    expect(byCondition(alertsFor([owner([...stores].reverse()), follower], 't440'), 'rotation_conflict')).toEqual([]);
  });

  it("an owner copy without an expiry, or without a fingerprint, gives no line to judge by: no conflict", () => {
    const follower = status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' })] });
    expect(byCondition(alertsFor([owner([profile(ANTHROPIC, { expires: null, fingerprint: OWNER_FP })]), follower], 't440'), 'rotation_conflict')).toEqual([]);
    expect(byCondition(alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: null })]), follower], 't440'), 'rotation_conflict')).toEqual([]);
  });

  it('a follower copy without an expiry or a fingerprint is never a conflict', () => {
    const ownerAt = owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })]);
    expect(byCondition(alertsFor([ownerAt, status('t440', { profiles: [profile(ANTHROPIC, { expires: null, fingerprint: 'f0000000000b' })] })], 't440'), 'rotation_conflict')).toEqual([]);
    expect(byCondition(alertsFor([ownerAt, status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 40 * HOUR, fingerprint: null })] })], 't440'), 'rotation_conflict')).toEqual([]);
  });

  it("only the owner's copy of the same profile is the line: another profile the owner holds does not count", () => {
    const ownerOther = owner([profile('anthropic:ops', { expires: NOW + 50 * HOUR, fingerprint: OWNER_FP }), profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f00000000aaa' })]);
    const follower = status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' })] });
    expect(byCondition(alertsFor([ownerOther, follower], 't440'), 'rotation_conflict')).toHaveLength(1);
  });

  it('a setup token that differs from the owner\'s was pasted by a person: never a rotation conflict', () => {
    const ownerAt = owner([profile(ANTHROPIC, { type: 'token', expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })]);
    const follower = status('t440', { profiles: [profile(ANTHROPIC, { type: 'token', expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' })] });
    expect(byCondition(alertsFor([ownerAt, follower], 't440'), 'rotation_conflict')).toEqual([]);
  });

  it('no conflict can be judged while the owner is unreachable', () => {
    const alerts = alertsFor([failed('pc-a', 'unreachable'), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' })] })], 't440');
    expect(alerts).toEqual([]);
  });

  it('a follower holding the owner\'s freshest token is no conflict when another agent store on the owner lags behind', () => {
    // pc-a's main store holds the fresh token the owner refreshed (and exports: the
    // freshest copy); its "coder" store still has the previous one, expiring. t440 was
    // synced from pc-a and holds exactly pc-a's fresh token: nobody refreshed outside the owner.
    const alerts = alertsFor(
      [
        owner([profile(ANTHROPIC, { agentId: 'main', expires: NOW + 30 * HOUR, fingerprint: OWNER_FP }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 5 * HOUR, fingerprint: 'f00000000old' })]),
        status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: OWNER_FP })] }),
      ],
      't440',
    );
    expect(byCondition(alerts, 'rotation_conflict')).toEqual([]);
  });
});

describe('currentAlerts: since and actions', () => {
  it('`since` is carried over from the previous state for the same key, and is now for a new key', () => {
    const results = [status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR }), profile(CODEX, { expires: NOW + 6 * HOUR })] })];
    const earlier = NOW - 3 * HOUR;
    const previous = stateWith('t440', {
      alerts: [
        { key: `t440/token_expiring/${ANTHROPIC}`, node: 't440', profileId: ANTHROPIC, condition: 'token_expiring', severity: 'warning', pending: false, since: earlier, summary: 'old', action: 'old' },
        // Same profile, other condition: its `since` must not leak.
        { key: `t440/refresh_failed/${CODEX}`, node: 't440', profileId: CODEX, condition: 'refresh_failed', severity: 'critical', pending: false, since: earlier - HOUR, summary: 'old', action: 'old' },
      ],
    });
    const alerts = alertsFor(results, 't440', previous);
    expect(alerts.find((alert) => alert.profileId === ANTHROPIC)?.since).toBe(earlier);
    expect(alerts.find((alert) => alert.profileId === CODEX)?.since).toBe(NOW);
  });

  it('`since` of an unreachable node survives from its first failed check', () => {
    const first = only(alertsFor([failed('t440', 'unreachable')], 't440', emptyNodeState('t440'), NOW));
    const later = NOW + 5 * MINUTE;
    const view = fleetView([failed('t440', 'unreachable')], OWNERS, later);
    const second = only(currentAlerts(view, nodeOf(view, 't440'), stateWith('t440', { alerts: [first], failedChecks: 1 }), THRESHOLDS, later));
    expect(second.since).toBe(NOW);
  });

  it('a follower whose owner holds a fresher token is told to sync from the owner, naming it', () => {
    const alert = only(
      alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR, fingerprint: 'f0000000000z' })] })], 't440'),
    );
    expect(alert.action).toContain('`/tokens sync from:pc-a to:t440 profile:anthropic:default`');
    expect(alert.action).toContain('owner pc-a');
  });

  it('a follower whose owner holds nothing fresher is told to refresh on the owner', () => {
    const alert = only(
      alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: 'f0000000000a' })]), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: 'f0000000000a' })] })], 't440'),
    );
    expect(alert.action).toContain('`/tokens refresh node:pc-a profile:anthropic:default`');
    expect(alert.action).toContain('the owner pc-a');
    expect(alert.action).not.toContain('/tokens sync');
  });

  it('a follower whose owner is unreachable is told to refresh on the owner (not to sync from it)', () => {
    const alert = only(alertsFor([failed('pc-a', 'unreachable'), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR })] })], 't440'));
    expect(alert.action).toContain('/tokens refresh node:pc-a');
  });

  it('the owner\'s own expiring token says to refresh it there, then log in again', () => {
    const alert = only(alertsFor([owner([profile(ANTHROPIC, { expires: NOW + 5 * HOUR })])], 'pc-a'));
    expect(alert.action).toContain('`/tokens refresh node:pc-a profile:anthropic:default`');
    expect(alert.action).toContain('log in again on pc-a');
  });

  it('a profile without an owner in the fleet file says so', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile('google-gemini-cli:me@example.com', { expires: NOW + 5 * HOUR })] })], 't440'));
    expect(alert.action).toContain('no owner in the fleet file');
    expect(alert.action).toContain('google-gemini-cli:me@example.com');
    expect(alert.action).not.toContain('/tokens sync');
  });

  it('when the owner\'s token has expired too, the action does not send the follower to sync an expired token', () => {
    // t440 expired at 06:12, pc-a's (later) one at 08:12: pc-a holds a "fresher" token, but
    // a sync would carry an expired credential (the agent skips it: incoming_expired). The
    // fix is on the owner: refresh there (or log in again), then it syncs here.
    const alert = only(
      alertsFor([owner([profile(ANTHROPIC, { expires: NOW - HOUR, fingerprint: 'f0000000000a' })]), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - 3 * HOUR, fingerprint: 'f0000000000z' })] })], 't440'),
    );
    expect(alert.action).not.toContain('/tokens sync from:pc-a');
    expect(alert.action).toContain('/tokens refresh node:pc-a');
  });
});

describe('an unreachable node keeps what it had', () => {
  it('a single failed check on a node with a posted token alert does not announce it resolved', () => {
    // Check 1: t440's token is expiring, the alert is posted.
    const token = only(alertsFor([owner(), status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 90 * MINUTE, fingerprint: 'f0000000000a' })] })], 't440'));
    const posted = stateWith('t440', { alerts: [token], messageId: 'm1', notifiedSeverity: 'critical', lastNotifiedAt: NOW, notifiedDigest: `${token.key}:critical` });
    // Check 2, five minutes later: t440 does not answer once. Nothing about its token changed.
    const later = NOW + 5 * MINUTE;
    const view = fleetView([owner(), failed('t440', 'timeout', 'no answer within 3000 ms')], OWNERS, later);
    const node = nodeOf(view, 't440');
    const state = nextNodeState(posted, node, currentAlerts(view, node, posted, THRESHOLDS, later));
    const { decision } = decideNotification(state, [], THRESHOLDS, later);
    expect(decision.kind).not.toBe('resolve');
  });
});

/** The view with renewal's plan set on one node's cell of a profile (renewal-plan decorates views so). */
function withRenewal(view: FleetView, node: string, profileId: string, renewal: Partial<CellRenewal>): FleetView {
  const plan: CellRenewal = { atMs: null, node: 'pc-a', standIn: false, state: 'scheduled', covers: false, current: false, currentExpiresAtMs: null, renewers: ['pc-a'], superseded: [], lastError: null, ...renewal };
  return { ...view, nodes: view.nodes.map((each) => (each.name !== node ? each : { ...each, profiles: each.profiles.map((cell) => (cell.profileId === profileId ? { ...cell, renewal: plan } : cell)) })) };
}

function alertsIn(view: FleetView, node: string, previous: NodeAlertState = emptyNodeState(node)): ActiveAlert[] {
  return currentAlerts(view, nodeOf(view, node), previous, THRESHOLDS, NOW);
}

const stamp = (ms: number) => `<t:${Math.floor(ms / 1000)}:R>`;

describe('currentAlerts: exact words', () => {
  it('an expiring token held by one agent store says when, and nothing about agents', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR })] })], 't440'));
    expect(alert.summary).toBe(`${ANTHROPIC} expires ${stamp(NOW + 5 * HOUR)}`);
  });

  it('an expired token held by several agent stores names them all, in order', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { agentId: 'main', expires: NOW - HOUR }), profile(ANTHROPIC, { agentId: 'coder', expires: NOW - 2 * HOUR })] })], 't440'));
    expect(alert.summary).toBe(`${ANTHROPIC} expired ${stamp(NOW - 2 * HOUR)} (agents main, coder)`);
  });

  it('a gateway that is not ready, and an unreadable store, say so and what to do', () => {
    const gateway = only(alertsFor([status('t440', { ready: false, gatewayReachable: true })], 't440'));
    expect(gateway).toEqual({ key: 't440/gateway_not_ready', node: 't440', condition: 'gateway_not_ready', severity: 'warning', pending: false, since: NOW, summary: 'the gateway is not ready (/readyz)', action: 'fix its tokens first, then `/restart t440`' });
    const store = only(alertsFor([status('t440', { readable: false, stores: [{ agentId: 'coder', readable: false, reason: 'not valid JSON (line 3)' }] })], 't440'));
    expect(store).toEqual({
      key: 't440/store_unreadable/coder',
      node: 't440',
      condition: 'store_unreadable',
      severity: 'critical',
      pending: false,
      since: NOW,
      summary: 'the credential store of agent coder is unreadable: not valid JSON (line 3)',
      action: 'repair it from its backup in .tokenops-backups on t440',
    });
  });

  it('a dead refresh token names its error and the login that replaces it', () => {
    const alert = only(alertsFor([status('t440', { profiles: [profile(CODEX, { expires: NOW + 3 * DAY, refreshError: 'refresh_token_reused' })] })], 't440'));
    expect(alert).toEqual({
      key: `t440/refresh_failed/${CODEX}`,
      node: 't440',
      profileId: CODEX,
      condition: 'refresh_failed',
      severity: 'critical',
      pending: false,
      since: NOW,
      summary: `refresh of ${CODEX} on t440 failed for good (refresh_token_reused)`,
      action: `log in again on t440 (\`openclaw models auth login --provider openai-codex --profile-id ${CODEX}\`), then \`/tokens sync from:t440 to:all profile:${CODEX}\``,
    });
  });

  it('a rotation conflict in several agent stores names each of them', () => {
    const alerts = alertsFor(
      [
        owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]),
        status('t440', { profiles: [profile(ANTHROPIC, { agentId: 'coder', expires: NOW + 40 * HOUR, fingerprint: 'f0000000000b' }), profile(ANTHROPIC, { agentId: 'ops', expires: NOW + 41 * HOUR, fingerprint: 'f0000000000c' })] }),
      ],
      't440',
    );
    const conflict = only(byCondition(alerts, 'rotation_conflict'));
    expect(conflict.summary).toBe(`t440 holds a newer ${ANTHROPIC} than its owner pc-a (agent coder, ops): someone refreshed outside the owner`);
    expect(conflict.action).toBe(`if t440's token works, \`/tokens sync from:t440 to:pc-a profile:${ANTHROPIC}\` and stop whatever refreshes on t440; otherwise log in again on pc-a`);
  });
});

describe('currentAlerts: whose copy is the owner\'s', () => {
  const expiredHere = (fingerprint = 'f0000000000z') => status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR, fingerprint })] });
  const SYNC = `\`/tokens sync from:pc-a to:t440 profile:${ANTHROPIC}\` (owner pc-a holds a fresher one)`;
  const REFRESH = `\`/tokens refresh node:pc-a profile:${ANTHROPIC}\` on the owner pc-a, then it syncs here`;

  it('the owner is the node the fleet file names, wherever it comes in the view', () => {
    // t440 comes first and holds the profile too: its own expired copy is not the owner's.
    expect(only(alertsFor([expiredHere(), owner()], 't440')).action).toBe(SYNC);
  });

  it("the owner's copy is of the same profile, not the first the owner lists", () => {
    // pc-a's expired anthropic:ops sorts before its fresh anthropic:default (worst first).
    const ownerBoth = owner([profile('anthropic:ops', { expires: NOW - 3 * HOUR, fingerprint: 'f00000000ops' }), profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]);
    expect(only(alertsFor([ownerBoth, expiredHere()], 't440')).action).toBe(SYNC);
  });

  it("an owner store without an expiry does not spoil the owner's latest copy", () => {
    const ownerStores = owner([profile(ANTHROPIC, { agentId: 'main', expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' }), profile(ANTHROPIC, { agentId: 'coder', expires: null, fingerprint: 'f00000000nox' })]);
    expect(only(alertsFor([ownerStores, expiredHere()], 't440')).action).toBe(SYNC);
  });

  it("an owner token that expires this very millisecond is not fresher: refresh on the owner", () => {
    const ownerNow = owner([profile(ANTHROPIC, { expires: NOW, fingerprint: 'f0000000000a' })]);
    const follower = status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR, fingerprint: 'f0000000000z' })] });
    expect(only(alertsFor([ownerNow, follower], 't440')).action).toBe(REFRESH);
    const ownerLater = owner([profile(ANTHROPIC, { expires: NOW + 1, fingerprint: 'f0000000000a' })]);
    expect(only(alertsFor([ownerLater, follower], 't440')).action).toBe(SYNC);
  });

  it('a cell without per-store copies (a view made elsewhere) is judged by its own expiry', () => {
    const view = fleetView([status('t440', { profiles: [profile('google-gemini-cli:me@example.com', { expires: NOW + 5 * HOUR })] })]);
    const bare: FleetView = { ...view, nodes: view.nodes.map((node) => ({ ...node, profiles: node.profiles.map((cell) => ({ ...cell, copies: [] })) })) };
    expect(only(alertsIn(bare, 't440'))).toMatchObject({ condition: 'token_expiring', severity: 'warning', summary: `google-gemini-cli:me@example.com expires ${stamp(NOW + 5 * HOUR)}` });
  });
});

describe('currentAlerts: renewal', () => {
  const follower = (expires: number, fingerprint = 'f0000000000a') => status('t440', { profiles: [profile(ANTHROPIC, { expires, fingerprint })] });

  it('renewal that keeps failing says where and why, and to refresh there', () => {
    const base = fleetView([owner(), follower(NOW + 5 * HOUR)]);
    const retrying = only(alertsIn(withRenewal(base, 't440', ANTHROPIC, { state: 'retrying', node: 'pc-b', lastError: 'timeout' }), 't440'));
    expect(retrying.action).toBe(`renewal keeps failing on pc-b (timeout): check pc-b's agent and its way to the provider, then \`/tokens refresh node:pc-b profile:${ANTHROPIC}\``);
    const unknown = only(alertsIn(withRenewal(base, 't440', ANTHROPIC, { state: 'retrying', node: 'pc-a', lastError: null }), 't440'));
    expect(unknown.action).toBe(`renewal keeps failing on pc-a (error): check pc-a's agent and its way to the provider, then \`/tokens refresh node:pc-a profile:${ANTHROPIC}\``);
  });

  it('renewal that waits says why, or that nobody can renew it now, and how to unblock it', () => {
    const base = fleetView([owner(), follower(NOW + 5 * HOUR)]);
    expect(only(alertsIn(withRenewal(base, 't440', ANTHROPIC, { state: 'waiting', reason: 'pc-a does not answer' }), 't440')).action).toBe('renewal waits: pc-a does not answer; bring pc-a back, or list a stand-in for it in owners');
    expect(only(alertsIn(withRenewal(base, 't440', ANTHROPIC, { state: 'waiting' }), 't440')).action).toBe('renewal waits: nobody can renew it now; bring pc-a back, or list a stand-in for it in owners');
  });

  it('an expiring token renewal covers raises nothing; an expired one still does', () => {
    const expiring = fleetView([owner(), follower(NOW + 5 * HOUR)]);
    expect(alertsIn(withRenewal(expiring, 't440', ANTHROPIC, { covers: true }), 't440')).toEqual([]);
    const expired = fleetView([owner(), follower(NOW - HOUR, 'f0000000000z')]);
    expect(only(alertsIn(withRenewal(expired, 't440', ANTHROPIC, { covers: true }), 't440')).condition).toBe('token_expired');
  });

  it('a renewal failed for good is one alert on the node that tried, saying where the copies expire, and no expiry alert beside it', () => {
    const view = fleetView([
      owner([profile(ANTHROPIC, { expires: NOW + 5 * HOUR, fingerprint: 'f0000000000a' })]),
      status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 3 * HOUR, fingerprint: 'f0000000000b' })] }),
      // Another account, and a node without the account: neither is listed.
      status('cx', { profiles: [profile(CODEX, { expires: NOW + HOUR, fingerprint: 'c0000000000a' })] }),
    ]);
    let failed = withRenewal(view, 'pc-a', ANTHROPIC, { state: 'failed', node: 'pc-a', lastError: 'refresh_token_reused' });
    failed = withRenewal(failed, 't440', ANTHROPIC, { state: 'failed', node: 'pc-a', lastError: 'refresh_token_reused' });
    expect(alertsIn(failed, 'pc-a')).toEqual([
      {
        key: `pc-a/refresh_failed/${ANTHROPIC}`,
        node: 'pc-a',
        profileId: ANTHROPIC,
        condition: 'refresh_failed',
        severity: 'critical',
        pending: false,
        since: NOW,
        summary: `renewal of ${ANTHROPIC} on pc-a failed for good (refresh_token_reused); its token expires ${stamp(NOW + 3 * HOUR)} on pc-a, t440`,
        action: `log in again on pc-a (\`openclaw models auth login --provider anthropic\`), then \`/tokens sync from:pc-a to:all profile:${ANTHROPIC}\``,
      },
    ]);
    // The other holder's expiring copy is the renewer's alert, not its own.
    expect(alertsIn(failed, 't440')).toEqual([]);
  });

  it('a renewal failed without a known error says invalid_grant; an account without any expiry says no time', () => {
    const view = fleetView([owner([profile('anthropic:setup', { type: 'token', expires: null, fingerprint: 'f0000000000a' })])]);
    const alert = only(alertsIn(withRenewal(view, 'pc-a', 'anthropic:setup', { state: 'failed', node: 'pc-a' }), 'pc-a'));
    expect(alert.summary).toBe('renewal of anthropic:setup on pc-a failed for good (invalid_grant)');
  });

  it("the node's own refresh error is named before renewal's", () => {
    const view = fleetView([owner([profile(ANTHROPIC, { expires: NOW + 3 * DAY, fingerprint: 'f0000000000a', refreshError: 'invalid_client' })])]);
    const alert = only(alertsIn(withRenewal(view, 'pc-a', ANTHROPIC, { state: 'failed', node: 'pc-a', lastError: 'timeout' }), 'pc-a'));
    expect(alert.summary).toBe(`renewal of ${ANTHROPIC} on pc-a failed for good (invalid_client); its token expires ${stamp(NOW + 3 * DAY)} on pc-a`);
  });

  it("with renewal's current token known: a newer copy outside the renewers is a conflict, one renewal replaced or a renewer's is not", () => {
    const view = fleetView([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]), follower(NOW + 40 * HOUR, 'f0000000000b')]);
    const plan = { currentExpiresAtMs: NOW + 30 * HOUR, renewers: ['pc-a'] };
    expect(byCondition(alertsIn(withRenewal(view, 't440', ANTHROPIC, plan), 't440'), 'rotation_conflict')).toHaveLength(1);
    // The owner's copy alone would call these conflicts; renewal knows better.
    expect(byCondition(alertsIn(withRenewal(view, 't440', ANTHROPIC, { ...plan, superseded: ['f0000000000b'] }), 't440'), 'rotation_conflict')).toEqual([]);
    expect(byCondition(alertsIn(withRenewal(view, 't440', ANTHROPIC, { ...plan, renewers: ['pc-a', 't440'] }), 't440'), 'rotation_conflict')).toEqual([]);
    // And renewal's current token, not the owner's copy, is the line.
    expect(byCondition(alertsIn(withRenewal(view, 't440', ANTHROPIC, { ...plan, currentExpiresAtMs: NOW + 45 * HOUR }), 't440'), 'rotation_conflict')).toEqual([]);
  });

  it("without renewal's current token, the owner's copy is the line again", () => {
    const older = fleetView([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]), follower(NOW + 29 * HOUR, 'f0000000000b')]);
    expect(byCondition(alertsIn(withRenewal(older, 't440', ANTHROPIC, { currentExpiresAtMs: null }), 't440'), 'rotation_conflict')).toEqual([]);
    const newer = fleetView([owner([profile(ANTHROPIC, { expires: NOW + 30 * HOUR, fingerprint: 'f0000000000a' })]), follower(NOW + 40 * HOUR, 'f0000000000b')]);
    expect(byCondition(alertsIn(withRenewal(newer, 't440', ANTHROPIC, { currentExpiresAtMs: null, renewers: ['pc-a', 't440'] }), 't440'), 'rotation_conflict')).toHaveLength(1);
  });
});

describe('currentAlerts: a node that stops answering', () => {
  it('a refusal that turns into silence is one unreachable alert: the unauthorized one goes', () => {
    const refused = only(alertsFor([failed('t440', 'unauthorized', 'HTTP 401')], 't440', stateWith('t440', { failedChecks: 1 })));
    const down = alertsFor([failed('t440', 'unreachable')], 't440', stateWith('t440', { failedChecks: 2, alerts: [refused] }));
    expect(down.map((alert) => alert.key)).toEqual(['t440/node_unreachable']);
  });

  it('an unreachable node keeps its token alerts from before', () => {
    const token = only(alertsFor([status('t440', { profiles: [profile(ANTHROPIC, { expires: NOW + 5 * HOUR })] })], 't440'));
    const down = alertsFor([failed('t440', 'timeout', 'no answer within 3000 ms')], 't440', stateWith('t440', { failedChecks: 1, alerts: [token] }));
    expect(down.map((alert) => alert.key)).toEqual([token.key, 't440/node_unreachable']);
  });

  it('a node marked unreachable without an error (a view made elsewhere) is still unreachable, saying so', () => {
    const view = fleetView([failed('t440', 'unreachable')]);
    const bare: FleetView = { ...view, nodes: view.nodes.map(({ error: _error, ...node }) => node) };
    const alert = only(alertsIn(bare, 't440', stateWith('t440', { failedChecks: 1 })));
    expect(alert).toMatchObject({ condition: 'node_unreachable', pending: false, summary: 'the agent does not answer (unreachable: )', action: 'check the tokenops agent on t440 (systemctl --user status tokenops-agent) and the network' });
  });
});
