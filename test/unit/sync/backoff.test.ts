import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from '../../../src/domain/backoff.js';

const OPTS = { baseMs: 100, capMs: 5_000 };

describe('fullJitterDelay', () => {
  it('draws from [0, base · 2^attempt) while under the cap', () => {
    expect(fullJitterDelay(0, OPTS, () => 0)).toBe(0);
    expect(fullJitterDelay(0, OPTS, () => 0.5)).toBe(50);
    expect(fullJitterDelay(1, OPTS, () => 0.5)).toBe(100);
    expect(fullJitterDelay(3, OPTS, () => 0.5)).toBe(400);
    // The top of the range: random() < 1, so never the ceiling itself.
    expect(fullJitterDelay(3, OPTS, () => 0.999_999)).toBe(799);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [6, 10, 50, 1_000, 5_000]) {
      const top = fullJitterDelay(attempt, OPTS, () => 0.999_999);
      expect(top).toBeLessThan(OPTS.capMs);
      expect(top).toBeGreaterThanOrEqual(OPTS.capMs - 1);
      expect(fullJitterDelay(attempt, OPTS, () => 0.5)).toBe(2_500);
      expect(Number.isFinite(fullJitterDelay(attempt, OPTS, () => 0.5))).toBe(true);
    }
  });

  it('treats a negative attempt as the first one', () => {
    expect(fullJitterDelay(-3, OPTS, () => 0.5)).toBe(50);
  });

  it('returns whole, non-negative milliseconds within bounds for any random draw', () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(OPTS.capMs, OPTS.baseMs * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = fullJitterDelay(attempt, OPTS, lcg);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('is deterministic for an injected random source', () => {
    const draws = [0.1, 0.7, 0.3];
    const run = () => {
      let i = 0;
      return [0, 1, 2].map((attempt) => fullJitterDelay(attempt, OPTS, () => draws[i++] ?? 0));
    };
    expect(run()).toEqual(run());
    expect(run()).toEqual([10, 140, 120]);
  });

  it('uses Math.random by default and stays within bounds', () => {
    for (let i = 0; i < 200; i++) {
      const delay = fullJitterDelay(2, OPTS);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(400);
    }
  });

  it('a zero cap means no wait', () => {
    expect(fullJitterDelay(5, { baseMs: 100, capMs: 0 }, () => 0.9)).toBe(0);
  });
});
