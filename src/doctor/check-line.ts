import { z } from 'zod';

/*
 * One line of `tokenops doctor`: what was checked, how it went, and the one thing to do
 * about it. Plain data, so the checks are pure where they judge and the CLI only renders.
 */

export const checkLineSchema = z.object({
  area: z.enum(['settings', 'discord', 'fleet', 'state']),
  /** What was checked, short: `token`, `t440 key`, `anthropic:default owner`. */
  check: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  /** What was found. */
  detail: z.string(),
  /** The one thing to do about it (warn and fail only). */
  fix: z.string().optional(),
});
export type CheckLine = z.infer<typeof checkLineSchema>;

export const pass = (area: CheckLine['area'], check: string, detail: string): CheckLine => ({ area, check, status: 'pass', detail });
export const warn = (area: CheckLine['area'], check: string, detail: string, fix: string): CheckLine => ({ area, check, status: 'warn', detail, fix });
export const fail = (area: CheckLine['area'], check: string, detail: string, fix: string): CheckLine => ({ area, check, status: 'fail', detail, fix });

/** Whether a doctor run passed: no line failed (warnings are for a person to read, not a failure). */
export function allPassed(lines: readonly CheckLine[]): boolean {
  return lines.every((line) => line.status !== 'fail');
}
