import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { holderIsGone, lockPayloadSchema, sameStaleLock, type LockHolder } from './lock-staleness.js';
import { processIsAlive, processStartTime } from './process-starttime.js';

/*
 * OpenClaw's sidecar lock, honoured the way OpenClaw itself does (its fs-safe file lock):
 * `<store>.lock` created with O_EXCL, holding `{pid, createdAt, starttime}` as
 * `JSON.stringify(payload, null, 2) + "\n"`. A lock is stale when its pid is dead, or alive
 * with another start time (a reused pid); with no pid, when `createdAt` is over 30 s old.
 * A lock that names no holder at all (empty: its writer died between the O_EXCL create and
 * the payload write; or garbled) is stale once the file is 30 s old, as fs-safe's default
 * rule judges it: before that it may be a writer that has not written yet, so we wait.
 * A stale lock is removed only if it is still the very file that was judged (same inode,
 * same bytes; checked after a rename has taken it out of everyone's way), then creation is
 * retried.
 */

/** What a takeover renames a lock to while it judges it: `<lock>.<pid>-<12 hex>.taken`. */
const TAKEN = /^(\d+)-[0-9a-f]{12}\.taken$/;

export class LockBusyError extends Error {
  override readonly name = 'LockBusyError';
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | null,
    readonly waitedMs: number,
  ) {
    const who = holder?.pid ? `pid ${holder.pid}${holder.createdAt ? ` since ${holder.createdAt}` : ''}` : 'an unknown holder';
    super(`store lock ${lockPath} is held by ${who}; gave up after ${waitedMs} ms`);
  }
}

interface Snapshot {
  raw: string;
  ino: number;
  mtimeMs: number;
  payload: LockHolder | null;
}

