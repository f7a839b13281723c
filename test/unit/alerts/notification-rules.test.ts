import { describe, expect, it } from 'vitest';
import { afterNotification, criticalFirst, decideNotification, emptyNodeState, isCritical, isSilenced, nextNodeState, type ActiveAlert, type NodeAlertState, type Silence } from '../../../src/domain/alerts.js';
import type { NodeView } from '../../../src/domain/fleet-view.js';
import { alertOf, ANTHROPIC, CODEX, HOUR, MINUTE, NOW, stateWith, THRESHOLDS } from './alert-fixtures.js';

/*
 * decideNotification / afterNotification / nextNodeState / isSilenced: what the ops channel
 * sees of a node across checks, driven by a fixed clock.
 */

const expiring = alertOf('t440', { condition: 'token_expiring', profileId: ANTHROPIC, severity: 'warning' });
const expiringCritical = { ...expiring, severity: 'critical' as const };
const codexExpiring = alertOf('t440', { condition: 'token_expiring', profileId: CODEX, severity: 'warning' });
const gateway = alertOf('t440', { condition: 'gateway_not_ready', severity: 'warning' });
const unreachablePending = alertOf('t440', { condition: 'node_unreachable', severity: 'critical', pending: true });

function silence(target: string, until: number, id = target): Silence {
  return { id, target, until, by: 'ops#1', createdAt: NOW - HOUR };
}

/** The state after the decision at `nowMs` was carried out (a post gets message id `next`). */
function carryOut(state: NodeAlertState, silences: readonly Silence[], nowMs: number, messageId = 'm-next'): { state: NodeAlertState; decision: ReturnType<typeof decideNotification>['decision'] } {
  const { decision, severity, digest } = decideNotification(state, silences, THRESHOLDS, nowMs);
  return { decision, state: afterNotification(state, decision, { ...(decision.kind === 'post' ? { messageId } : {}), severity, digest }, nowMs) };
}

/** A node whose alerts were posted at NOW as message m1. */
function posted(alerts: ActiveAlert[]): NodeAlertState {
  const first = stateWith('t440', { alerts });
  const { decision, state } = carryOut(first, [], NOW, 'm1');
  expect(decision).toEqual({ kind: 'post', reason: 'new' });
  return state;
}

function withAlerts(state: NodeAlertState, alerts: ActiveAlert[]): NodeAlertState {
  return { ...state, alerts };
}

