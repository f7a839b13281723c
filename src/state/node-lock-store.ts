import { z } from 'zod';

/*
 * Where node locks live, so that every process that changes a node agrees on who holds it:
 * the bot's replicas and the CLI. A lock is a record under the node's name with a token
 * only its holder knows and an expiry the holder keeps pushing back while it works (a lease):
 * a holder that dies stops renewing, and its lock lapses on its own. Taking is atomic
 * (Redis `SET NX PX`; SQLite an immediate transaction); renewing and releasing compare the
 * token first, so a holder whose lease lapsed can never extend or free the next one's.
 */

export const lockRecordSchema = z.object({
  /** Known only to the holder: the compare in compare-and-renew / compare-and-delete. */
  token: z.string(),
  operation: z.string(),
  by: z.string(),
  sinceMs: z.number(),
  /** The process holding it (bot replica or CLI run), for a person reading a refusal. */
  owner: z.string(),
});
export type LockRecord = z.infer<typeof lockRecordSchema>;

export interface NodeLockStore {
  /** Whether other processes can hold locks here too (then a waiter must look again, not only wait to be woken). */
  readonly shared: boolean;
  /** Takes the node's lock for `ttlMs`; null when taken, else the record that holds it. */
  take(node: string, record: LockRecord, ttlMs: number): Promise<LockRecord | null>;
  /** Pushes the lease back by `ttlMs`; false when it is no longer this token's (it lapsed, and may be another's). */
  renew(node: string, token: string, ttlMs: number): Promise<boolean>;
  /** Frees the node if `token` still holds it. */
  release(node: string, token: string): Promise<void>;
  /** The live holder, if any. */
  holder(node: string): Promise<LockRecord | undefined>;
  close(): Promise<void>;
}

/** Locks for one process only (tests, and a CLI run or bot with no shared state). */
export class MemoryNodeLockStore implements NodeLockStore {
  readonly shared: boolean = false;
  private readonly held = new Map<string, { record: LockRecord; expiresAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(node: string): LockRecord | undefined {
    const entry = this.held.get(node);
    if (entry && entry.expiresAtMs <= this.now()) this.held.delete(node);
    return this.held.get(node)?.record;
  }

  async take(node: string, record: LockRecord, ttlMs: number): Promise<LockRecord | null> {
    const holder = this.live(node);
    if (holder && holder.token !== record.token) return holder;
    this.held.set(node, { record, expiresAtMs: this.now() + ttlMs });
    return null;
  }

  async renew(node: string, token: string, ttlMs: number): Promise<boolean> {
    const holder = this.live(node);
    if (holder?.token !== token) return false;
    this.held.set(node, { record: holder, expiresAtMs: this.now() + ttlMs });
    return true;
  }

  async release(node: string, token: string): Promise<void> {
    if (this.live(node)?.token === token) this.held.delete(node);
  }

  async holder(node: string): Promise<LockRecord | undefined> {
    return this.live(node);
  }

  async close(): Promise<void> {}
}
