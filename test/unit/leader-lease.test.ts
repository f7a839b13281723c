import { describe, expect, test } from 'vitest';
import { driftAllowanceMs, followerDelayMs, LeaseError, leaseValidUntil, nextLeaseState, NOT_LEADING, type LeaseState } from '../../src/state/leader-lease.js';
import { redisTarget } from '../../src/state/redis-url.js';

const TTL = 10_000;

describe('the lease decisions (pure)', () => {
  test('a lease confirmed by a command sent at t is acted on until t + ttl − drift', () => {
    expect(driftAllowanceMs(TTL)).toBe(102);
    expect(leaseValidUntil(1_000, TTL)).toBe(1_000 + TTL - 102);
  });

  test('acquiring makes a follower leader; renewing keeps it and moves the end', () => {
    const gained = nextLeaseState(NOT_LEADING, { kind: 'acquired', sentAt: 0 }, 5, TTL);
    expect(gained).toEqual({ state: { leader: true, validUntil: TTL - 102 }, change: { leader: true, reason: 'lease acquired' } });
    const renewed = nextLeaseState(gained.state, { kind: 'renewed', sentAt: 3_000 }, 3_010, TTL);
    expect(renewed).toEqual({ state: { leader: true, validUntil: 3_000 + TTL - 102 }, change: null });
  });

  test('a confirmation that arrives after the lease could have run out does not count', () => {
    const leader: LeaseState = { leader: true, validUntil: 9_000 };
    expect(nextLeaseState(leader, { kind: 'renewed', sentAt: 0 }, TTL, TTL)).toEqual({ state: NOT_LEADING, change: { leader: false, reason: 'Redis confirmed the lease only after it could have expired' } });
    expect(nextLeaseState(NOT_LEADING, { kind: 'acquired', sentAt: 0 }, TTL, TTL).change).toBeNull();
  });

  test('Redis not answering: the leader stays leader while its lease time lasts, then steps down on its own clock', () => {
    const leader: LeaseState = { leader: true, validUntil: 9_898 };
    const error = new LeaseError('timeout', 'Redis at redis://127.0.0.1:6379 did not answer in time');
    expect(nextLeaseState(leader, { kind: 'failed', error }, 5_000, TTL)).toEqual({ state: leader, change: null });
    expect(nextLeaseState(leader, { kind: 'tick' }, 9_897, TTL).change).toBeNull();
    expect(nextLeaseState(leader, { kind: 'tick' }, 9_898, TTL)).toEqual({ state: NOT_LEADING, change: { leader: false, reason: 'the lease time ran out without a confirmed renewal' } });
    expect(nextLeaseState(leader, { kind: 'failed', error }, 9_900, TTL).change?.reason).toMatch(/could not be renewed in time: Redis at redis:\/\/127\.0\.0\.1:6379 did not answer/);
    // A follower that cannot reach Redis stays a follower, quietly.
    expect(nextLeaseState(NOT_LEADING, { kind: 'failed', error }, 0, TTL)).toEqual({ state: NOT_LEADING, change: null });
  });

  test('a renewal that finds the lease gone or someone else’s steps down at once', () => {
    const leader: LeaseState = { leader: true, validUntil: 9_898 };
    expect(nextLeaseState(leader, { kind: 'lost' }, 3_000, TTL)).toEqual({ state: NOT_LEADING, change: { leader: false, reason: 'the lease was no longer ours at renewal (it expired, and may have been taken)' } });
    expect(nextLeaseState(leader, { kind: 'released' }, 3_000, TTL).change).toEqual({ leader: false, reason: 'lease released at shutdown' });
    expect(nextLeaseState(NOT_LEADING, { kind: 'held', holderTtlMs: 4_000 }, 3_000, TTL)).toEqual({ state: NOT_LEADING, change: null });
  });

  test('a follower asks again just after the holder’s lease runs out, and at least every renewal interval', () => {
    expect(followerDelayMs(9_000, 3_333)).toBe(3_333);
    expect(followerDelayMs(1_200, 3_333)).toBe(1_205);
    expect(followerDelayMs(0, 3_333)).toBe(10);
    // Gone between our SET and PTTL: at once (almost); a key without expiry or no answer: the usual pace.
    expect(followerDelayMs(-2, 3_333)).toBe(10);
    expect(followerDelayMs(-1, 3_333)).toBe(3_333);
    expect(followerDelayMs(null, 3_333)).toBe(3_333);
  });
});

describe('Redis URLs in logs and messages', () => {
  test('the password never shows: display form without credentials, and scrubbed from any text', () => {
    const target = redisTarget('redis://tokenops:s3cr%40t-pw@redis.internal:6380/2');
    expect(target.display).toBe('redis://redis.internal:6380/2');
    expect(target.scrub('connect to redis://tokenops:s3cr%40t-pw@redis.internal:6380/2 failed')).toBe('connect to redis://redis.internal:6380/2 failed');
    expect(target.scrub('WRONGPASS s3cr@t-pw and s3cr%40t-pw')).toBe('WRONGPASS [redacted] and [redacted]');
    expect(redisTarget('redis://127.0.0.1:6379').display).toBe('redis://127.0.0.1:6379');
  });
});
