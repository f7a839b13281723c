import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/*
 * Everything under a directory, as a comparable value: every path, what it is, and its
 * bytes' hash. "No state change" in the hostile-input tests means two of these are equal,
 * so a stray temp file, lock, backup or a write through a link all show up.
 *
 * SQLite files are compared by content, not bytes: reading a WAL database (as the agent
 * does on every status) may create or touch its -wal/-shm files and checkpoint, which
 * changes bytes but not one row.
 *
 * The agent's replay log (`.tokenops/replay-window.log`) gains a nonce with every signed
 * request it takes, by design (test/integration/agent-replay-restart.test.ts checks what it
 * holds): here only its kind and mode count, so a link or a looser mode in its place shows.
 */

export type TreeSnapshot = Map<string, string>;

function sqliteContent(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string; sql: string }>;
    const hash = createHash('sha256');
    for (const table of tables) {
      hash.update(`${table.sql}\n`);
      const rows = db.prepare(`SELECT * FROM "${table.name.replaceAll('"', '""')}" ORDER BY rowid`).raw();
      for (const row of rows.iterate() as IterableIterator<unknown[]>) {
        for (const value of row) {
          // Type, length, then the value itself: BLOBs and text hashed as they are, however large.
          if (Buffer.isBuffer(value)) hash.update(`blob:${value.length}:`).update(value);
          else if (typeof value === 'string') hash.update(`text:${value.length}:`).update(value);
          else hash.update(`${typeof value}:${String(value)}`);
          hash.update('\u0000');
        }
        hash.update('\n');
      }
    }
    return `sqlite:${hash.digest('hex')}`;
  } catch (error) {
    // Not a database (a hostile test may have put garbage there): its bytes, then.
    return `file:${createHash('sha256').update(readFileSync(file)).digest('hex')} (${(error as Error).message})`;
  } finally {
    db.close();
  }
}

export function snapshotTree(root: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relative = path.relative(root, full);
      const info = lstatSync(full);
      if (info.isSymbolicLink()) out.set(relative, `link:${readlinkSync(full)}`);
      else if (info.isDirectory()) {
        out.set(relative, 'dir');
        walk(full);
      } else if (/\.sqlite-(wal|shm|journal)$/.test(name)) continue;
      else if (name.endsWith('.sqlite')) out.set(relative, sqliteContent(full));
      else if (name === 'replay-window.log' && path.basename(dir) === '.tokenops') out.set(relative, `replay log:${info.mode.toString(8)}`);
      else out.set(relative, `file:${info.mode.toString(8)}:${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

/** What differs between two snapshots, one line per path; empty when nothing changed. */
export function treeChanges(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const changes: string[] = [];
  for (const [file, was] of before) {
    const now = after.get(file);
    if (now === undefined) changes.push(`removed ${file}`);
    else if (now !== was) changes.push(`changed ${file}`);
  }
  for (const file of after.keys()) if (!before.has(file)) changes.push(`added ${file}`);
  return changes;
}
