import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeLocks } from '../../../src/fleet/node-locks.js';
import { OperationRefusedError } from '../../../src/fleet/operation-refused.js';
import { MemoryNodeLockStore, type LockRecord } from '../../../src/state/node-lock-store.js';

const T0 = Date.UTC(2026, 1, 14, 9, 0, 0);

async function refusal(fn: () => Promise<unknown>): Promise<OperationRefusedError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OperationRefusedError);
    return error as OperationRefusedError;
  }
  throw new Error('expected a refusal');
}

describe('NodeLocks.tryAcquire', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records the holder and refuses a second one, naming node, operation, who and since when', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'restart', 'alice');
    expect((await locks.holder('t440'))).toEqual({ operation: 'restart', by: 'alice', since: new Date(T0) });
    vi.advanceTimersByTime(90_000);
    const error = await refusal(() => locks.tryAcquire('t440', 'tokens sync', 'bob'));
    expect(error.name).toBe('OperationRefusedError');
    expect(error.message).toContain('t440');
    expect(error.message).toContain('restart');
    expect(error.message).toContain('alice');
    // When the holder started, as a Discord relative timestamp (seconds).
    expect(error.message).toContain(`<t:${T0 / 1000}:R>`);
    expect(error.message).not.toContain('bob');
    // The refusal changed nothing.
    expect((await locks.holder('t440'))?.by).toBe('alice');
  });

  it('locks nodes independently', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'restart', 'alice');
    await expect(locks.tryAcquire('pc-a', 'tokens sync', 'bob')).resolves.toBeTypeOf('function');
    expect((await locks.holder('pc-a'))?.operation).toBe('tokens sync');
  });

  it('release frees the node; a second release is harmless and does not free a later holder', async () => {
    const locks = new NodeLocks();
    const release = await locks.tryAcquire('t440', 'restart', 'alice');
    await release();
    expect((await locks.holder('t440'))).toBeUndefined();
    const releaseBob = await locks.tryAcquire('t440', 'tokens sync', 'bob');
    await release();
    expect((await locks.holder('t440'))?.by).toBe('bob');
    await expect(locks.tryAcquire('t440', 'capacity', 'carol')).rejects.toThrow(OperationRefusedError);
    await releaseBob();
    await releaseBob();
    expect((await locks.holder('t440'))).toBeUndefined();
  });
});

