import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { OperationJournal } from '../../src/state/operation-journal.js';
import { openStateStore, type StateStore } from '../../src/state/state-store.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

/*
 * The operation journal on both state stores: entries of a live process are never anyone's
 * leftovers; once its heartbeat lapses they are, and striking one off is for good.
 */

let redis: RedisServer | undefined;
const stores: StateStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.stop();
});

const backends: Array<[string, () => Promise<StateStore>]> = [
  ['SQLite', async () => await openStateStore(`sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-journal-')), 'state.sqlite')}`)],
  ['Redis', async () => {
    redis ??= await startRedis();
    return await openStateStore(redis.url);
  }],
];

const actor = { via: 'discord' as const, id: '1', name: 'ops-alice' };

describe.each(backends)('on %s', (_name, open) => {
  test.skipIf(_name === 'Redis' && !redisAvailable())("a live process's entries are nobody's leftovers; a dead one's are, until struck off", async () => {
    const store = await open();
    stores.push(store);
    const namespace = `journal-${Math.random().toString(36).slice(2)}`;
    const crashed = new OperationJournal(store.namespace(namespace), { heartbeatMs: 100 });
    const survivor = new OperationJournal(store.namespace(namespace), { heartbeatMs: 100 });
    await crashed.start();
    await survivor.start();
    const id = await crashed.begin({ action: 'restart', target: 't440', nodes: ['t440'], actor, message: { channelId: 'c', messageId: 'm' } });
    await survivor.begin({ action: 'tokens sync', target: 'pc-a → t440', nodes: ['pc-a', 't440'], actor });
    // Both alive: nothing is left over, for either.
    expect(await survivor.leftovers()).toEqual([]);
    expect(await crashed.leftovers()).toEqual([]);

    // The crashed process stops beating (as SIGKILL would stop it: no goodbye).
    (crashed as unknown as { heartbeat: NodeJS.Timeout }).heartbeat.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const left = await survivor.leftovers();
    expect(left).toEqual([expect.objectContaining({ id, action: 'restart', target: 't440', nodes: ['t440'], owner: crashed.owner, actor })]);
    await survivor.end(id);
    expect(await survivor.leftovers()).toEqual([]);
    await survivor.stop();
  });

  test.skipIf(_name === 'Redis' && !redisAvailable())('around() strikes the entry off however the work ends', async () => {
    const store = await open();
    stores.push(store);
    const namespace = `journal-${Math.random().toString(36).slice(2)}`;
    const journal = new OperationJournal(store.namespace(namespace), { heartbeatMs: 100 });
    const observer = new OperationJournal(store.namespace(namespace), { heartbeatMs: 100 });
    await journal.start();
    await expect(journal.around({ action: 'restart', target: 't440', nodes: ['t440'], actor }, async () => {
      throw new Error('agent gone');
    })).rejects.toThrow('agent gone');
    expect(await journal.around({ action: 'restart', target: 't440', nodes: ['t440'], actor }, async () => 'done')).toBe('done');
    await journal.stop();
    // Past three beats its heartbeat has lapsed: anything it had left would now be a leftover; nothing is.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await observer.leftovers()).toEqual([]);
  });
});
