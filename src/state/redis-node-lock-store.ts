import type { Redis } from 'ioredis';
import { ioredis } from './ioredis.js';
import { lockRecordSchema, type LockRecord, type NodeLockStore } from './node-lock-store.js';

/*
 * Node locks in the Redis the bot replicas share (and the CLI, through TOKENOPS_STATE):
 * `SET tokenops:lock:<node> <record> NX PX ttl` to take, scripts that compare the whole
 * stored record before extending or deleting it, as the leader lease does.
 */

const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const KEY = (node: string) => `tokenops:lock:${node}`;

export class RedisNodeLockStore implements NodeLockStore {
  readonly shared = true;
  private readonly redis: Redis;
  /** What this process stored, by node: the value its compares need. */
  private readonly mine = new Map<string, { token: string; value: string }>();

  constructor(url: string) {
    this.redis = new (ioredis().Redis)(url, { commandTimeout: 2_000, maxRetriesPerRequest: 1, connectionName: 'tokenops-node-locks', lazyConnect: false });
    // Errors surface on the command that failed; the connection's own are not fatal.
    this.redis.on('error', () => undefined);
  }

  private parse(value: string | null): LockRecord | undefined {
    if (value === null) return undefined;
    try {
      return lockRecordSchema.parse(JSON.parse(value));
    } catch {
      return { token: 'unreadable', operation: 'an operation', by: 'unknown', sinceMs: Date.now(), owner: 'unknown' };
    }
  }

  async take(node: string, record: LockRecord, ttlMs: number): Promise<LockRecord | null> {
    const value = JSON.stringify(record);
    // Twice at most: a holder gone between our SET and our GET is not reported as holding it.
    for (let attempt = 0; attempt < 2; attempt++) {
      if ((await this.redis.set(KEY(node), value, 'PX', ttlMs, 'NX')) === 'OK') {
        this.mine.set(node, { token: record.token, value });
        return null;
      }
      const holder = this.parse(await this.redis.get(KEY(node)));
      if (holder) return holder;
    }
    return { token: 'unknown', operation: 'an operation', by: 'unknown', sinceMs: Date.now(), owner: 'unknown' };
  }

  async renew(node: string, token: string, ttlMs: number): Promise<boolean> {
    const mine = this.mine.get(node);
    if (mine?.token !== token) return false;
    return Number(await this.redis.eval(RENEW_SCRIPT, 1, KEY(node), mine.value, ttlMs)) === 1;
  }

  async release(node: string, token: string): Promise<void> {
    const mine = this.mine.get(node);
    if (mine?.token !== token) return;
    this.mine.delete(node);
    await this.redis.eval(RELEASE_SCRIPT, 1, KEY(node), mine.value);
  }

  async holder(node: string): Promise<LockRecord | undefined> {
    return this.parse(await this.redis.get(KEY(node)));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