describe('NodeLocks.acquire', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes a free node at once, without a timer', async () => {
    const locks = new NodeLocks();
    const release = await locks.acquire('t440', 'periodic sync', 'scheduler', 10_000);
    expect((await locks.holder('t440'))?.by).toBe('scheduler');
    expect(vi.getTimerCount()).toBe(0);
    await release();
  });

  it('waits for the holder to release, then holds the node itself', async () => {
    const locks = new NodeLocks();
    const releaseAlice = await locks.tryAcquire('t440', 'restart', 'alice');
    let acquired = false;
    const waiting = locks.acquire('t440', 'periodic sync', 'scheduler', 60_000).then((release) => {
      acquired = true;
      return release;
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(acquired).toBe(false);
    await releaseAlice();
    const release = await waiting;
    expect(acquired).toBe(true);
    expect((await locks.holder('t440'))).toMatchObject({ operation: 'periodic sync', by: 'scheduler' });
    // The waiter's timeout timer was cleared when it was woken.
    expect(vi.getTimerCount()).toBe(0);
    await release();
    expect((await locks.holder('t440'))).toBeUndefined();
  });

  it('serves waiters in arrival order, one at a time', async () => {
    const locks = new NodeLocks();
    const first = await locks.tryAcquire('t440', 'restart', 'alice');
    const order: string[] = [];
    const releases = new Map<string, () => Promise<void>>();
    const waiters = ['w1', 'w2', 'w3'].map((who) =>
      locks.acquire('t440', 'sync', who, 60_000).then((release) => {
        order.push(who);
        releases.set(who, release);
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(order).toEqual([]);
    await first();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['w1']);
    expect((await locks.holder('t440'))?.by).toBe('w1');
    await releases.get('w1')?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['w1', 'w2']);
    await releases.get('w2')?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['w1', 'w2', 'w3']);
    await releases.get('w3')?.();
    await Promise.all(waiters);
    expect((await locks.holder('t440'))).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out into the same refusal, naming the holder, and leaves no timer behind', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'restart', 'alice');
    const outcome = locks.acquire('t440', 'periodic sync', 'scheduler', 5_000).then(
      () => 'acquired',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(OperationRefusedError);
    expect((error as Error).message).toContain('t440');
    expect((error as Error).message).toContain('restart');
    expect((error as Error).message).toContain('alice');
    expect((error as Error).message).toMatch(/<t:\d+:R>/);
    expect(vi.getTimerCount()).toBe(0);
    expect((await locks.holder('t440'))?.by).toBe('alice');
  });

  it('a zero timeout on a held node is an immediate refusal', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'restart', 'alice');
    await expect(locks.acquire('t440', 'sync', 'scheduler', 0)).rejects.toBeInstanceOf(OperationRefusedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a timed-out waiter leaves the queue: the next release goes to a live waiter', async () => {
    const locks = new NodeLocks();
    const releaseAlice = await locks.tryAcquire('t440', 'restart', 'alice');
    const impatient = locks.acquire('t440', 'sync', 'impatient', 1_000).catch((error: unknown) => error);
    const patient = locks.acquire('t440', 'sync', 'patient', 60_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await impatient).toBeInstanceOf(OperationRefusedError);
    expect(vi.getTimerCount()).toBe(1);
    await releaseAlice();
    const release = await patient;
    expect((await locks.holder('t440'))?.by).toBe('patient');
    expect(vi.getTimerCount()).toBe(0);
    await release();
  });

  it('many waiters that all get the lock leave no timers pending', async () => {
    const locks = new NodeLocks();
    let release = await locks.tryAcquire('t440', 'restart', 'alice');
    const waiters = Array.from({ length: 20 }, (_, index) => locks.acquire('t440', 'sync', `w${index}`, 60_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(20); // one timeout per waiter while they wait
    for (const waiter of waiters) {
      await release();
      release = await waiter;
    }
    await release();
    expect(vi.getTimerCount()).toBe(0);
    expect((await locks.holder('t440'))).toBeUndefined();
  });

  it('a waiter that loses the race to a tryAcquire keeps waiting and still gets the node', async () => {
    const locks = new NodeLocks();
    const releaseAlice = await locks.tryAcquire('t440', 'restart', 'alice');
    const waiting = locks.acquire('t440', 'sync', 'scheduler', 60_000);
    await vi.advanceTimersByTimeAsync(0);
    // Alice lets go, and before the woken waiter runs, a command grabs the node.
    const released = releaseAlice();
    const releaseBob = await locks.tryAcquire('t440', 'capacity', 'bob');
    await released;
    await vi.advanceTimersByTimeAsync(0);
    expect((await locks.holder('t440'))?.by).toBe('bob');
    await releaseBob();
    const release = await waiting;
    expect((await locks.holder('t440'))?.by).toBe('scheduler');
    await release();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('NodeLocks with real timers', () => {
  it('a short real timeout refuses and the process is not held open', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'restart', 'alice');
    const started = Date.now();
    await expect(locks.acquire('t440', 'sync', 'scheduler', 30)).rejects.toThrow(/t440.*restart.*alice/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('NodeLocks.tryAcquireAll (a rolling restart holds every node from the plan on)', () => {
  it('takes every node, and one release frees them all', async () => {
    const locks = new NodeLocks();
    const release = await locks.tryAcquireAll(['pc-a', 't440'], 'restart', 'alice');
    expect([(await locks.holder('pc-a'))?.by, (await locks.holder('t440'))?.by]).toEqual(['alice', 'alice']);
    await release();
    expect([(await locks.holder('pc-a')), (await locks.holder('t440'))]).toEqual([undefined, undefined]);
  });

  it('one busy node: refused, and the nodes taken before it are let go', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire('t440', 'tokens sync', 'bob');
    const error = await refusal(() => locks.tryAcquireAll(['pc-a', 't440', 'solo'], 'restart', 'alice'));
    expect(error.message).toMatch(/^t440 is busy: tokens sync by bob/);
    expect((await locks.holder('pc-a'))).toBeUndefined();
    expect((await locks.holder('solo'))).toBeUndefined();
    expect((await locks.holder('t440'))?.by).toBe('bob');
  });
});

/** A lease store as other processes share it (Redis, SQLite), here in memory on the fake clock. */
class SharedMemoryStore extends MemoryNodeLockStore {
  override readonly shared = true;
  takes = 0;
  renewals = 0;
  renewAnswer: (() => Promise<boolean>) | null = null;

  constructor() {
    super(() => Date.now());
  }

  override async take(node: string, record: LockRecord, ttlMs: number): Promise<LockRecord | null> {
    this.takes++;
    return super.take(node, record, ttlMs);
  }

  override async renew(node: string, token: string, ttlMs: number): Promise<boolean> {
    this.renewals++;
    return this.renewAnswer ? this.renewAnswer() : super.renew(node, token, ttlMs);
  }
}

describe('NodeLocks on a shared store: leases (issue 17)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a held lock is renewed every third of its lease, so it outlives the lease while held; release stops that', async () => {
    const store = new SharedMemoryStore();
    const locks = new NodeLocks(store, { ttlMs: 3000 });
    const release = await locks.tryAcquire('t440', 'restart', 'alice');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.renewals).toBe(10);
    expect((await store.holder('t440'))?.operation).toBe('restart');
    await release();
    expect(await store.holder('t440')).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the lease is 15 s unless told, renewed every 5 s; never more often than every 50 ms', async () => {
    const store = new SharedMemoryStore();
    const release = await new NodeLocks(store).tryAcquire('t440', 'restart', 'alice');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(store.renewals).toBe(3);
    await release();
    const quick = new SharedMemoryStore();
    const releaseQuick = await new NodeLocks(quick, { ttlMs: 60 }).tryAcquire('t440', 'restart', 'alice');
    await vi.advanceTimersByTimeAsync(200);
    expect(quick.renewals).toBe(4);
    await releaseQuick();
  });

  it('a lock only this process sees is never renewed: it cannot lapse', async () => {
    const store = new MemoryNodeLockStore();
    const release = await new NodeLocks(store).tryAcquire('t440', 'restart', 'alice');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect((await store.holder('t440'))?.operation).toBe('restart');
    await release();
  });

  it('a renewal that finds the lock gone, or fails, is told, with why', async () => {
    const lost: Array<[string, string]> = [];
    const store = new SharedMemoryStore();
    const locks = new NodeLocks(store, { ttlMs: 3000, onLost: (node, reason) => lost.push([node, reason]) });
    const release = await locks.tryAcquire('t440', 'restart', 'alice');
    store.renewAnswer = async () => false;
    await vi.advanceTimersByTimeAsync(1000);
    store.renewAnswer = async () => {
      throw new Error('redis is down');
    };
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost).toEqual([
      ['t440', 'the lock was no longer ours at renewal'],
      ['t440', 'renewal failed: redis is down'],
    ]);
    await release();
  });

  it('a renewal that succeeds tells nothing', async () => {
    const lost: string[] = [];
    const release = await new NodeLocks(new SharedMemoryStore(), { ttlMs: 3000, onLost: (_node, reason) => lost.push(reason) }).tryAcquire('t440', 'restart', 'alice');
    await vi.advanceTimersByTimeAsync(5000);
    expect(lost).toEqual([]);
    await release();
  });

  it('a waiter looks again every 250 ms for a holder in another process (who cannot wake it), until its time is up', async () => {
    const store = new SharedMemoryStore();
    const other = new NodeLocks(store, { ttlMs: 60_000 });
    const releaseOther = await other.tryAcquire('t440', 'sync', 'bob');
    const mine = new NodeLocks(store, { ttlMs: 60_000 });
    const takesBefore = store.takes;
    let got = false;
    const waiting = mine.acquire('t440', 'restart', 'alice', 10_000).then((release) => {
      got = true;
      return release;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    // Asked at once, then every 250 ms: 5 times in the first second.
    expect(store.takes - takesBefore).toBe(5);
    // The other process lets go without waking us (as another process would); we see it at the next look.
    await store.release('t440', (await store.holder('t440'))!.token);
    await vi.advanceTimersByTimeAsync(249);
    expect(got).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toBe(true);
    await (await waiting)();
    await releaseOther();
  });

  it('the process named as owner is the one recorded on the lock', async () => {
    const store = new SharedMemoryStore();
    const locks = new NodeLocks(store, { owner: 'replica-2' });
    expect(locks.owner).toBe('replica-2');
    const release = await locks.tryAcquire('t440', 'restart', 'alice');
    expect((await store.holder('t440'))?.owner).toBe('replica-2');
    await release();
    expect(new NodeLocks(store).owner).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('without anyone to tell, a failed renewal is dropped quietly (no unhandled rejection)', async () => {
    const store = new SharedMemoryStore();
    const release = await new NodeLocks(store, { ttlMs: 3000 }).tryAcquire('t440', 'restart', 'alice');
    store.renewAnswer = async () => false;
    await vi.advanceTimersByTimeAsync(1000);
    store.renewAnswer = async () => {
      throw new Error('redis is down');
    };
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.renewals).toBe(2);
    await release();
  });

  it('a release called twice wakes one waiter, not two', async () => {
    const store = new SharedMemoryStore();
    const locks = new NodeLocks(store, { ttlMs: 60_000, pollMs: 60_000 });
    const release = await locks.tryAcquire('t440', 'restart', 'alice');
    const first = locks.acquire('t440', 'sync', 'bob', 120_000);
    const second = locks.acquire('t440', 'sync', 'carol', 120_000);
    await vi.advanceTimersByTimeAsync(0);
    const takesBefore = store.takes;
    await release();
    await release();
    await vi.advanceTimersByTimeAsync(0);
    // The first waiter takes it; the second was not woken to be refused again.
    expect(store.takes - takesBefore).toBe(1);
    await (await first)();
    await (await second)();
  });
});

