import { randomInt } from 'node:crypto';
import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
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
 * same bytes), then creation is retried.
 */

const lockPayloadSchema = z.looseObject({
  pid: z.number().int().positive().optional(),
  createdAt: z.string().optional(),
  starttime: z.number().int().optional(),
});
export type LockHolder = z.infer<typeof lockPayloadSchema>;

const NO_PID_STALE_MS = 30_000;

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

async function readSnapshot(lockPath: string): Promise<Snapshot | null> {
  try {
    const [raw, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    let payload: LockHolder | null = null;
    try {
      const parsed = lockPayloadSchema.safeParse(JSON.parse(raw));
      payload = parsed.success ? parsed.data : null;
    } catch {
      payload = null;
    }
    return { raw, ino: info.ino, mtimeMs: info.mtimeMs, payload };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `fileMtimeMs` judges a lock that names no holder (no pid, no createdAt) by the file's age. */
export function lockIsStale(payload: LockHolder | null, nowMs: number, fileMtimeMs?: number): boolean {
  if (payload?.pid) {
    if (payload.starttime !== undefined) {
      const current = processStartTime(payload.pid);
      if (current !== null && current !== payload.starttime) return true;
    }
    return !processIsAlive(payload.pid);
  }
  if (payload?.createdAt) {
    const created = Date.parse(payload.createdAt);
    return !Number.isFinite(created) || nowMs - created > NO_PID_STALE_MS;
  }
  return fileMtimeMs !== undefined && nowMs - fileMtimeMs > NO_PID_STALE_MS;
}

/**
 * Unlinks the lock only if it is still the file that was judged. `stillStale` re-judges the
 * file as it is now: another writer may have taken a stale empty lock over and created its
 * own in between, empty until its payload lands and possibly on the same inode, so bytes and
 * inode alone cannot tell the two apart; its fresh mtime can.
 */
async function removeIfUnchanged(lockPath: string, judged: Pick<Snapshot, 'raw' | 'ino'>, stillStale?: (now: Snapshot) => boolean): Promise<void> {
  const now = await readSnapshot(lockPath);
  if (now && now.ino === judged.ino && now.raw === judged.raw && (stillStale?.(now) ?? true)) {
    await unlink(lockPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
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

/** Takes `<file>.lock`, waiting up to `waitMs` for a live holder; throws LockBusyError after. */
export async function acquireSidecarLock(targetPath: string, waitMs: number): Promise<HeldLock> {
  const lockPath = `${targetPath}.lock`;
  const started = Date.now();
  let lastHolder: LockHolder | null = null;
  for (let attempt = 0; ; attempt++) {
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
      await handle.close();
      const { ino } = await stat(lockPath);
      return {
        path: lockPath,
        release: () => removeIfUnchanged(lockPath, { raw, ino }),
      };
    }
    const snapshot = await readSnapshot(lockPath);
    if (!snapshot) continue;
    lastHolder = snapshot.payload;
    if (lockIsStale(snapshot.payload, Date.now(), snapshot.mtimeMs)) {
      await removeIfUnchanged(lockPath, snapshot, (now) => lockIsStale(now.payload, Date.now(), now.mtimeMs));
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(lockPath, lastHolder, waited);
    await sleep(Math.min(backoffMs(attempt), Math.max(1, waitMs - waited)));
  }
}
