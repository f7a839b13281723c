import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import { openStateDatabase } from './state-database.js';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/*
 * keyv's storage adapter over better-sqlite3 (the driver the agent's SQLite stores use
 * too), rather than @keyv/sqlite, whose sqlite3 driver needs a prebuilt binary from the
 * network. WAL mode, so a reader never blocks the writer; values are keyv's own serialized
 * strings, and keyv handles expiry.
 */
export class SqliteKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; url: string };
  namespace?: string;
  private readonly db: Database.Database;
  private readonly statements: {
    get: Database.Statement<[string], { value: string }>;
    set: Database.Statement<[string, string]>;
    delete: Database.Statement<[string]>;
    clearPrefix: Database.Statement<[string]>;
    clearAll: Database.Statement<[]>;
    iterate: Database.Statement<[string], { key: string; value: string }>;
  };

  constructor(file: string) {
    super();
    this.opts = { dialect: 'sqlite', url: `sqlite://${file}` };
    this.db = openStateDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS keyv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.statements = {
      get: this.db.prepare('SELECT value FROM keyv WHERE key = ?'),
      set: this.db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      delete: this.db.prepare('DELETE FROM keyv WHERE key = ?'),
      clearPrefix: this.db.prepare("DELETE FROM keyv WHERE key LIKE ? ESCAPE '\\'"),
      clearAll: this.db.prepare('DELETE FROM keyv'),
      iterate: this.db.prepare("SELECT key, value FROM keyv WHERE key LIKE ? ESCAPE '\\' ORDER BY key"),
    };
  }

  private prefixPattern(namespace: string | undefined): string {
    return namespace ? `${namespace.replace(/[\\%_]/g, (char) => `\\${char}`)}:%` : '%';
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.statements.get.get(key)?.value as StoredData<Value> | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    this.statements.set.run(key, String(value));
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  async clear(): Promise<void> {
    if (this.namespace) this.statements.clearPrefix.run(this.prefixPattern(this.namespace));
    else this.statements.clearAll.run();
  }

  async has(key: string): Promise<boolean> {
    return this.statements.get.get(key) !== undefined;
  }

  async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    for (const row of this.statements.iterate.all(this.prefixPattern(namespace))) yield [row.key, row.value as Awaited<Value>];
  }

  async disconnect(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
