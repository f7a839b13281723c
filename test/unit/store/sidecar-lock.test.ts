import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../../src/agent/store/process-starttime.js';
import { acquireSidecarLock, LockBusyError, lockIsStale } from '../../../src/agent/store/sidecar-lock.js';
import { cleanup, deadPid, liveProcess, tempDir, track, waitForLine } from './helpers.js';

afterEach(cleanup);

function target(): { file: string; lockPath: string } {
  const file = path.join(tempDir('tokenops-lock-'), 'auth-profiles.json');
  return { file, lockPath: `${file}.lock` };
}

/** The bytes OpenClaw writes into its lock file. */
function openclawLock(payload: Record<string, unknown>): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/**
 * A separate process that takes the lock exactly as OpenClaw does (O_EXCL, its own pid and
 * /proc start time) and removes it after `holdMs`.
 */
function openclawHolder(lockPath: string, holdMs: number) {
  const script = `
    const fs = require('fs');
    const [lockPath, holdMs] = process.argv.slice(1);
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const starttime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(/\\s+/)[19]);
    const fd = fs.openSync(lockPath, 'wx', 0o600);
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString(), starttime }, null, 2) + '\\n');
    fs.closeSync(fd);
    console.log('held ' + starttime);
    setTimeout(() => { fs.unlinkSync(lockPath); console.log('released'); }, Number(holdMs));
    setTimeout(() => {}, Number(holdMs) + 30000);
  `;
  return track(spawn(process.execPath, ['-e', script, lockPath, String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('acquireSidecarLock: the lock file', () => {
  it('creates <file>.lock holding {pid, createdAt, starttime} exactly as OpenClaw writes it', async () => {
    const { file, lockPath } = target();
    const before = Date.now();
    const lock = await acquireSidecarLock(file, 1_000);
    const after = Date.now();
    expect(lock.path).toBe(lockPath);
    const raw = readFileSync(lockPath, 'utf8');
    const payload = JSON.parse(raw) as { pid: unknown; createdAt: string; starttime: unknown };
    expect(Object.keys(payload)).toEqual(['pid', 'createdAt', 'starttime']);
    expect(payload.pid).toBe(process.pid);
    const ownStart = processStartTime(process.pid);
    expect(ownStart).not.toBeNull();
    expect(payload.starttime).toBe(ownStart);
    expect(new Date(payload.createdAt).toISOString()).toBe(payload.createdAt);
    const created = Date.parse(payload.createdAt);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
    // Byte-for-byte OpenClaw's serialisation: two-space indent and a trailing newline.
    expect(raw).toBe(openclawLock({ pid: process.pid, createdAt: payload.createdAt, starttime: ownStart }));
    expect(statSync(lockPath).mode & 0o077).toBe(0);
    await lock.release();
  });

  it('does not touch the target file itself', async () => {
    const { file } = target();
    writeFileSync(file, '{"version":1,"profiles":{}}\n');
    const lock = await acquireSidecarLock(file, 1_000);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"profiles":{}}\n');
    await lock.release();
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"profiles":{}}\n');
  });

  it('release removes the lock file, and a second release is harmless', async () => {
    const { file, lockPath } = target();
    const lock = await acquireSidecarLock(file, 1_000);
    expect(existsSync(lockPath)).toBe(true);
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
    await expect(lock.release()).resolves.toBeUndefined();
    // And the lock can be taken again at once.
    const again = await acquireSidecarLock(file, 0);
    expect(existsSync(lockPath)).toBe(true);
    await again.release();
  });

  it('release leaves a lock that someone replaced with other bytes', async () => {
    const { file, lockPath } = target();
    const lock = await acquireSidecarLock(file, 1_000);
    const foreign = openclawLock({ pid: 424242, createdAt: new Date().toISOString(), starttime: 1 });
    // Took over (e.g. judged ours stale) and wrote a fresh file: new inode, new bytes.
    writeFileSync(`${lockPath}.new`, foreign);
    renameSync(`${lockPath}.new`, lockPath);
    await lock.release();
    expect(readFileSync(lockPath, 'utf8')).toBe(foreign);
  });

  it('release leaves a lock rewritten in place (same inode, other bytes)', async () => {
    const { file, lockPath } = target();
    const lock = await acquireSidecarLock(file, 1_000);
    const ino = statSync(lockPath).ino;
    const foreign = openclawLock({ pid: 424243, createdAt: new Date().toISOString(), starttime: 2 });
    writeFileSync(lockPath, foreign);
    expect(statSync(lockPath).ino).toBe(ino);
    await lock.release();
    expect(readFileSync(lockPath, 'utf8')).toBe(foreign);
  });

  it('release leaves a lock replaced by an identical copy (same bytes, other inode)', async () => {
    const { file, lockPath } = target();
    const lock = await acquireSidecarLock(file, 1_000);
    const raw = readFileSync(lockPath, 'utf8');
    const ino = statSync(lockPath).ino;
    // The copy exists before the rename, so it cannot reuse the old inode number.
    writeFileSync(`${lockPath}.copy`, raw);
    renameSync(`${lockPath}.copy`, lockPath);
    expect(statSync(lockPath).ino).not.toBe(ino);
    await lock.release();
    expect(existsSync(lockPath)).toBe(true);
    expect(readFileSync(lockPath, 'utf8')).toBe(raw);
  });
});

describe('lockIsStale', () => {
  const now = Date.now();

  it('a dead pid is stale, with or without a start time', () => {
    const pid = deadPid();
    expect(lockIsStale({ pid, createdAt: new Date(now).toISOString(), starttime: 12345 }, now)).toBe(true);
    expect(lockIsStale({ pid, createdAt: new Date(now).toISOString() }, now)).toBe(true);
    expect(lockIsStale({ pid }, now)).toBe(true);
  });

  it('a live pid with its own start time is not stale, however old the lock', () => {
    const child = liveProcess();
    const starttime = processStartTime(child.pid);
    expect(starttime).not.toBeNull();
    expect(lockIsStale({ pid: child.pid, createdAt: new Date(now).toISOString(), starttime: starttime ?? undefined }, now)).toBe(false);
    expect(lockIsStale({ pid: child.pid, createdAt: new Date(now - 3_600_000).toISOString(), starttime: starttime ?? undefined }, now)).toBe(false);
    expect(lockIsStale({ pid: process.pid, createdAt: new Date(now).toISOString(), starttime: processStartTime(process.pid) ?? undefined }, now)).toBe(false);
  });

  it('a live pid without a start time is not stale (nothing to compare)', () => {
    const child = liveProcess();
    expect(lockIsStale({ pid: child.pid, createdAt: new Date(now - 3_600_000).toISOString() }, now)).toBe(false);
  });

  it('a live pid with another start time is a reused pid: stale', () => {
    const child = liveProcess();
    const starttime = processStartTime(child.pid);
    expect(starttime).not.toBeNull();
    expect(lockIsStale({ pid: child.pid, createdAt: new Date(now).toISOString(), starttime: (starttime ?? 0) + 1 }, now)).toBe(true);
    expect(lockIsStale({ pid: child.pid, createdAt: new Date(now).toISOString(), starttime: (starttime ?? 0) - 1 }, now)).toBe(true);
  });

  it('without a pid, createdAt decides: over 30 s old is stale, 5 s old is not', () => {
    expect(lockIsStale({ createdAt: new Date(now - 31_000).toISOString() }, now)).toBe(true);
    expect(lockIsStale({ createdAt: new Date(now - 5_000).toISOString() }, now)).toBe(false);
    expect(lockIsStale({ createdAt: new Date(now).toISOString() }, now)).toBe(false);
  });

  it('a lock that names no holder (empty, garbled, {}) is judged by the file: stale past 30 s, never without its age', () => {
    expect(lockIsStale(null, now)).toBe(false);
    expect(lockIsStale({}, now)).toBe(false);
    expect(lockIsStale(null, now, now - 5_000)).toBe(false);
    expect(lockIsStale({}, now, now - 29_000)).toBe(false);
    expect(lockIsStale(null, now, now - 31_000)).toBe(true);
    expect(lockIsStale({}, now, now - 31_000)).toBe(true);
    // A holder that names itself is judged by what it says, not by the file's age.
    expect(lockIsStale({ createdAt: new Date(now - 5_000).toISOString() }, now, now - 3_600_000)).toBe(false);
  });
});

describe('acquireSidecarLock: a lock that names no holder', () => {
  // What a writer killed between the O_EXCL create and the payload write leaves behind.
  it.each([
    ['empty', ''],
    ['garbled', '{"pid":"garbled"'],
  ])('%s: waited on while fresh, taken over once the file is over 30 s old', async (_label, bytes) => {
    const { file, lockPath } = target();
    writeFileSync(lockPath, bytes);
    await expect(acquireSidecarLock(file, 200)).rejects.toBeInstanceOf(LockBusyError);
    expect(readFileSync(lockPath, 'utf8')).toBe(bytes);

    const aged = (Date.now() - 31_000) / 1000;
    utimesSync(lockPath, aged, aged);
    const lock = await acquireSidecarLock(file, 0);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });
});

describe('acquireSidecarLock: contention', () => {
  it('waits about waitMs for a live holder, then throws LockBusyError naming it, leaving its lock alone', async () => {
    const { file, lockPath } = target();
    const holder = liveProcess();
    const createdAt = new Date().toISOString();
    const foreign = openclawLock({ pid: holder.pid, createdAt, starttime: processStartTime(holder.pid) });
    writeFileSync(lockPath, foreign);
    const started = Date.now();
    const error = await acquireSidecarLock(file, 500).then(
      () => null,
      (caught: unknown) => caught,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(LockBusyError);
    const busy = error as LockBusyError;
    expect(busy.holder?.pid).toBe(holder.pid);
    expect(busy.holder?.createdAt).toBe(createdAt);
    expect(busy.lockPath).toBe(lockPath);
    expect(busy.message).toContain(`pid ${holder.pid}`);
    expect(busy.message).toContain(lockPath);
    expect(busy.waitedMs).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(1_500);
    expect(readFileSync(lockPath, 'utf8')).toBe(foreign);
  });

  it('with waitMs 0 and a live holder it fails at once', async () => {
    const { file, lockPath } = target();
    writeFileSync(lockPath, openclawLock({ pid: process.pid, createdAt: new Date().toISOString(), starttime: processStartTime(process.pid) }));
    const started = Date.now();
    await expect(acquireSidecarLock(file, 0)).rejects.toBeInstanceOf(LockBusyError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('waits for a holder in another process that takes the lock as OpenClaw does, and gets it once released', async () => {
    const { file, lockPath } = target();
    const child = openclawHolder(lockPath, 400);
    const line = await waitForLine(child, /^held /);
    // The start time the child read from /proc/self/stat agrees with ours for its pid.
    expect(Number(line.split(' ')[1])).toBe(processStartTime(child.pid ?? -1));
    const started = Date.now();
    const lock = await acquireSidecarLock(file, 3_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_500);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('gives up on a holder in another process that keeps the lock', async () => {
    const { file, lockPath } = target();
    const child = openclawHolder(lockPath, 20_000);
    await waitForLine(child, /^held /);
    const error = await acquireSidecarLock(file, 400).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockBusyError);
    expect((error as LockBusyError).holder?.pid).toBe(child.pid);
    expect((error as LockBusyError).message).toContain(`pid ${child.pid}`);
  });

  it('takes over a stale lock left by a dead pid at once', async () => {
    const { file, lockPath } = target();
    const pid = deadPid();
    writeFileSync(lockPath, openclawLock({ pid, createdAt: new Date(Date.now() - 1_000).toISOString(), starttime: 99 }));
    const started = Date.now();
    const lock = await acquireSidecarLock(file, 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const payload = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number };
    expect(payload.pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over a lock whose live pid has another start time (reused pid) at once', async () => {
    const { file, lockPath } = target();
    const child = liveProcess();
    writeFileSync(lockPath, openclawLock({ pid: child.pid, createdAt: new Date().toISOString(), starttime: (processStartTime(child.pid) ?? 0) + 7 }));
    const started = Date.now();
    const lock = await acquireSidecarLock(file, 5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('takes over a pid-less lock older than 30 s, but waits for a fresh one', async () => {
    const { file, lockPath } = target();
    writeFileSync(lockPath, openclawLock({ createdAt: new Date(Date.now() - 31_000).toISOString() }));
    const lock = await acquireSidecarLock(file, 0);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();

    const fresh = openclawLock({ createdAt: new Date(Date.now() - 5_000).toISOString() });
    writeFileSync(lockPath, fresh);
    const error = await acquireSidecarLock(file, 200).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockBusyError);
    expect(readFileSync(lockPath, 'utf8')).toBe(fresh);
  });

  it.each([
    ['garbage text', 'not json at all {'],
    ['an empty file (a holder between create and write)', ''],
    ['JSON null', 'null\n'],
    ['a pid of the wrong type', openclawLock({ pid: 'twelve', createdAt: new Date().toISOString() })],
  ])('waits for a garbled lock (%s), then throws naming an unknown holder and leaves it', async (_label, contents) => {
    const { file, lockPath } = target();
    writeFileSync(lockPath, contents);
    const started = Date.now();
    const error = await acquireSidecarLock(file, 300).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(LockBusyError);
    expect((error as LockBusyError).holder).toBeNull();
    expect((error as LockBusyError).message).toContain('unknown holder');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_200);
    expect(readFileSync(lockPath, 'utf8')).toBe(contents);
  });

  it('two acquirers in one process never hold it together', async () => {
    const { file, lockPath } = target();
    let inside = 0;
    let maxInside = 0;
    let counter = 0;
    const holders: number[] = [];
    const cycle = async (id: number) => {
      const lock = await acquireSidecarLock(file, 15_000);
      inside++;
      maxInside = Math.max(maxInside, inside);
      const seen = counter;
      holders.push(id);
      // The lock file is ours while we are inside.
      expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
      await sleep(2);
      counter = seen + 1; // lost updates would show if two were inside at once
      inside--;
      await lock.release();
    };
    await Promise.all(Array.from({ length: 20 }, (_, id) => cycle(id)));
    expect(maxInside).toBe(1);
    expect(counter).toBe(20);
    expect(new Set(holders).size).toBe(20);
    expect(existsSync(lockPath)).toBe(false);
  }, 20_000);
});
