import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeLocks } from '../../src/fleet/node-locks.js';
import { OperationRefusedError } from '../../src/fleet/operation-refused.js';
import type { NodeLockStore } from '../../src/state/node-lock-store.js';
import { RedisNodeLockStore } from '../../src/state/redis-node-lock-store.js';
import { SqliteNodeLockStore } from '../../src/state/sqlite-node-lock-store.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

/*
 * Node locks shared by processes, on the real stores: two SQLite connections to one state
 * file (a bot and a CLI run on one machine), two Redis clients (two replicas). Each side is
 * its own NodeLocks over its own connection, as two processes would be.
 */

const TTL_MS = 600;
const hasRedis = redisAvailable();
let redis: RedisServer | undefined;
const opened: NodeLockStore[] = [];

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});

afterAll(async () => {
  for (const store of opened) await store.close();
  await redis?.stop();
});

const backends: Array<[string, () => NodeLockStore]> = [
  [
    'SQLite (one state file)',
    (() => {
      let file: string | undefined;
      return () => {
        file ??= path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-locks-')), 'state.sqlite');
        const store = new SqliteNodeLockStore(file);
        opened.push(store);
        return store;
      };
    })(),
  ],
  [
    'Redis',
    () => {
      const store = new RedisNodeLockStore(redis!.url);
      opened.push(store);
      return store;
    },
  ],
];

describe.each(backends)('%s', (name, open) => {
  const skip = name === 'Redis' && !hasRedis;
  const pair = () => [new NodeLocks(open(), { owner: 'bot-a', ttlMs: TTL_MS, pollMs: 50 }), new NodeLocks(open(), { owner: 'cli-b', ttlMs: TTL_MS, pollMs: 50 })] as const;

  test.skipIf(skip)('a node held by one process is refused to the other, naming the holder; released, it is the other\'s', async () => {
    const [bot, cli] = pair();
    const release = await bot.tryAcquire('t440-a', "restart (alice's plan)", 'alice');
    const refusal = await cli.tryAcquire('t440-a', 'tokens sync', 'bob').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OperationRefusedError);
    expect((refusal as Error).message).toMatch(/^t440-a is busy: restart \(alice's plan\) by alice, started <t:\d+:R>/);
    expect((await cli.holder('t440-a'))?.by).toBe('alice');
    await release();
    const mine = await cli.tryAcquire('t440-a', 'tokens sync', 'bob');
    expect((await bot.holder('t440-a'))?.by).toBe('bob');
    await mine();
    expect(await bot.holder('t440-a')).toBeUndefined();
  });

  test.skipIf(skip)('a lock held longer than its lease is renewed: still refused to the other after 3 leases', async () => {
    const [bot, cli] = pair();
    const release = await bot.tryAcquire('t440-b', 'restart', 'alice');
    await sleep(3 * TTL_MS);
    await expect(cli.tryAcquire('t440-b', 'capacity change', 'bob')).rejects.toThrow(/busy: restart by alice/);
    await release();
  });

  test.skipIf(skip)("a holder that dies stops renewing: its lock lapses within the lease and a waiter gets the node", async () => {
    const dead = open();
    // A process that took the lock and died: nothing renews it.
    expect(await dead.take('t440-c', { token: 'dead', operation: 'restart', by: 'alice', sinceMs: Date.now(), owner: 'gone' }, TTL_MS)).toBeNull();
    const [, cli] = pair();
    await expect(cli.tryAcquire('t440-c', 'tokens sync', 'bob')).rejects.toThrow(/busy/);
    const started = Date.now();
    const release = await cli.acquire('t440-c', 'tokens sync', 'bob', 5_000);
    expect(Date.now() - started).toBeLessThan(TTL_MS + 500);
    // The dead holder's late release (compare-and-delete) does not free the new holder's lock.
    await dead.release('t440-c', 'dead');
    expect((await cli.holder('t440-c'))?.by).toBe('bob');
    await release();
  });

  test.skipIf(skip)('two processes racing for one free node: exactly one wins, every time', async () => {
    const [bot, cli] = pair();
    for (let round = 0; round < 20; round++) {
      const node = `race-${round}`;
      const outcomes = await Promise.allSettled([bot.tryAcquire(node, 'restart', 'alice'), cli.tryAcquire(node, 'tokens sync', 'bob')]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'fulfilled') await outcome.value();
    }
  });
});
