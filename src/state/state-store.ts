import { isRedisUrl, redisTarget } from './redis-url.js';
import { Keyv } from 'keyv';
import type { NodeLockStore } from './node-lock-store.js';
import { RedisNodeLockStore } from './redis-node-lock-store.js';
import { SqliteKeyvStore } from './sqlite-keyv-store.js';
import { SqliteNodeLockStore } from './sqlite-node-lock-store.js';

/**
 * The bot's state (audit log, alert state, pending confirmations, last-known status), one
 * keyv namespace each: a SQLite file by default, Redis when several replicas share state.
 */
export interface StateStore {
  namespace<T = unknown>(name: string): Keyv<T>;
  /** The node locks every process sharing this state takes (bot replicas, the CLI); one store per state, opened on first use. */
  nodeLocks(): NodeLockStore;
  /** Where the state lives, for logs (a Redis password is left out). */
  readonly location: string;
  close(): Promise<void>;
}

/** Async because a Redis state loads its client library here, on first use: a SQLite bot and the CLI never load it. */
export async function openStateStore(url: string): Promise<StateStore> {
  const opened: Keyv[] = [];
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    let locks: NodeLockStore | undefined;
    return {
      nodeLocks: () => (locks ??= new SqliteNodeLockStore(file)),
      location: `sqlite:${file}`,
      namespace<T>(name: string) {
        const keyv = new Keyv<T>({ store: new SqliteKeyvStore(file), namespace: name });
        opened.push(keyv as Keyv);
        return keyv;
      },
      close: async () => {
        await closeAll(opened);
        await locks?.close();
      },
    };
  }
  if (isRedisUrl(url)) {
    const { default: KeyvRedis } = await import('@keyv/redis');
    let locks: NodeLockStore | undefined;
    return {
      nodeLocks: () => (locks ??= new RedisNodeLockStore(url)),
      location: redisTarget(url).display,
      namespace<T>(name: string) {
        // KeyvRedis prefixes keys with the namespace itself.
        const keyv = new Keyv<T>(new KeyvRedis(url), { namespace: name, useKeyPrefix: false });
        opened.push(keyv as Keyv);
        return keyv;
      },
      close: async () => {
        await closeAll(opened);
        await locks?.close();
      },
    };
  }
  throw new Error(`TOKENOPS_STATE: expected sqlite://<path> or redis://host:port`);
}

async function closeAll(opened: Keyv[]): Promise<void> {
  await Promise.all(opened.map((keyv) => keyv.disconnect().catch(() => undefined)));
}
