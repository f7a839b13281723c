import { randomBytes } from 'node:crypto';
import { closeSync, constants, fdatasync, fstatSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logging/logger.js';
import type { ReplayWindow } from '../../protocol/replay-window.js';
import { MAX_SKEW_SECONDS } from '../../protocol/signing.js';
import { ensurePrivateDirectory, PrivateDirectoryError } from '../private-directory.js';
import { fsyncDirectorySync } from '../store/atomic-file.js';

/*
 * The agent's replay window, kept on disk so that a restart does not reopen it (issue 16):
 * a nonce is written, and fdatasync'd, before the request it came with is acted on, and the
 * nonces still live are read back at start. A write that did not complete belongs to a
 * request that was never acted on, so a torn or malformed line is simply skipped.
 *
 * One small file, `<state dir>/.tokenops/replay-window.log` (folder 0700, file 0600): a
 * header, then `<expires ms> <nonce>` per line. It holds nonces and expiries only, nothing
 * secret. Room for more lines is written ahead as blank lines and filled in place, so the
 * log keeps working for a while on a full disk (the node's other writes fail with their own
 * errors, and its status can still be read). It is rewritten (temp file, fsync, rename) at
 * start and once most of it is dead, so it stays within about twice the live nonces.
 *
 * When the history cannot be known (the log was lost or cannot be read, or cannot be kept
 * now), the agent refuses every request signed before its start plus the clock skew it
 * allows: such a request's nonce may have been taken by the run before, and anything signed
 * later cannot have been. That is at most five minutes of 503s, sound whatever happened.
 */

export const STATE_FOLDER = '.tokenops';
export const REPLAY_LOG = 'replay-window.log';

const HEADER = '# tokenops replay window v1: "<expires ms> <nonce>" per line; blank lines are room kept ahead\n';
const RECORD = /^(\d{13}) ([0-9a-f]{32,128})$/;
/** Written ahead (blank lines) so nonces can be kept while the disk is full: ~1400 of them. */
const ROOM_BYTES = 64 * 1024;
/** Room is added once less than this is left. */
const LOW_ROOM_BYTES = 16 * 1024;
/** Below this the log is never rewritten; above it, once most of its lines are dead. */
const REWRITE_FROM_BYTES = 1024 * 1024;
/** Larger than any log this code writes (the window's cap times a line, twice): not ours. */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

const writeAt = promisify(write);
const datasync = promisify(fdatasync);

/** A nonce could not be kept, so its request was not acted on. The message names the file and what to do. */
export class ReplayLogError extends Error {
  override readonly name = 'ReplayLogError';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error);
}

/** What to do about a failed write, for the operator. */
function hint(code: string): string {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'free space on that device';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return "make it writable by the agent's user";
  return "see the agent's log";
}

/** The agent's own folder in the state dir: created 0700, or checked to be a directory of ours (never followed if a link). */
function ensureFolder(folder: string): { created: boolean } {
  try {
    return ensurePrivateDirectory(folder);
  } catch (error) {
    if (error instanceof PrivateDirectoryError) throw new ReplayLogError(error.message);
    throw error;
  }
}

type Previous = { kind: 'read'; text: string } | { kind: 'missing' } | { kind: 'unreadable'; reason: string };

function readPrevious(file: string): Previous {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: `${file} cannot be read (${code === 'ELOOP' ? 'it is a link' : code})` };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { kind: 'unreadable', reason: `${file} is not a file` };
    if (info.size > MAX_LOG_BYTES) return { kind: 'unreadable', reason: `${file} is ${info.size} bytes, larger than this agent ever writes it` };
    return { kind: 'read', text: readFileSync(fd, 'latin1') };
  } catch (error) {
    return { kind: 'unreadable', reason: `${file} cannot be read (${errorCode(error)})` };
  } finally {
    closeSync(fd);
  }
}

/** The records of a log, oldest expiry first; anything else (header, room, a torn line) skipped. */
function parseRecords(text: string): Array<[nonce: string, expiresAt: number]> {
  const records: Array<[string, number]> = [];
  for (const line of text.split('\n')) {
    const match = RECORD.exec(line);
    if (match) records.push([match[2]!, Number(match[1])]);
  }
  return records.sort((a, b) => a[1] - b[1]);
}

/** Temp files of a rewrite that a crash left behind. */
function removeLeftovers(folder: string): void {
  for (const name of readdirSync(folder)) {
    if (name.startsWith(`${REPLAY_LOG}.`) && name.endsWith('.tmp')) {
      try {
        unlinkSync(path.join(folder, name));
      } catch {
        // Not ours to worry about: a later rewrite picks another name.
      }
    }
  }
}

/** The log file open for writing: where the next line goes, and how far room was written. */
interface OpenLog {
  fd: number;
  offset: number;
  size: number;
  /** Lines written since it was last rewritten: past twice the live nonces, most are dead. */
  lines: number;
}

