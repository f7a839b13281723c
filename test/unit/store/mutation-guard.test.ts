import { describe, expect, it, vi } from 'vitest';
import { BusyError, MutationGuard } from '../../../src/agent/mutation-guard.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('MutationGuard', () => {
  it('runs an operation and returns its result', async () => {
    const guard = new MutationGuard();
    expect(guard.running).toBeNull();
    await expect(guard.run('sync', async () => 42)).resolves.toBe(42);
    expect(guard.running).toBeNull();
  });

  it('refuses a second operation while the first runs, naming the first, without starting it', async () => {
    const guard = new MutationGuard();
    const gate = deferred<string>();
    const before = Date.now();
    const first = guard.run('restart gateway', () => gate.promise);
    expect(guard.running?.name).toBe('restart gateway');
    const second = vi.fn(async () => 'never');
    const error = await guard.run('sync into t440', second).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BusyError);
    const busy = error as BusyError;
    expect(busy.running).toBe('restart gateway');
    expect(busy.message).toContain('restart gateway');
    expect(busy.message).not.toContain('sync into t440');
    expect(busy.since.getTime()).toBeGreaterThanOrEqual(before);
    expect(busy.since.getTime()).toBeLessThanOrEqual(Date.now());
    expect(busy.message).toContain(busy.since.toISOString());
    expect(second).not.toHaveBeenCalled();
    // The refusal does not disturb the first.
    expect(guard.running?.name).toBe('restart gateway');
    gate.resolve('restarted');
    await expect(first).resolves.toBe('restarted');
  });

  it('refuses many at once, all naming the one that runs', async () => {
    const guard = new MutationGuard();
    const gate = deferred();
    const first = guard.run('refresh', () => gate.promise);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => guard.run(`op ${i}`, async () => i)));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') expect((result.reason as BusyError).running).toBe('refresh');
    }
    gate.resolve();
    await first;
  });

  it('runs a new operation once the first has finished', async () => {
    const guard = new MutationGuard();
    const gate = deferred();
    const first = guard.run('first', () => gate.promise);
    gate.resolve();
    await first;
    expect(guard.running).toBeNull();
    await expect(guard.run('second', async () => 'ok')).resolves.toBe('ok');
  });

  it('runs a new operation once the first has failed, and passes the failure on', async () => {
    const guard = new MutationGuard();
    const gate = deferred();
    const first = guard.run('first', () => gate.promise);
    gate.reject(new Error('restart failed'));
    await expect(first).rejects.toThrow('restart failed');
    expect(guard.running).toBeNull();
    await expect(guard.run('second', async () => 'ok')).resolves.toBe('ok');
  });

  it('is freed by an operation that throws synchronously', async () => {
    const guard = new MutationGuard();
    await expect(
      guard.run('sync-throw', () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    expect(guard.running).toBeNull();
    await expect(guard.run('next', async () => 1)).resolves.toBe(1);
  });

  it('two guards are independent', async () => {
    const a = new MutationGuard();
    const b = new MutationGuard();
    const gate = deferred();
    const first = a.run('on a', () => gate.promise);
    await expect(b.run('on b', async () => 'b')).resolves.toBe('b');
    gate.resolve();
    await first;
  });
});
