import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { REPLAY_LOG, ReplayLog, ReplayLogError, STATE_FOLDER } from '../../src/agent/http/replay-log.js';
import { createLogger } from '../../src/logging/logger.js';
import { ReplayWindow } from '../../src/protocol/replay-window.js';

/*
 * The agent's replay window on disk (issue 16, item 4): what one run took, the next refuses;
 * only live nonces come back; a log that was lost or cannot be read means refusing whatever
 * was signed before the start plus the skew; the file stays small.
 */

/** fdatasync calls the log made: each one is a disk flush a request waits on. */
const syncs = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    syncs.count++;
    actual.fdatasync(fd, callback);
  }) as typeof actual.fdatasync;
  return { ...actual, fdatasync };
});

const WINDOW = 600_000;
const T0 = 1_771_060_320_000;
const logger = createLogger('test', 'silent');
const nonce = (i: number) => i.toString(16).padStart(32, '0');

function stateDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'tokenops-replay-log-'));
}

/** One run of the agent: its window, its log, and a clock the test moves. */
function run(dir: string, at = T0, maxEntries?: number) {
  const clock = { now: at };
  const window = new ReplayWindow(WINDOW, maxEntries);
  const log = ReplayLog.open(dir, window, logger, { now: () => clock.now });
  const take = async (n: string) => {
    if (!window.admit(n, clock.now)) return false;
    await log.record(n);
    return true;
  };
  return { window, log, clock, take };
}

const logFile = (dir: string) => path.join(dir, STATE_FOLDER, REPLAY_LOG);

