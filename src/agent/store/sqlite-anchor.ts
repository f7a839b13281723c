import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

/*
 * When the last connection to a WAL database closes, SQLite checkpoints and deletes the WAL
 * under an exclusive lock. A reader that opens in that instant without a busy timeout
 * fails with "database is locked" — and OpenClaw 2026.9's CLI opens its state database
 * that way at start, to look for migrations (the conformance suite saw its paste-token exit
 * 1 while our imports ran). OpenClaw's gateway keeps the state database open, so in service
 * our brief write connections are rarely the last; we make sure they never are by keeping
 * one idle read connection per state database for the agent's life. It holds only the
 * shared lock every WAL connection holds, which blocks no reader, writer or checkpoint;
 * the agent also asks it what the state database holds, rather than opening another.
 */

const anchors = new Map<string, { db: Database.Database; ino: number }>();

/** Keeps `file` open for the agent's life; returns that connection (read-only), or undefined when the file is not there or will not open. */
export function keepOpen(file: string): Database.Database | undefined {
  let ino: number;
  try {
    ino = statSync(file).ino;
  } catch {
    return undefined;
  }
  const held = anchors.get(file);
  if (held?.ino === ino) return held.db;
  // Replaced underneath us (OpenClaw's doctor rebuilds a database into a new file).
  held?.db.close();
  anchors.delete(file);
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 2000 });
    // A WAL connection takes its lasting shared lock on its first read.
    db.pragma('user_version');
    anchors.set(file, { db, ino });
    return db;
  } catch {
    // Without the anchor we are back to SQLite's default: correct, only less polite.
    return undefined;
  }
}
