import type Database from 'better-sqlite3';

/** Whether the database has this table: OpenClaw creates its tables on first use, so absent means empty or older. */
export function hasTable(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}
