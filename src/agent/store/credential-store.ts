import type { StoreFileStatus, StoreKind } from '../../protocol/agent-api.js';

/*
 * One agent's credential store, whatever its era. Status, export and import speak only this
 * interface, so nothing above the store knows whether a node keeps JSON files or SQLite.
 */

export type StoreRead =
  | { ok: true; profiles: Record<string, unknown>; layout: StoreFileStatus['layout'] }
  | { ok: false; reason: string };

export interface UpdateOptions {
  lockWaitMs: number;
  dryRun: boolean;
  backupsKeep: number;
}

export interface UpdateOutcome<R> {
  result: R;
  written: boolean;
  /** Where the previous version was kept, relative to the state dir. */
  backup?: string;
}

/**
 * Changes the profiles in place and says whether anything is to be written. It may be
 * async (a refresh calls the provider while holding the lock, so no one else refreshes
 * with the same single-use token meanwhile).
 */
export type ProfilesMutation<R> = (profiles: Record<string, unknown>) => { write: boolean; result: R } | Promise<{ write: boolean; result: R }>;

export interface CredentialStore {
  readonly kind: StoreKind;
  readonly agentId: string;
  /** Relative to the state dir, for messages and status. */
  readonly displayPath: string;
  /** The directory whose changes mean this store may have changed (for the watcher). */
  readonly directory: string;
  read(): Promise<StoreRead>;
  /** Read-modify-write under the store's lock; throws StoreInvalidError or LockBusyError. */
  update<R>(mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>>;
}

export class StoreInvalidError extends Error {
  override readonly name = 'StoreInvalidError';
  constructor(
    readonly displayPath: string,
    readonly reason: string,
  ) {
    super(`${displayPath}: ${reason}`);
  }
}

/**
 * The device holding a store is full (or the user's quota is spent). Every write path
 * ends in a rename of a complete temp file or a transaction, so nothing was half-written:
 * the store is as it was, and the message says so.
 */
export class DiskFullError extends Error {
  override readonly name = 'DiskFullError';
  constructor(
    readonly displayPath: string,
    message = `no space left on the device holding ${displayPath}; the store is unchanged. Free some space and run it again`,
  ) {
    super(message);
  }
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** A write failed: as DiskFullError when the disk is why, else as it was. */
export function diskFullOr(displayPath: string, error: unknown): unknown {
  return DISK_FULL_CODES.has((error as { code?: string } | null)?.code ?? '') ? new DiskFullError(displayPath) : error;
}
