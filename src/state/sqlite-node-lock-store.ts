import type Database from 'better-sqlite3';
import { openStateDatabase } from './state-database.js';
import { lockRecordSchema, type LockRecord, type NodeLockStore } from './node-lock-store.js';

/*
 * Node locks in the bot's SQLite state file, beside keyv's table: the bot and a CLI run on
 * the same machine share them through the database. A take is one IMMEDIATE transaction
 * (it holds SQLite's write lock from its first statement), so two processes cannot both
 * find the node free. Expiry times are this machine's clock, the one every sharer reads.
 */
export class SqliteNodeLockStore implements NodeLockStore {
  readonly shared = true;
  private readonly db: Database.Database;
  private readonly takeOnce: (node: string, record: LockRecord, ttlMs: number) => LockRecord | null;
  private readonly statements: {
    live: Database.Statement<[string, number], { holder: string }>;
    upsert: Database.Statement<[string, string, string, number]>;
    renew: Database.Statement<[number, string, string]>;
    release: Database.Statement<[string, string]>;
  };

  constructor(
    file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.db = openStateDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS node_locks (node TEXT PRIMARY KEY, token TEXT NOT NULL, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    this.statements = {
      live: this.db.prepare('SELECT holder FROM node_locks WHERE node = ? AND expires_at > ?'),
      upsert: this.db.prepare('INSERT INTO node_locks (node, token, holder, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(node) DO UPDATE SET token = excluded.token, holder = excluded.holder, expires_at = excluded.expires_at'),
      renew: this.db.prepare('UPDATE node_locks SET expires_at = ? WHERE node = ? AND token = ?'),
      release: this.db.prepare('DELETE FROM node_locks WHERE node = ? AND token = ?'),
    };
    const take = this.db.transaction((node: string, record: LockRecord, ttlMs: number): LockRecord | null => {
      const nowMs = this.now();
      const holder = this.read(node, nowMs);
      if (holder && holder.token !== record.token) return holder;
      this.statements.upsert.run(node, record.token, JSON.stringify(record), nowMs + ttlMs);
      return null;
    });
    this.takeOnce = (node, record, ttlMs) => take.immediate(node, record, ttlMs);
  }

  private read(node: string, nowMs: number): LockRecord | undefined {
    const row = this.statements.live.get(node, nowMs);
    if (!row) return undefined;
    const parsed = lockRecordSchema.safeParse(JSON.parse(row.holder));
    // A record this version cannot read still holds the node: never taken for free.
    return parsed.success ? parsed.data : { token: 'unreadable', operation: 'an operation', by: 'unknown', sinceMs: nowMs, owner: 'unknown' };
  }

  async take(node: string, record: LockRecord, ttlMs: number): Promise<LockRecord | null> {
    return this.takeOnce(node, record, ttlMs);
  }

  async renew(node: string, token: string, ttlMs: number): Promise<boolean> {
    const nowMs = this.now();
    if (this.read(node, nowMs)?.token !== token) return false;
    return this.statements.renew.run(nowMs + ttlMs, node, token).changes > 0;
  }

  async release(node: string, token: string): Promise<void> {
    this.statements.release.run(node, token);
  }

  async holder(node: string): Promise<LockRecord | undefined> {
    return this.read(node, this.now());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