describe('decideNotification', () => {
  it('nothing active and no message: none', () => {
    const result = decideNotification(emptyNodeState('t440'), [], THRESHOLDS, NOW);
    expect(result).toEqual({ decision: { kind: 'none' }, shown: [], severity: null, digest: '' });
  });

  it('first alerts: post new, at the worst severity shown', () => {
    const warning = decideNotification(stateWith('t440', { alerts: [expiring] }), [], THRESHOLDS, NOW);
    expect(warning.decision).toEqual({ kind: 'post', reason: 'new' });
    expect(warning.severity).toBe('warning');
    expect(warning.shown).toEqual([expiring]);
    const critical = decideNotification(stateWith('t440', { alerts: [expiring, alertOf('t440', { condition: 'store_unreadable', severity: 'critical' })] }), [], THRESHOLDS, NOW);
    expect(critical.decision).toEqual({ kind: 'post', reason: 'new' });
    expect(critical.severity).toBe('critical');
  });

  it('a message whose severity or time was never recorded is posted anew, as if none were up', () => {
    const shown = posted([expiring]);
    expect(decideNotification({ ...shown, notifiedSeverity: null }, [], THRESHOLDS, NOW + MINUTE).decision).toEqual({ kind: 'post', reason: 'new' });
    expect(decideNotification({ ...shown, lastNotifiedAt: null }, [], THRESHOLDS, NOW + MINUTE).decision).toEqual({ kind: 'post', reason: 'new' });
    expect(decideNotification({ ...shown, messageId: null }, [], THRESHOLDS, NOW + MINUTE).decision).toEqual({ kind: 'post', reason: 'new' });
    // All three recorded: nothing changed, nothing to say.
    expect(decideNotification(shown, [], THRESHOLDS, NOW + MINUTE).decision).toEqual({ kind: 'none' });
  });

  it('the same alerts again within repeatEvery: none, even when their summaries moved', () => {
    const state = posted([expiring]);
    expect(decideNotification(state, [], THRESHOLDS, NOW + 5 * MINUTE).decision).toEqual({ kind: 'none' });
    // Relative times in summaries change between checks; that is no reason to edit.
    const moved = withAlerts(state, [{ ...expiring, summary: 'anthropic:default expires in 9 hours' }]);
    expect(decideNotification(moved, [], THRESHOLDS, NOW + 4 * HOUR - 1).decision).toEqual({ kind: 'none' });
  });

  it('an alert added or removed: edit the message', () => {
    const state = posted([expiring]);
    const added = carryOut(withAlerts(state, [expiring, codexExpiring]), [], NOW + 10 * MINUTE);
    expect(added.decision).toEqual({ kind: 'edit' });
    expect(added.state.messageId).toBe('m1');
    // The edit is remembered: the same set again is nothing new.
    expect(decideNotification(added.state, [], THRESHOLDS, NOW + 15 * MINUTE).decision).toEqual({ kind: 'none' });
    const removed = carryOut(withAlerts(added.state, [codexExpiring]), [], NOW + 20 * MINUTE);
    expect(removed.decision).toEqual({ kind: 'edit' });
  });

  it('warning → critical: a new post (severity_rose), even within repeatEvery', () => {
    const state = posted([expiring]);
    const rose = carryOut(withAlerts(state, [expiringCritical]), [], NOW + 10 * MINUTE, 'm2');
    expect(rose.decision).toEqual({ kind: 'post', reason: 'severity_rose' });
    expect(rose.state).toMatchObject({ messageId: 'm2', notifiedSeverity: 'critical', lastNotifiedAt: NOW + 10 * MINUTE });
    // Once told, critical again is nothing new.
    expect(decideNotification(rose.state, [], THRESHOLDS, NOW + 15 * MINUTE).decision).toEqual({ kind: 'none' });
  });

  it('critical → warning is an edit, not a post', () => {
    const state = posted([expiringCritical]);
    expect(decideNotification(withAlerts(state, [expiring]), [], THRESHOLDS, NOW + 10 * MINUTE).decision).toEqual({ kind: 'edit' });
  });

  it('a warning is said once: no repeat however long it lasts (it is posted again when it turns critical)', () => {
    const state = posted([expiring]);
    for (const after of [4 * HOUR, 24 * HOUR, 6 * 24 * HOUR]) expect(decideNotification(state, [], THRESHOLDS, NOW + after).decision).toEqual({ kind: 'none' });
    expect(decideNotification(withAlerts(state, [expiringCritical]), [], THRESHOLDS, NOW + 5 * 24 * HOUR).decision).toEqual({ kind: 'post', reason: 'severity_rose' });
  });

  it('after repeatEvery with a critical problem still there: post repeat, and the repeat clock restarts', () => {
    const state = posted([expiringCritical]);
    expect(decideNotification(state, [], THRESHOLDS, NOW + 4 * HOUR - 1).decision).toEqual({ kind: 'none' });
    const repeat = carryOut(state, [], NOW + 4 * HOUR, 'm2');
    expect(repeat.decision).toEqual({ kind: 'post', reason: 'repeat' });
    expect(repeat.state).toMatchObject({ messageId: 'm2', lastNotifiedAt: NOW + 4 * HOUR });
    expect(decideNotification(repeat.state, [], THRESHOLDS, NOW + 8 * HOUR - 1).decision).toEqual({ kind: 'none' });
  });

  it('an edit does not restart the repeat clock', () => {
    const state = posted([expiringCritical]);
    const edited = carryOut(withAlerts(state, [expiringCritical, codexExpiring]), [], NOW + 3 * HOUR);
    expect(edited.decision.kind).toBe('edit');
    expect(decideNotification(edited.state, [], THRESHOLDS, NOW + 4 * HOUR).decision).toEqual({ kind: 'post', reason: 'repeat' });
  });

  it('all cleared while a message is up: resolve, and afterwards nothing', () => {
    const state = posted([expiring]);
    const resolved = carryOut(withAlerts(state, []), [], NOW + HOUR);
    expect(resolved.decision).toEqual({ kind: 'resolve' });
    expect(resolved.state).toMatchObject({ messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null });
    expect(decideNotification(resolved.state, [], THRESHOLDS, NOW + 2 * HOUR).decision).toEqual({ kind: 'none' });
  });

  it('a pending alert is tracked but not shown: alone it posts nothing', () => {
    const result = decideNotification(stateWith('t440', { alerts: [unreachablePending] }), [], THRESHOLDS, NOW);
    expect(result.decision).toEqual({ kind: 'none' });
    expect(result.shown).toEqual([]);
    // Beside a shown alert, it is left out of the message and the digest.
    const mixed = decideNotification(stateWith('t440', { alerts: [unreachablePending, expiring] }), [], THRESHOLDS, NOW);
    expect(mixed.shown).toEqual([expiring]);
    expect(mixed.severity).toBe('warning');
    expect(mixed.digest).not.toContain('node_unreachable');
  });

  it('when the pending alert turns real on the second check, it posts', () => {
    const real = { ...unreachablePending, pending: false };
    expect(decideNotification(stateWith('t440', { alerts: [real] }), [], THRESHOLDS, NOW + 5 * MINUTE).decision).toEqual({ kind: 'post', reason: 'new' });
  });

  it('silenced alerts are not shown: a node whose only alerts are silenced posts nothing', () => {
    const result = decideNotification(stateWith('t440', { alerts: [expiring, gateway] }), [silence('t440', NOW + 2 * HOUR)], THRESHOLDS, NOW);
    expect(result.decision).toEqual({ kind: 'none' });
    expect(result.shown).toEqual([]);
  });

  it('silencing a node whose message is up resolves it', () => {
    const state = posted([expiring]);
    expect(decideNotification(state, [silence('t440', NOW + 2 * HOUR)], THRESHOLDS, NOW + MINUTE).decision).toEqual({ kind: 'resolve' });
  });

  it('a silence of node/profile silences only that profile', () => {
    const state = stateWith('t440', { alerts: [expiring, codexExpiring, gateway] });
    const result = decideNotification(state, [silence(`t440/${ANTHROPIC}`, NOW + 2 * HOUR)], THRESHOLDS, NOW);
    expect(result.decision).toEqual({ kind: 'post', reason: 'new' });
    expect(result.shown.map((alert) => alert.key).sort()).toEqual([codexExpiring.key, gateway.key].sort());
  });

  it('a silence on another node does nothing here', () => {
    const result = decideNotification(stateWith('t440', { alerts: [expiring] }), [silence('pc-a', NOW + 2 * HOUR), silence(`pc-a/${ANTHROPIC}`, NOW + 2 * HOUR)], THRESHOLDS, NOW);
    expect(result.shown).toEqual([expiring]);
  });

  it('an expired silence does nothing', () => {
    const expired = [silence('t440', NOW - MINUTE), silence(`t440/${ANTHROPIC}`, NOW)];
    const result = decideNotification(stateWith('t440', { alerts: [expiring] }), expired, THRESHOLDS, NOW);
    expect(result.decision).toEqual({ kind: 'post', reason: 'new' });
    expect(result.shown).toEqual([expiring]);
  });

  it('when a silence ends, the still-active alert is posted', () => {
    const state = stateWith('t440', { alerts: [expiring] });
    const silences = [silence('t440', NOW + HOUR)];
    expect(decideNotification(state, silences, THRESHOLDS, NOW + HOUR - 1).decision).toEqual({ kind: 'none' });
    expect(decideNotification(state, silences, THRESHOLDS, NOW + HOUR).decision).toEqual({ kind: 'post', reason: 'new' });
  });

  it('the digest is keys and severities, in a stable order', () => {
    const a = decideNotification(stateWith('t440', { alerts: [expiring, gateway] }), [], THRESHOLDS, NOW).digest;
    const b = decideNotification(stateWith('t440', { alerts: [gateway, { ...expiring, summary: 'other text', since: NOW - HOUR }] }), [], THRESHOLDS, NOW).digest;
    expect(a).toBe(b);
    expect(a).toBe([`${expiring.key}:warning`, `${gateway.key}:warning`].sort().join('|'));
  });
});