function parsePayload(raw: string): LockHolder | null {
  try {
    const parsed = lockPayloadSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** `fileMtimeMs` judges a lock that names no holder (no pid, no createdAt) by the file's age. */
export function lockIsStale(payload: LockHolder | null, nowMs: number, fileMtimeMs?: number): boolean {
  const pid = payload?.pid;
  const holder = pid ? { alive: processIsAlive(pid), startTime: payload.starttime === undefined ? null : processStartTime(pid) } : undefined;
  return holderIsGone(payload, { nowMs, ...(fileMtimeMs === undefined ? {} : { fileMtimeMs }), ...(holder ? { process: holder } : {}) });
}

/** A lock file as it is now, its bytes and inode through one descriptor (so they are the same file's); null when it is gone. */
function readSnapshot(file: string): Snapshot | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    const raw = readFileSync(fd, 'utf8');
    return { raw, ino: info.ino, mtimeMs: info.mtimeMs, payload: parsePayload(raw) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the lock only if it is still the file that was judged, and never another. POSIX has
 * no compare-and-unlink: an unlink after a compare can remove a lock that OpenClaw put there in
 * between (it judged the same stale lock, removed it and took the lock). So the lock is first
 * renamed to a name of ours, which takes whatever is there at that instant out of everyone's
 * way, then what was taken is judged; anything else is put back. `stillStale` re-judges the
 * file as it is now: another writer may have taken a stale empty lock over and created its
 * own in between, empty until its payload lands and possibly on the same inode, so bytes and
 * inode alone cannot tell the two apart; its fresh mtime can.
 *
 * Synchronous on purpose: a lock put back after its holder released it would name a live pid
 * and stop every writer until that process exits. The gap between the rename and the put-back
 * is a few system calls, never a wait in the thread pool, far shorter than any holder's turn.
 */
function removeIfUnchanged(lockPath: string, judged: Pick<Snapshot, 'raw' | 'ino' | 'mtimeMs'>, stillStale?: (now: Snapshot) => boolean): void {
  // Not even renamed aside when it is plainly not the file judged any more (another writer
  // took the stale one over and made its own): every rename of a live lock opens the gap in
  // which a third writer gets in beside its holder. The check and the rename are two calls,
  // so the gap narrows to the time between them rather than closing.
  const now = lstatSync(lockPath, { throwIfNoEntry: false });
  if (!now || now.ino !== judged.ino || now.mtimeMs !== judged.mtimeMs) return;
  const aside = `${lockPath}.${process.pid}-${randomBytes(6).toString('hex')}.taken`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let taken: Snapshot | null;
  try {
    taken = readSnapshot(aside);
  } catch (error) {
    putBack(aside, lockPath);
    throw error;
  }
  if (sameStaleLock(judged, taken, (same) => stillStale?.(same) ?? true)) unlinkIfThere(aside);
  else putBack(aside, lockPath);
}

/**
 * A live holder's lock, taken by mistake, goes back under its name: by link(), which keeps its
 * inode (its holder's release and OpenClaw's identity checks still know it) and never replaces
 * a lock created in the gap. If one was, that one stays: its holder and the displaced one
 * already overlap, and removing either file would only let a third in.
 */
function putBack(aside: string, lockPath: string): void {
  try {
    linkSync(aside, lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      // A file system without hard links: rename it back, if the place is still free.
      if (!lstatSync(lockPath, { throwIfNoEntry: false })) renameSync(aside, lockPath);
      return;
    }
  }
  unlinkIfThere(aside);
}

function unlinkIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Locks a takeover moved aside and never removed, because its process died in between: only
 * a lock's payload, but clutter in OpenClaw's agent dir. A live taker's may be on its way back.
 */
async function removeAbandonedTakeovers(lockPath: string): Promise<void> {
  const prefix = `${path.basename(lockPath)}.`;
  const names = await readdir(path.dirname(lockPath)).catch(() => [] as string[]);
  for (const name of names) {
    const pid = name.startsWith(prefix) ? TAKEN.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined || processIsAlive(Number(pid))) continue;
    await unlink(path.join(path.dirname(lockPath), name)).catch(() => undefined);
  }
}

/**
 * One step at a time per lock file in this process (a try, a takeover, a release), so our own
 * acquirers never act in the gaps of each other's takeover; the waits between tries are not
 * serialised.
 */
const steps = new Map<string, Promise<unknown>>();
function oneAtATime<T>(lockPath: string, step: () => Promise<T>): Promise<T> {
  const run = (steps.get(lockPath) ?? Promise.resolve()).then(step);
  const settled = run.catch(() => undefined);
  steps.set(lockPath, settled);
  void settled.then(() => {
    if (steps.get(lockPath) === settled) steps.delete(lockPath);
  });
  return run;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Full-jitter exponential backoff, capped, as OpenClaw's lock retries (100 ms doubling). */
function backoffMs(attempt: number): number {
  const base = Math.min(2_000, 50 * 2 ** attempt);
  return randomInt(Math.max(1, Math.floor(base / 2)), base + 1);
}

type Attempt = { held: HeldLock } | { again: true } | { holder: LockHolder | null };

/** Creates the lock, or takes a stale one away (then `again`), or names the live holder. */
async function tryOnce(lockPath: string): Promise<Attempt> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (handle) {
    const payload = { pid: process.pid, createdAt: new Date().toISOString(), starttime: processStartTime(process.pid) ?? undefined };
    const raw = `${JSON.stringify(payload, null, 2)}\n`;
    try {
      await handle.writeFile(raw, 'utf8');
    } catch (error) {
      // An empty lock would hold every writer off for 30 s, and OpenClaw (whose lock judges
      // only the payload) for good, until one of our agents takes it over.
      await handle.close();
      await unlink(lockPath).catch(() => undefined);
      throw error;
    }
    const { ino, mtimeMs } = await handle.stat();
    await handle.close();
    await removeAbandonedTakeovers(lockPath);
    return { held: { path: lockPath, release: () => oneAtATime(lockPath, async () => removeIfUnchanged(lockPath, { raw, ino, mtimeMs })) } };
  }
  const snapshot = readSnapshot(lockPath);
  if (!snapshot) return { again: true };
  if (!lockIsStale(snapshot.payload, Date.now(), snapshot.mtimeMs)) return { holder: snapshot.payload };
  removeIfUnchanged(lockPath, snapshot, (now) => lockIsStale(now.payload, Date.now(), now.mtimeMs));
  return { again: true };
}

/** Takes `<file>.lock`, waiting up to `waitMs` for a live holder; throws LockBusyError after. */
export async function acquireSidecarLock(targetPath: string, waitMs: number): Promise<HeldLock> {
  const lockPath = `${targetPath}.lock`;
  const started = Date.now();
  let lastHolder: LockHolder | null = null;
  for (let attempt = 0; ; attempt++) {
    const outcome = await oneAtATime(lockPath, () => tryOnce(lockPath));
    if ('held' in outcome) return outcome.held;
    if ('again' in outcome) continue;
    lastHolder = outcome.holder;
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(lockPath, lastHolder, waited);
    await sleep(Math.min(backoffMs(attempt), Math.max(1, waitMs - waited)));
  }
}
