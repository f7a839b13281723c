import ms from 'ms';
import { z } from 'zod';

/**
 * A duration as people write it in env files and the fleet file: `90s`, `5m`, `24h`, `7d`,
 * `500ms`. A bare number is refused on purpose: "60" could mean seconds or milliseconds,
 * and guessing wrong turns a 60 s confirmation window into 60 ms.
 */
export const durationSchema = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/i, {
    message: 'expected a duration such as 500ms, 90s, 5m, 24h or 7d',
  })
  .transform((text, ctx) => {
    const millis = ms(text as ms.StringValue);
    if (typeof millis !== 'number' || !Number.isFinite(millis) || millis <= 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a positive duration' });
      return z.NEVER;
    }
    return Math.round(millis);
  });

/** Millisecond duration as a short human string: `2h 5m`, `45s`, `3d 4h`. */
export function formatDuration(millis: number): string {
  const sign = millis < 0 ? '-' : '';
  let rest = Math.abs(Math.round(millis));
  if (rest < 1000) return `${sign}${rest}ms`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  for (const [label, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}