describe('afterNotification', () => {
  const base = stateWith('t440', { alerts: [expiring], failedChecks: 0 });

  it('none: the state is unchanged', () => {
    expect(afterNotification(base, { kind: 'none' }, { severity: 'warning', digest: 'd' }, NOW)).toEqual(base);
  });

  it('post: message id, severity, digest and the time are recorded', () => {
    expect(afterNotification(base, { kind: 'post', reason: 'new' }, { messageId: 'm1', severity: 'warning', digest: 'd1' }, NOW)).toEqual({
      ...base,
      messageId: 'm1',
      notifiedSeverity: 'warning',
      lastNotifiedAt: NOW,
      notifiedDigest: 'd1',
    });
  });

  it('post without a message id keeps the previous one', () => {
    const shown = { ...base, messageId: 'm1', notifiedSeverity: 'warning' as const, lastNotifiedAt: NOW, notifiedDigest: 'd1' };
    const after = afterNotification(shown, { kind: 'post', reason: 'repeat' }, { severity: 'warning', digest: 'd1' }, NOW + 4 * HOUR);
    expect(after.messageId).toBe('m1');
    expect(after.lastNotifiedAt).toBe(NOW + 4 * HOUR);
  });

  it('edit: digest and severity follow, message and time do not', () => {
    const shown = { ...base, messageId: 'm1', notifiedSeverity: 'critical' as const, lastNotifiedAt: NOW, notifiedDigest: 'd1' };
    expect(afterNotification(shown, { kind: 'edit' }, { severity: 'warning', digest: 'd2' }, NOW + HOUR)).toEqual({ ...shown, notifiedSeverity: 'warning', notifiedDigest: 'd2' });
  });

  it('resolve: the message is forgotten; alerts and failed checks are kept', () => {
    const shown = { ...base, alerts: [], messageId: 'm1', notifiedSeverity: 'critical' as const, lastNotifiedAt: NOW, notifiedDigest: 'd1', failedChecks: 0 };
    expect(afterNotification(shown, { kind: 'resolve' }, { severity: null, digest: '' }, NOW + HOUR)).toEqual({ ...shown, messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null });
  });

  it('does not mutate its input', () => {
    const frozen = Object.freeze({ ...base });
    expect(() => afterNotification(frozen, { kind: 'post', reason: 'new' }, { messageId: 'm1', severity: 'warning', digest: 'd' }, NOW)).not.toThrow();
    expect(frozen.messageId).toBeNull();
  });
});

