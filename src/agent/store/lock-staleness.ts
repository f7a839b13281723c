import { z } from 'zod';

/*
 * When a sidecar lock's holder is gone, as OpenClaw's fs-safe lock judges it: a lock naming
 * a pid is stale when that process is dead, or alive with another start time (the pid was
 * reused); one naming no pid, when its createdAt is over 30 s old (or not a time); one naming
 * nobody (empty: its writer died between the create and the payload; or garbled), when the
 * file is over 30 s old, since before that it may be a writer that has not written yet.
 * Pure: the process facts are looked up by the caller (sidecar-lock.ts).
 */

export const lockPayloadSchema = z.looseObject({
  pid: z.number().int().positive().optional(),
  createdAt: z.string().optional(),
  starttime: z.number().int().optional(),
});
export type LockHolder = z.infer<typeof lockPayloadSchema>;

export const NO_PID_STALE_MS = 30_000;

/** What is known now of the process a lock names: alive, and its start time if it could be read. */
export interface HolderProcess {
  alive: boolean;
  startTime: number | null;
}

export interface LockFacts {
  nowMs: number;
  /** The lock file's mtime: judges a lock that names nobody. */
  fileMtimeMs?: number;
  /** The named process, when the lock names a pid. */
  process?: HolderProcess;
}

export function holderIsGone(holder: LockHolder | null, facts: LockFacts): boolean {
  if (holder?.pid) {
    const running = facts.process;
    if (!running) return false;
    if (holder.starttime !== undefined && running.startTime !== null && running.startTime !== holder.starttime) return true;
    return !running.alive;
  }
  if (holder?.createdAt) {
    const created = Date.parse(holder.createdAt);
    return !Number.isFinite(created) || facts.nowMs - created > NO_PID_STALE_MS;
  }
  return facts.fileMtimeMs !== undefined && facts.nowMs - facts.fileMtimeMs > NO_PID_STALE_MS;
}

/**
 * Whether the file a takeover renamed aside is still the very lock it judged stale: same inode,
 * same bytes, and stale still. `stillStale` (process lookups) is asked last, only of the same
 * file: another writer's lock goes back at once, not after them.
 */
export function sameStaleLock<T extends { ino: number; raw: string }>(judged: { ino: number; raw: string }, taken: T | null, stillStale: (taken: T) => boolean): boolean {
  return taken !== null && taken.ino === judged.ino && taken.raw === judged.raw && stillStale(taken);
}
