import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { emptyNodeState, type NodeAlertState, type Silence } from '../../../src/domain/alerts.js';
import { AlertStore } from '../../../src/state/alert-store.js';
import { alertOf, ANTHROPIC, HOUR, MINUTE, NOW } from './alert-fixtures.js';

/* AlertStore over an in-memory keyv: what survives a bot restart, and what a bad value becomes. */

function silence(target: string, until: number, id = `s-${target}`): Silence {
  return { id, target, until, by: 'ops#1', createdAt: NOW };
}

const SAVED: NodeAlertState = {
  node: 't440',
  alerts: [alertOf('t440', { condition: 'token_expiring', profileId: ANTHROPIC, severity: 'critical', since: NOW - HOUR }), alertOf('t440', { condition: 'node_unreachable', severity: 'critical', pending: true })],
  messageId: '1234567890',
  notifiedSeverity: 'critical',
  lastNotifiedAt: NOW - 30 * MINUTE,
  notifiedDigest: `t440/token_expiring/${ANTHROPIC}:critical`,
  failedChecks: 1,
};

describe('AlertStore: node state', () => {
  it('a node never seen has the empty state', async () => {
    const store = new AlertStore(new Keyv());
    expect(await store.node('t440')).toEqual(emptyNodeState('t440'));
    expect(emptyNodeState('t440')).toEqual({ node: 't440', alerts: [], messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null, failedChecks: 0 });
  });

  it('save then load gives the same state back', async () => {
    const store = new AlertStore(new Keyv());
    await store.saveNode(SAVED);
    expect(await store.node('t440')).toEqual(SAVED);
    // Per node: another node is untouched.
    expect(await store.node('pc-a')).toEqual(emptyNodeState('pc-a'));
  });

  it('a second AlertStore over the same keyv (a bot restart) sees what the first saved', async () => {
    const keyv = new Keyv();
    await new AlertStore(keyv).saveNode(SAVED);
    expect(await new AlertStore(keyv).node('t440')).toEqual(SAVED);
  });

  it('a later save replaces the earlier one', async () => {
    const store = new AlertStore(new Keyv());
    await store.saveNode(SAVED);
    const cleared = { ...SAVED, alerts: [], messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null, failedChecks: 0 };
    await store.saveNode(cleared);
    expect(await store.node('t440')).toEqual(cleared);
  });

  it.each([
    ['a string', 'not a state'],
    ['a number', 42],
    ['an object of the wrong shape', { node: 't440', alerts: 'none' }],
    ['an alert with an unknown condition', { ...SAVED, alerts: [{ ...SAVED.alerts[0], condition: 'sunspots' }] }],
    ['a negative failed-check count', { ...SAVED, failedChecks: -1 }],
  ])('a malformed stored value (%s) reads as the empty state', async (_label, value) => {
    const keyv = new Keyv();
    await keyv.set('node:t440', value);
    expect(await new AlertStore(keyv).node('t440')).toEqual(emptyNodeState('t440'));
  });

  it('an alert saved without `pending` (an older version) reads as not pending', async () => {
    const keyv = new Keyv();
    const { pending: _pending, ...older } = SAVED.alerts[0]!;
    await keyv.set('node:t440', { ...SAVED, alerts: [older] });
    const loaded = await new AlertStore(keyv).node('t440');
    expect(loaded.alerts).toEqual([{ ...older, pending: false }]);
  });
});

describe('AlertStore: silences', () => {
  it('none at first', async () => {
    expect(await new AlertStore(new Keyv()).silences(NOW)).toEqual([]);
  });

  it('added silences are listed', async () => {
    const store = new AlertStore(new Keyv());
    await store.addSilence(silence('t440', NOW + 2 * HOUR), NOW);
    await store.addSilence(silence(`pc-a/${ANTHROPIC}`, NOW + HOUR), NOW);
    expect(await store.silences(NOW)).toEqual([silence('t440', NOW + 2 * HOUR), silence(`pc-a/${ANTHROPIC}`, NOW + HOUR)]);
  });

  it('a silence on the same target replaces the earlier one', async () => {
    const store = new AlertStore(new Keyv());
    await store.addSilence(silence('t440', NOW + 2 * HOUR, 'first'), NOW);
    await store.addSilence(silence(`t440/${ANTHROPIC}`, NOW + 2 * HOUR, 'profile'), NOW);
    await store.addSilence(silence('t440', NOW + 30 * MINUTE, 'second'), NOW);
    const list = await store.silences(NOW);
    expect(list.map((entry) => entry.id).sort()).toEqual(['profile', 'second']);
    expect(list.find((entry) => entry.target === 't440')?.until).toBe(NOW + 30 * MINUTE);
  });

  it('the list drops expired silences (until is exclusive)', async () => {
    const store = new AlertStore(new Keyv());
    await store.addSilence(silence('t440', NOW + HOUR), NOW);
    await store.addSilence(silence('pc-a', NOW + 2 * HOUR), NOW);
    expect((await store.silences(NOW + HOUR - 1)).map((entry) => entry.target)).toEqual(['t440', 'pc-a']);
    expect((await store.silences(NOW + HOUR)).map((entry) => entry.target)).toEqual(['pc-a']);
    expect(await store.silences(NOW + 2 * HOUR)).toEqual([]);
  });

  it('remove says how many it removed, on exactly that target', async () => {
    const store = new AlertStore(new Keyv());
    await store.addSilence(silence('t440', NOW + HOUR), NOW);
    await store.addSilence(silence(`t440/${ANTHROPIC}`, NOW + HOUR), NOW);
    expect(await store.removeSilence('t440', NOW)).toBe(1);
    expect((await store.silences(NOW)).map((entry) => entry.target)).toEqual([`t440/${ANTHROPIC}`]);
    expect(await store.removeSilence('t440', NOW)).toBe(0);
    expect(await store.removeSilence('nowhere', NOW)).toBe(0);
    expect(await store.removeSilence(`t440/${ANTHROPIC}`, NOW)).toBe(1);
    expect(await store.silences(NOW)).toEqual([]);
  });

  it('an expired silence does not count as removed', async () => {
    const store = new AlertStore(new Keyv());
    await store.addSilence(silence('t440', NOW + HOUR), NOW);
    expect(await store.removeSilence('t440', NOW + 2 * HOUR)).toBe(0);
  });

  it('silences survive a restart (a new AlertStore over the same keyv)', async () => {
    const keyv = new Keyv();
    await new AlertStore(keyv).addSilence(silence('t440', NOW + HOUR), NOW);
    expect(await new AlertStore(keyv).silences(NOW)).toEqual([silence('t440', NOW + HOUR)]);
  });

  it('malformed stored silences are skipped, good ones kept', async () => {
    const keyv = new Keyv();
    await keyv.set('silences', [silence('t440', NOW + HOUR), { target: 'pc-a' }, 'junk', null]);
    expect(await new AlertStore(keyv).silences(NOW)).toEqual([silence('t440', NOW + HOUR)]);
    await keyv.set('silences', { not: 'a list' });
    expect(await new AlertStore(keyv).silences(NOW)).toEqual([]);
  });
});