describe('nextNodeState', () => {
  const reachable = { name: 't440', reachable: true, unreadableStores: [], profiles: [], worst: 'ok' } as NodeView;
  const unreachable = { name: 't440', reachable: false, error: { kind: 'unreachable', message: 'x' }, unreadableStores: [], profiles: [], worst: 'unreachable' } as NodeView;

  it('counts failed checks in a row and resets on an answer', () => {
    let state = emptyNodeState('t440');
    state = nextNodeState(state, unreachable, [unreachablePending]);
    expect(state.failedChecks).toBe(1);
    state = nextNodeState(state, unreachable, [{ ...unreachablePending, pending: false }]);
    expect(state.failedChecks).toBe(2);
    state = nextNodeState(state, unreachable, [{ ...unreachablePending, pending: false }]);
    expect(state.failedChecks).toBe(3);
    state = nextNodeState(state, reachable, []);
    expect(state.failedChecks).toBe(0);
    state = nextNodeState(state, unreachable, [unreachablePending]);
    expect(state.failedChecks).toBe(1);
  });

  it('replaces the alerts and keeps what was notified', () => {
    const previous = stateWith('t440', { alerts: [gateway], messageId: 'm1', notifiedSeverity: 'warning', lastNotifiedAt: NOW, notifiedDigest: 'd' });
    expect(nextNodeState(previous, reachable, [expiring])).toEqual({ ...previous, alerts: [expiring], failedChecks: 0 });
  });
});