describe('ReplayLog', () => {
  it("keeps what one run took for the next: the same nonces are refused, others taken; folder 0700, file 0600", async () => {
    const dir = stateDir();
    const first = run(dir);
    expect(first.log.durable).toBe(true);
    expect(first.log.floorSeconds).toBe(0);
    for (let i = 0; i < 5; i++) expect(await first.take(nonce(i))).toBe(true);
    await first.log.close();
    expect(lstatSync(path.join(dir, STATE_FOLDER)).mode & 0o777).toBe(0o700);
    expect(lstatSync(logFile(dir)).mode & 0o777).toBe(0o600);

    const second = run(dir, T0 + 60_000);
    expect(second.log.floorSeconds).toBe(0);
    for (let i = 0; i < 5; i++) expect(await second.take(nonce(i))).toBe(false);
    expect(await second.take(nonce(5))).toBe(true);
    await second.log.close();
  });

  it('nonces taken together share a write, and every one of them is on disk when its promise resolves', async () => {
    const dir = stateDir();
    const { take, log } = run(dir);
    const before = syncs.count;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => take(nonce(i))));
    expect(results.every(Boolean)).toBe(true);
    expect(syncs.count - before).toBe(1);
    // Those that come while a write is on its way wait for it, then share the next one.
    const first = take(nonce(200));
    await Promise.resolve();
    await Promise.all([first, ...Array.from({ length: 50 }, (_, i) => take(nonce(201 + i)))]);
    expect(syncs.count - before).toBe(3);
    const lines = readFileSync(logFile(dir), 'latin1').split('\n').filter((line) => /^\d/.test(line));
    expect(new Set(lines.map((line) => line.split(' ')[1]))).toEqual(new Set(Array.from({ length: 251 }, (_, i) => nonce(i))));
    await log.close();
  });

  it('only live nonces come back, and an expiry past now + window (a clock stepped back) is cut to it', async () => {
    const dir = stateDir();
    const first = run(dir);
    await first.take(nonce(1));
    first.clock.now = T0 + WINDOW / 2;
    await first.take(nonce(2));
    await first.log.close();
    // Written by a clock an hour ahead, then set right.
    writeFileSync(logFile(dir), `${readFileSync(logFile(dir), 'latin1').trimEnd()}\n${T0 + 3_600_000} ${nonce(3)}\n`);

    const second = run(dir, T0 + WINDOW + 1);
    expect(second.window.size).toBe(2);
    expect(second.window.expiryOf(nonce(1))).toBeUndefined();
    expect(second.window.expiryOf(nonce(3))).toBe(T0 + WINDOW + 1 + WINDOW);
    // The rewrite at start dropped the dead line.
    expect(readFileSync(logFile(dir), 'latin1')).not.toContain(nonce(1));
    await second.log.close();
  });

  it('a torn or foreign line is skipped (its request was never acted on); the rest still counts', async () => {
    const dir = stateDir();
    const first = run(dir);
    await first.take(nonce(7));
    await first.log.close();
    const text = readFileSync(logFile(dir), 'latin1').replace(/\n+$/, '\n');
    writeFileSync(logFile(dir), `${text}1771060${'\n'.repeat(5)}garbage line\n${T0 + 1000} NOTHEX\n`);
    const second = run(dir, T0 + 1000);
    expect(second.log.floorSeconds).toBe(0);
    expect(await second.take(nonce(7))).toBe(false);
    expect(second.window.size).toBe(1);
    await second.log.close();
  });

  it('the folder there but its log gone: the history is unknown, so what was signed before start + 300 s is refused (floor)', async () => {
    const dir = stateDir();
    mkdirSync(path.join(dir, STATE_FOLDER), { mode: 0o700 });
    const { log } = run(dir);
    expect(log.floorSeconds).toBe(T0 / 1000 + 301);
    expect(log.problem).toMatch(/replay-window\.log is missing/);
    // It keeps a log again from now on.
    expect(log.durable).toBe(true);
    await log.close();
    expect(run(dir, T0 + 1000).log.floorSeconds).toBe(0);
  });

  it('a folder that is a link is not followed: nothing is written through it, memory only, floor set', async () => {
    const dir = stateDir();
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'tokenops-elsewhere-'));
    symlinkSync(elsewhere, path.join(dir, STATE_FOLDER));
    const { log, take } = run(dir);
    expect(log.durable).toBe(false);
    expect(log.problem).toMatch(/\.tokenops is a symbolic link/);
    expect(log.floorSeconds).toBe(T0 / 1000 + 301);
    expect(await take(nonce(1))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
    await log.close();
  });

  it('a log that is a link is replaced by a file of its own, its target untouched; the floor is set', async () => {
    const dir = stateDir();
    mkdirSync(path.join(dir, STATE_FOLDER), { mode: 0o700 });
    const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-target-')), 'passwd');
    writeFileSync(target, 'root:x:0:0\n');
    symlinkSync(target, logFile(dir));
    const { log, take } = run(dir);
    expect(log.problem).toMatch(/cannot be read \(it is a link\)/);
    expect(log.floorSeconds).toBeGreaterThan(0);
    await take(nonce(1));
    await log.close();
    expect(lstatSync(logFile(dir)).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('root:x:0:0\n');
  });

  it('a folder too open is tightened to 0700; temp files a crash left are removed', async () => {
    const dir = stateDir();
    const folder = path.join(dir, STATE_FOLDER);
    mkdirSync(folder, { mode: 0o755 });
    writeFileSync(path.join(folder, REPLAY_LOG), '# tokenops replay window v1\n', { mode: 0o600 });
    writeFileSync(path.join(folder, `${REPLAY_LOG}.abc.tmp`), 'half');
    const { log } = run(dir);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder)).toEqual([REPLAY_LOG]);
    expect(log.floorSeconds).toBe(0);
    await log.close();
  });

  it('stays small: rewritten once most of it is dead, and bounded by the window', async () => {
    const dir = stateDir();
    const { take, clock, log, window } = run(dir, T0, 40_000);
    for (let batch = 0; batch < 30; batch++) await Promise.all(Array.from({ length: 1000 }, (_, i) => take(nonce(batch * 1000 + i))));
    const grown = statSync(logFile(dir)).size;
    expect(grown).toBeGreaterThan(1024 * 1024);
    // The window passes: those 30 000 are dead; the next write rewrites the log.
    clock.now = T0 + WINDOW + 1;
    await take(nonce(1_000_000));
    const size = statSync(logFile(dir)).size;
    console.log(`replay log: ${grown} bytes with 30000 live nonces, ${size} bytes after they expired (${window.size} live)`);
    expect(size).toBeLessThan(100 * 1024);
    expect(window.size).toBe(1);
    // Full: refused, not forgotten.
    const full = run(stateDir(), T0, 2);
    expect([await full.take(nonce(1)), await full.take(nonce(2)), await full.take(nonce(3))]).toEqual([true, true, false]);
    await full.log.close();
    await log.close();
  });

  it('a write that fails rejects with a ReplayLogError that names the file: the request is not to be acted on', async () => {
    const dir = stateDir();
    const { window, log, clock } = run(dir);
    await log.close();
    window.admit(nonce(9), clock.now);
    // Closed: as if the disk had gone away under it.
    (log as unknown as { log: object | null }).log = { fd: 1_000_000, offset: 0, size: 0, lines: 0 };
    const failed = await log.record(nonce(9)).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ReplayLogError);
    expect((failed as Error).message).toMatch(/could not record the request's nonce in .*replay-window\.log \(EBADF\), so it did not act on it/);
    expect(existsSync(logFile(dir))).toBe(true);
  });
});
