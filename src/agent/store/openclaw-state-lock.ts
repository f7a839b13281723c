import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const hash = createHash('sha256').update(realpathSync(databaseFile)).digest('hex').slice(0, 8);
  return path.join(runtimeDir, `openclaw-state-locks-${uid}`, `state-lifecycle.${hash}.lock.sqlite`);
}

const ownUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

function notOurs(ownerUid: number, uid: number): string {
  return `belongs to uid ${ownerUid}, not to this agent's user (uid ${uid}): another user could hold OpenClaw's lock there and stop every write to the shared store`;
}

function ensurePrivateDirectory(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let fd: number;
  try {
    // Judged through a descriptor of the directory itself: a link in its place is never followed.
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Linux answers ENOTDIR for a link opened this way, other systems ELOOP.
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
    if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) throw new StateLockPlaceError(dir, 'directory', 'is a symbolic link: the lock would be taken wherever it points', `Remove the link; ${REMADE}`);
    throw new StateLockPlaceError(dir, 'directory', 'is not a directory', `Remove it; ${REMADE}`);
  }
  try {
    const info = fstatSync(fd);
    const uid = ownUid();
    if (uid !== undefined && info.uid !== uid) throw new StateLockPlaceError(dir, 'directory', notOurs(info.uid, uid), `Have uid ${info.uid} or root remove it; ${REMADE}`);
    if ((info.mode & 0o777) === 0o700) return;
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    try {
      fchmodSync(fd, 0o700);
    } catch (error) {
      throw new StateLockPlaceError(dir, 'directory', `has mode ${mode} and cannot be made 0700 (${(error as NodeJS.ErrnoException).code}): other users can reach OpenClaw's lock`, `Make it 0700 (chmod 700), or remove it; ${REMADE}`);
    }
  } finally {
    closeSync(fd);
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
    ensurePrivateDirectory(path.dirname(file));
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