describe('isSilenced', () => {
  const nodeAlert = { node: 't440' };
  const profileAlert = { node: 't440', profileId: ANTHROPIC };

  it('a node silence covers every alert of the node, profile or not', () => {
    const silences = [silence('t440', NOW + HOUR)];
    expect(isSilenced(nodeAlert, silences, NOW)).toBe(true);
    expect(isSilenced(profileAlert, silences, NOW)).toBe(true);
  });

  it('a node/profile silence covers only that profile', () => {
    const silences = [silence(`t440/${ANTHROPIC}`, NOW + HOUR)];
    expect(isSilenced(profileAlert, silences, NOW)).toBe(true);
    expect(isSilenced({ node: 't440', profileId: CODEX }, silences, NOW)).toBe(false);
    expect(isSilenced(nodeAlert, silences, NOW)).toBe(false);
    expect(isSilenced({ node: 'pc-a', profileId: ANTHROPIC }, silences, NOW)).toBe(false);
  });

  it('a silence ends at its `until` (exclusive)', () => {
    const silences = [silence('t440', NOW + HOUR)];
    expect(isSilenced(nodeAlert, silences, NOW + HOUR - 1)).toBe(true);
    expect(isSilenced(nodeAlert, silences, NOW + HOUR)).toBe(false);
  });

  it('targets match exactly, not by prefix', () => {
    expect(isSilenced({ node: 't440' }, [silence('t44', NOW + HOUR)], NOW)).toBe(false);
    expect(isSilenced({ node: 't4' }, [silence('t440', NOW + HOUR)], NOW)).toBe(false);
    expect(isSilenced({ node: 't440', profileId: 'anthropic:default2' }, [silence(`t440/${ANTHROPIC}`, NOW + HOUR)], NOW)).toBe(false);
  });

  it('an alert about no profile is only silenced by its node: a target spelled "node/undefined" is no profile', () => {
    expect(isSilenced(nodeAlert, [silence('t440/undefined', NOW + HOUR)], NOW)).toBe(false);
  });

  it('no silences: nothing is silenced', () => {
    expect(isSilenced(profileAlert, [], NOW)).toBe(false);
  });
});

describe('criticalFirst: the order a burst goes out in', () => {
  it('critical items first, each part in the order given', () => {
    const items = [
      { id: 'a', severity: 'warning' },
      { id: 'b', severity: 'critical' },
      { id: 'c', severity: 'warning' },
      { id: 'd', severity: 'critical' },
    ] as const;
    expect(criticalFirst(items, isCritical).map((item) => item.id)).toEqual(['b', 'd', 'a', 'c']);
    expect(criticalFirst([], isCritical)).toEqual([]);
    expect(criticalFirst(items.slice(0, 1), isCritical).map((item) => item.id)).toEqual(['a']);
  });
});
