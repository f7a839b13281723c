import { describe, expect, it } from 'vitest';
import { MemoryNodeLockStore, type LockRecord } from '../../../src/state/node-lock-store.js';

/*
 * The lease rules every node-lock store keeps (issue 17), on the in-memory one with a clock
 * of the test's own: a lease lapses at its expiry exactly; only its token renews or frees it;
 * a holder whose lease lapsed can never extend or free the next one's.
 */

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const record = (token: string): LockRecord => ({ token, operation: 'restart', by: 'alice', sinceMs: T0, owner: 'replica-1' });

function store() {
  const clock = { now: T0 };
  return { clock, locks: new MemoryNodeLockStore(() => clock.now) };
}

describe('MemoryNodeLockStore', () => {
  it('is not shared: only this process sees it', () => {
    expect(new MemoryNodeLockStore().shared).toBe(false);
  });

  it('a lease is held until its expiry and lapses at it exactly', async () => {
    const { clock, locks } = store();
    expect(await locks.take('t440', record('a'), 1000)).toBeNull();
    clock.now = T0 + 999;
    expect(await locks.holder('t440')).toEqual(record('a'));
    expect(await locks.take('t440', record('b'), 1000)).toEqual(record('a'));
    clock.now = T0 + 1000;
    expect(await locks.holder('t440')).toBeUndefined();
    expect(await locks.take('t440', record('b'), 1000)).toBeNull();
    expect(await locks.holder('t440')).toEqual(record('b'));
  });

  it('taking again with the same token is the same holder: it succeeds and pushes the lease back', async () => {
    const { clock, locks } = store();
    await locks.take('t440', record('a'), 1000);
    clock.now = T0 + 900;
    expect(await locks.take('t440', record('a'), 1000)).toBeNull();
    clock.now = T0 + 1500;
    expect(await locks.holder('t440')).toEqual(record('a'));
  });

  it('renew pushes the lease back by the given time, from now, for its own token only', async () => {
    const { clock, locks } = store();
    await locks.take('t440', record('a'), 1000);
    clock.now = T0 + 800;
    expect(await locks.renew('t440', 'b', 1000)).toBe(false);
    expect(await locks.renew('t440', 'a', 1000)).toBe(true);
    clock.now = T0 + 1799;
    expect(await locks.holder('t440')).toEqual(record('a'));
    clock.now = T0 + 1800;
    expect(await locks.holder('t440')).toBeUndefined();
  });

  it('a lapsed lease cannot be renewed, even by its own token, nor a free node', async () => {
    const { clock, locks } = store();
    await locks.take('t440', record('a'), 1000);
    clock.now = T0 + 1000;
    expect(await locks.renew('t440', 'a', 1000)).toBe(false);
    expect(await locks.holder('t440')).toBeUndefined();
    expect(await locks.renew('pc-a', 'a', 1000)).toBe(false);
  });

  it("release frees the node for its own token only; a lapsed holder's release leaves the next holder be", async () => {
    const { clock, locks } = store();
    await locks.take('t440', record('a'), 1000);
    await locks.release('t440', 'b');
    expect(await locks.holder('t440')).toEqual(record('a'));
    await locks.release('t440', 'a');
    expect(await locks.holder('t440')).toBeUndefined();

    await locks.take('t440', record('a'), 1000);
    clock.now = T0 + 1000;
    await locks.take('t440', record('b'), 1000);
    await locks.release('t440', 'a');
    expect(await locks.holder('t440')).toEqual(record('b'));
    await locks.release('pc-a', 'a');
  });

  it('nodes are apart', async () => {
    const { locks } = store();
    await locks.take('t440', record('a'), 1000);
    expect(await locks.take('pc-a', record('b'), 1000)).toBeNull();
    expect(await locks.holder('pc-a')).toEqual(record('b'));
    await locks.close();
  });
});
