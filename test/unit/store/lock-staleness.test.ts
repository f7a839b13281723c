import { describe, expect, it } from 'vitest';
import { holderIsGone, NO_PID_STALE_MS, sameStaleLock } from '../../../src/agent/store/lock-staleness.js';

/*
 * When a sidecar lock may be taken over (issue 17: the lock decision as a pure rule). Taking
 * a live holder's lock lets two writers into one store; never taking a dead one's stops
 * every writer, OpenClaw's too.
 */

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);
const alive = (startTime: number | null = 777) => ({ alive: true, startTime });
const dead = { alive: false, startTime: null };

describe('holderIsGone', () => {
  it('a named pid: gone when the process is dead, held while it lives with the same start time', () => {
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW, process: dead })).toBe(true);
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW, process: alive(777) })).toBe(false);
    expect(holderIsGone({ pid: 42 }, { nowMs: NOW, process: dead })).toBe(true);
    expect(holderIsGone({ pid: 42 }, { nowMs: NOW, process: alive() })).toBe(false);
  });

  it('a reused pid (alive, another start time) is gone; an unreadable start time leaves it to whether the pid lives', () => {
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW, process: alive(778) })).toBe(true);
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW, process: alive(null) })).toBe(false);
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW, process: { alive: false, startTime: 777 } })).toBe(true);
  });

  it('a live pid holds however old its createdAt, and however old the file', () => {
    const old = new Date(NOW - 3_600_000).toISOString();
    expect(holderIsGone({ pid: 42, createdAt: old }, { nowMs: NOW, fileMtimeMs: NOW - 3_600_000, process: alive() })).toBe(false);
  });

  it('a pid nobody looked up is not judged gone', () => {
    expect(holderIsGone({ pid: 42, starttime: 777 }, { nowMs: NOW })).toBe(false);
  });

  it('no pid: gone once createdAt is more than 30 s old (exactly 30 s still holds), or when it is no time at all', () => {
    const created = (ms: number) => ({ createdAt: new Date(ms).toISOString() });
    expect(holderIsGone(created(NOW - NO_PID_STALE_MS), { nowMs: NOW })).toBe(false);
    expect(holderIsGone(created(NOW - NO_PID_STALE_MS - 1), { nowMs: NOW })).toBe(true);
    expect(holderIsGone({ createdAt: 'yesterday-ish' }, { nowMs: NOW })).toBe(true);
    // createdAt decides, not the file's age.
    expect(holderIsGone(created(NOW), { nowMs: NOW, fileMtimeMs: NOW - 3_600_000 })).toBe(false);
  });

  it('names nobody (empty or garbled): gone once the file is more than 30 s old; not before, and not without its age', () => {
    expect(holderIsGone(null, { nowMs: NOW, fileMtimeMs: NOW - NO_PID_STALE_MS })).toBe(false);
    expect(holderIsGone(null, { nowMs: NOW, fileMtimeMs: NOW - NO_PID_STALE_MS - 1 })).toBe(true);
    expect(holderIsGone({}, { nowMs: NOW, fileMtimeMs: NOW - NO_PID_STALE_MS - 1 })).toBe(true);
    expect(holderIsGone(null, { nowMs: NOW })).toBe(false);
  });
});

describe('sameStaleLock', () => {
  const judged = { ino: 11, raw: '{"pid":42}\n' };

  it('only the very file judged, still stale, may be deleted', () => {
    const stale = () => true;
    expect(sameStaleLock(judged, { ino: 11, raw: '{"pid":42}\n' }, stale)).toBe(true);
    expect(sameStaleLock(judged, { ino: 11, raw: '{"pid":42}\n' }, () => false)).toBe(false);
    expect(sameStaleLock(judged, { ino: 12, raw: '{"pid":42}\n' }, stale)).toBe(false);
    expect(sameStaleLock(judged, { ino: 11, raw: '{"pid":43}\n' }, stale)).toBe(false);
    expect(sameStaleLock(judged, null, stale)).toBe(false);
  });

  it('asks whether it is still stale only of the very file judged, and of that file', () => {
    const asked: unknown[] = [];
    const ask = (taken: unknown) => (asked.push(taken), true);
    sameStaleLock(judged, { ino: 12, raw: '{"pid":42}\n' }, ask);
    sameStaleLock(judged, { ino: 11, raw: '{"pid":43}\n' }, ask);
    sameStaleLock(judged, null, ask);
    expect(asked).toEqual([]);
    const same = { ino: 11, raw: '{"pid":42}\n', mtimeMs: 5 };
    sameStaleLock(judged, same, ask);
    expect(asked).toEqual([same]);
  });
});
