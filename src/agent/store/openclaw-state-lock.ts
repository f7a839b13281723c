import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LockBusyError } from './sidecar-lock.js';

/*
 * OpenClaw 2026.9 takes a cross-process lock before writing its shared state database: an
 * exclusive transaction on a small SQLite file in /tmp/openclaw-state-locks-<uid>/, named
 * after the database's real path (its dist: `state-lifecycle.<8 hex of sha256>.lock.sqlite`,
 * journal_mode MEMORY, BEGIN EXCLUSIVE, released by ROLLBACK). The directory is /tmp
 * whatever TMPDIR says; that is OpenClaw's choice and must be ours to meet the same lock.
 */
export function stateLockFile(databaseFile: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const hash = createHash('sha256').update(realpathSync(databaseFile)).digest('hex').slice(0, 8);
  return path.join('/tmp', `openclaw-state-locks-${uid}`, `state-lifecycle.${hash}.lock.sqlite`);
}

export function openclawStateLock(databaseFile: string) {
  return async (waitMs: number): Promise<() => void> => {
    const file = stateLockFile(databaseFile);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file, { timeout: waitMs });
    try {
      db.pragma('journal_mode = MEMORY');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new LockBusyError(file, null, waitMs);
      throw error;
    }
    return () => {
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    };
  };
}
