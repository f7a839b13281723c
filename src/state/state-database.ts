import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * A connection to the bot's SQLite state file, as every table in it wants one: its folder
 * made private if missing, WAL (a reader never blocks the writer), and a busy timeout so
 * that another process writing (a CLI run beside the bot) is waited for, not an error.
 */
export function openStateDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
