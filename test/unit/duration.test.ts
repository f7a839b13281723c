import { describe, expect, it } from 'vitest';
import { durationSchema, formatDuration } from '../../src/config/duration.js';

const parse = (text: unknown) => durationSchema.safeParse(text);

describe('durationSchema', () => {
  const good: Array<[string, number]> = [
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['  5m  ', 300_000],
    ['10 s', 10_000],
    ['24H', 86_400_000],
    ['1MS', 1],
  ];
  for (const [text, millis] of good) {
    it(`${JSON.stringify(text)} -> ${millis}`, () => {
      const parsed = parse(text);
      expect(parsed.success).toBe(true);
      if (parsed.success) expect(parsed.data).toBe(millis);
    });
  }

  it('rounds fractional milliseconds to an integer', () => {
    const parsed = parse('1.4ms');
    expect(parsed.success && parsed.data).toBe(1);
  });

  const bad = ['60', '', '   ', 'h', '5 minutes', '5min', '1y', '-5m', '+5m', '5m30s', '0s', '0ms', '0.0h', 'five minutes', '1e3ms', '5.m'];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const parsed = parse(text);
      expect(parsed.success).toBe(false);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) expect(issue.message).toMatch(/duration/);
      }
    });
  }

  it('refuses a bare number with the example message (the seconds-or-ms ambiguity)', () => {
    const parsed = parse('60');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues[0]?.message).toBe('expected a duration such as 500ms, 90s, 5m, 24h or 7d');
  });

  it('refuses zero as not positive', () => {
    const parsed = parse('0s');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((issue) => issue.message)).toContain('expected a positive duration');
  });

  it('refuses non-strings', () => {
    expect(parse(60).success).toBe(false);
    expect(parse(undefined).success).toBe(false);
    expect(parse(null).success).toBe(false);
  });
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0ms'],
    [1, '1ms'],
    [999, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [1500, '1s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [90_000, '1m 30s'],
    [3_600_000, '1h'],
    [7_500_000, '2h 5m'],
    [7_530_000, '2h 5m'],
    [86_400_000, '1d'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
    [86_400_000 + 3_600_000 + 60_000 + 1000, '1d 1h'],
    [86_400_000 + 5 * 60_000, '1d 5m'],
    [30 * 86_400_000, '30d'],
    [-90_000, '-1m 30s'],
    [-500, '-500ms'],
  ];
  for (const [millis, text] of cases) {
    it(`${millis} -> ${text}`, () => {
      expect(formatDuration(millis)).toBe(text);
    });
  }

  it('shows at most two units', () => {
    for (const millis of [93_784_000, 3_723_000, 1_000_000_000]) expect(formatDuration(millis).split(' ').length).toBeLessThanOrEqual(2);
  });

  it('round-trips through durationSchema for single-unit values', () => {
    for (const text of ['45s', '5m', '2h', '7d']) {
      const parsed = durationSchema.safeParse(text);
      expect(parsed.success && formatDuration(parsed.data)).toBe(text);
    }
  });
});
