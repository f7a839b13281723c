import { createHash } from 'node:crypto';
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDirectory, ownUid, PrivateDirectoryError } from '../private-directory.js';
import { LockBusyError } from './sidecar-lock.js';

/*
 * OpenClaw 2026.9 takes a cross-process lock before writing its shared state database: an
 * exclusive transaction on a small SQLite file in /tmp/openclaw-state-locks-<uid>/, named
 * after the database's real path (its dist: `state-lifecycle.<8 hex of sha256>.lock.sqlite`,
 * journal_mode MEMORY, BEGIN EXCLUSIVE, released by ROLLBACK). The directory is /tmp
 * whatever TMPDIR says; that is OpenClaw's choice and must be ours to meet the same lock.
 *
 * In /tmp any local user can create that directory first and hold the lock in it, stopping
 * every shared-store write. So the directory is checked as OpenClaw's own coordinator checks
 * it (ensurePrivateSqliteCoordinatorDirectory): made 0700 when missing; a symbolic link, a
 * non-directory or another user's directory is refused; ours with a looser mode is made 0700,
 * as OpenClaw makes it. The lock file in it must be a regular file of ours: one planted while
 * the directory was open to others is refused too.
 */

/** Where OpenClaw's state lock cannot be taken safely; refused at once, there is nothing to wait for. */
export class StateLockPlaceError extends LockBusyError {
  constructor(
    readonly place: string,
    what: 'directory' | 'file',
    problem: string,
    remedy: string,
  ) {
    super(place, null, 0);
    this.message = `OpenClaw's state-lock ${what} ${place} ${problem}; nothing was written. ${remedy}`;
  }
}

const REMADE = 'OpenClaw and tokenops then make it again, private to this user';

/** `runtimeDir` is where OpenClaw keeps its lock directories: /tmp; tests give their own. */
export function stateLockFile(databaseFile: string, runtimeDir = '/tmp'): string {
  const uid = ownUid() ?? 0;
  const hash = createHash('sha256').update(realpathSync(databaseFile)).digest('hex').slice(0, 8);
  return path.join(runtimeDir, `openclaw-state-locks-${uid}`, `state-lifecycle.${hash}.lock.sqlite`);
}

function notOurs(ownerUid: number, uid: number): string {
  return `belongs to uid ${ownerUid}, not to this agent's user (uid ${uid}): another user could hold OpenClaw's lock there and stop every write to the shared store`;
}

/** The lock directory made or checked private (private-directory.ts), its problems worded for this place. */
function ensureLockDirectory(dir: string): void {
  try {
    ensurePrivateDirectory(dir);
  } catch (error) {
    if (!(error instanceof PrivateDirectoryError)) throw error;
    const { problem } = error;
    switch (problem.kind) {
      case 'link':
        throw new StateLockPlaceError(dir, 'directory', 'is a symbolic link: the lock would be taken wherever it points', `Remove the link; ${REMADE}`);
      case 'not_directory':
        throw new StateLockPlaceError(dir, 'directory', 'is not a directory', `Remove it; ${REMADE}`);
      case 'not_ours':
        throw new StateLockPlaceError(dir, 'directory', notOurs(problem.ownerUid, problem.uid), `Have uid ${problem.ownerUid} or root remove it; ${REMADE}`);
      case 'mode_stuck':
        throw new StateLockPlaceError(dir, 'directory', `has mode ${problem.mode} and cannot be made 0700 (${problem.code}): other users can reach OpenClaw's lock`, `Make it 0700 (chmod 700), or remove it; ${REMADE}`);
    }
  }
}

/** The directory is ours and private by now: nobody else can change what is in it. */
function checkLockFile(file: string): void {
  const info = lstatSync(file, { throwIfNoEntry: false });
  if (!info) return;
  const uid = ownUid();
  const problem = info.isSymbolicLink()
    ? 'is a symbolic link'
    : !info.isFile()
      ? 'is not a regular file'
      : uid !== undefined && info.uid !== uid
        ? notOurs(info.uid, uid)
        : null;
  if (problem) throw new StateLockPlaceError(file, 'file', problem, `Remove it; ${REMADE}`);
}

export function openclawStateLock(databaseFile: string, runtimeDir = '/tmp') {
  return async (waitMs: number): Promise<() => void> => {
    const file = stateLockFile(databaseFile, runtimeDir);
    ensureLockDirectory(path.dirname(file));
    checkLockFile(file);
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
      } catch {
        // Closing the connection ends the transaction, and the lock, all the same.
      } finally {
        db.close();
      }
    };
  };
}