/** Writes the log anew (header, live nonces, room) beside it and renames it into place; the fd stays open on it. */
function rewrite(folder: string, file: string, live: Array<[string, number]>): OpenLog {
  const temp = path.join(folder, `${REPLAY_LOG}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    const body = Buffer.from(HEADER + live.map(([nonce, expiresAt]) => `${expiresAt} ${nonce}\n`).join(''), 'latin1');
    const content = Buffer.concat([body, Buffer.alloc(ROOM_BYTES, 0x0a)]);
    for (let done = 0; done < content.length; ) done += writeSync(fd, content, done, content.length - done, done);
    fsyncSync(fd);
    renameSync(temp, file);
    fsyncDirectorySync(folder);
    return { fd, offset: body.length, size: content.length, lines: live.length };
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone, or never made.
    }
    throw error;
  }
}

export class ReplayLog {
  private batch: { lines: string[]; done: Promise<void> } | null = null;
  private chain: Promise<void> = Promise.resolve();
  private roomWarned = false;

  private constructor(
    private readonly window: ReplayWindow,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly folder: string,
    readonly file: string,
    private log: OpenLog | null,
    /** Requests signed at or before this (unix seconds) are refused: their nonces may have been taken before. 0: none. */
    readonly floorSeconds: number,
    /** Why the history is not known, or the log not kept (for the refusal's message and the log). */
    readonly problem: string | undefined,
  ) {}

  /**
   * Puts the nonces still live back into `window` and opens the log for what comes. Never
   * throws: what goes wrong is logged, and answered with the start floor.
   */
  static open(stateDir: string, window: ReplayWindow, logger: Logger, options: { now?: () => number } = {}): ReplayLog {
    const now = options.now ?? Date.now;
    const nowMs = now();
    const folder = path.join(stateDir, STATE_FOLDER);
    const file = path.join(folder, REPLAY_LOG);
    let lost: string | undefined;
    let log: OpenLog | null = null;
    try {
      const { created } = ensureFolder(folder);
      removeLeftovers(folder);
      const previous = readPrevious(file);
      if (previous.kind === 'unreadable') lost = previous.reason;
      // A folder without its log: the log was removed, or the run before could not keep it.
      else if (previous.kind === 'missing' && !created) lost = `${file} is missing`;
      else if (previous.kind === 'read') {
        // A clock stepped back leaves expiries far ahead: no nonce needs keeping past now + window.
        for (const [nonce, expiresAt] of parseRecords(previous.text)) window.restore(nonce, Math.min(expiresAt, nowMs + window.windowMs), nowMs);
      }
      log = rewrite(folder, file, window.live(nowMs));
    } catch (error) {
      const reason = error instanceof ReplayLogError ? error.message : `${file} cannot be written (${errorCode(error)}): ${hint(errorCode(error))}`;
      lost = lost ? `${lost}; ${reason}` : reason;
      // What this run takes cannot be kept: the next run must not trust an older log.
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if (errorCode(unlinkError) !== 'ENOENT') logger.error({ file, err: errorCode(unlinkError) }, 'replay log: cannot remove the stale log; remove it by hand before the next start');
      }
    }
    const floorSeconds = lost ? Math.floor(nowMs / 1000) + MAX_SKEW_SECONDS + 1 : 0;
    if (lost) logger.error({ problem: lost, refusedUntil: new Date(floorSeconds * 1000).toISOString() }, 'replay log: history unknown; refusing requests signed before the start plus the clock skew');
    else logger.debug({ file, live: window.size }, 'replay log open');
    return new ReplayLog(window, logger, now, folder, file, log, floorSeconds, lost);
  }

  /** Whether nonces are kept on disk (false: memory only, this run guarded by the floor). */
  get durable(): boolean {
    return this.log !== null;
  }

  /**
   * Keeps a nonce the window has just admitted; resolves once it is on disk. Nonces that
   * arrive together share one write and one fdatasync. Rejects with ReplayLogError when it
   * could not be kept: the request must then not be acted on.
   */
  record(nonce: string): Promise<void> {
    if (!this.log) return Promise.resolve();
    const expiresAt = this.window.expiryOf(nonce);
    if (expiresAt === undefined) return Promise.resolve();
    if (this.batch) {
      this.batch.lines.push(`${expiresAt} ${nonce}\n`);
      return this.batch.done;
    }
    const lines = [`${expiresAt} ${nonce}\n`];
    const done = this.chain.then(() => {
      // From here on, new nonces start the next batch.
      this.batch = null;
      return this.write(lines);
    });
    this.batch = { lines, done };
    this.chain = done.catch(() => undefined);
    return done;
  }

  private async write(lines: string[]): Promise<void> {
    const log = this.log;
    if (!log) throw new ReplayLogError(`the agent is stopping (its replay log ${this.file} is closed), so the request was not acted on`);
    try {
      if (log.offset > REWRITE_FROM_BYTES && log.lines > 2 * this.window.size) {
        // The window holds every live nonce, these included: the rewrite keeps them all.
        this.log = rewrite(this.folder, this.file, this.window.live(this.now()));
        closeSync(log.fd);
        return;
      }
    } catch (error) {
      this.logger.warn({ file: this.file, err: errorCode(error) }, 'replay log: rewrite failed; appending to the old one');
    }
    const bytes = Buffer.from(lines.join(''), 'latin1');
    try {
      await writeAt(log.fd, bytes, 0, bytes.length, log.offset);
      await datasync(log.fd);
    } catch (error) {
      const code = errorCode(error);
      throw new ReplayLogError(`the agent could not record the request's nonce in ${this.file} (${code}), so it did not act on it: ${hint(code)}`);
    }
    log.offset += bytes.length;
    log.size = Math.max(log.size, log.offset);
    log.lines += lines.length;
    if (log.size - log.offset < LOW_ROOM_BYTES) await this.addRoom(log);
  }

  private async addRoom(log: OpenLog): Promise<void> {
    try {
      await writeAt(log.fd, Buffer.alloc(ROOM_BYTES, 0x0a), 0, ROOM_BYTES, log.size);
      log.size += ROOM_BYTES;
      this.roomWarned = false;
    } catch (error) {
      // What room is left still takes nonces; once it is gone, requests are refused (503).
      if (!this.roomWarned) this.logger.warn({ file: this.file, err: errorCode(error), roomLeft: log.size - log.offset }, 'replay log: cannot make room ahead');
      this.roomWarned = true;
    }
  }

  async close(): Promise<void> {
    await this.chain;
    if (this.log) closeSync(this.log.fd);
    this.log = null;
  }
}
