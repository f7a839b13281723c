import { describe, expect, it } from 'vitest';
import { classifyExpiry, HEALTH_VALUES, worstHealth, type Health } from '../../src/domain/token-health.js';

const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
const HOUR = 3_600_000;
const WARN = 24 * HOUR;

describe('classifyExpiry', () => {
  it('treats a null expiry as never expiring', () => {
    expect(classifyExpiry(null, NOW, WARN)).toBe('ok');
  });

  it('is expired when the expiry is exactly now', () => {
    expect(classifyExpiry(NOW, NOW, WARN)).toBe('expired');
  });

  it('is expired when the expiry is in the past', () => {
    expect(classifyExpiry(NOW - 1, NOW, WARN)).toBe('expired');
    expect(classifyExpiry(NOW - 2.5 * HOUR, NOW, WARN)).toBe('expired');
    expect(classifyExpiry(0, NOW, WARN)).toBe('expired');
  });

  it('is expiring one millisecond after now', () => {
    expect(classifyExpiry(NOW + 1, NOW, WARN)).toBe('expiring');
  });

  it('is expiring inside the warn window, including exactly at its edge', () => {
    expect(classifyExpiry(NOW + 2 * HOUR, NOW, WARN)).toBe('expiring');
    expect(classifyExpiry(NOW + WARN, NOW, WARN)).toBe('expiring');
  });

  it('is ok just beyond the warn window', () => {
    expect(classifyExpiry(NOW + WARN + 1, NOW, WARN)).toBe('ok');
    expect(classifyExpiry(NOW + 10 * 24 * HOUR, NOW, WARN)).toBe('ok');
  });

  it('uses the warn window it is given, not a fixed one', () => {
    expect(classifyExpiry(NOW + 2 * HOUR, NOW, HOUR)).toBe('ok');
    expect(classifyExpiry(NOW + 2 * HOUR, NOW, 3 * HOUR)).toBe('expiring');
  });

  it('with a zero warn window goes straight from ok to expired', () => {
    expect(classifyExpiry(NOW + 1, NOW, 0)).toBe('ok');
    expect(classifyExpiry(NOW, NOW, 0)).toBe('expired');
  });
});

describe('worstHealth', () => {
  it('is ok for no values', () => {
    expect(worstHealth([])).toBe('ok');
  });

  it('orders ok < expiring < expired < invalid', () => {
    expect(worstHealth(['ok', 'ok'])).toBe('ok');
    expect(worstHealth(['ok', 'expiring', 'ok'])).toBe('expiring');
    expect(worstHealth(['expiring', 'expired', 'ok'])).toBe('expired');
    expect(worstHealth(['expired', 'invalid', 'expiring'])).toBe('invalid');
  });

  it('does not depend on the order of values', () => {
    const values: Health[] = ['expired', 'ok', 'expiring'];
    expect(worstHealth(values)).toBe('expired');
    expect(worstHealth([...values].reverse())).toBe('expired');
  });

  it('accepts any iterable (a Set, a generator)', () => {
    expect(worstHealth(new Set<Health>(['ok', 'expiring']))).toBe('expiring');
    function* gen(): Generator<Health> {
      yield 'ok';
      yield 'invalid';
    }
    expect(worstHealth(gen())).toBe('invalid');
  });

  it('returns each value when it is the only one', () => {
    for (const value of HEALTH_VALUES) expect(worstHealth([value])).toBe(value);
  });
});
