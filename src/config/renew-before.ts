import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * `renew.before`: how much of a token's lifetime may remain when it is renewed, as a
 * fraction of the lifetime (`"1/3"`, `"0.25"`) or a duration (`"20m"`). A fraction is what
 * cert-manager and Vault use (renew at about two thirds); a duration suits a provider whose
 * tokens all live the same time.
 */
export const renewBeforeSchema = z.string().transform((text, ctx): RenewBefore => {
  const trimmed = text.trim();
  const ratio = /^(\d+)\s*\/\s*(\d+)$/.exec(trimmed);
  const decimal = /^0?\.\d+$/.test(trimmed) ? Number(trimmed) : null;
  const value = ratio ? Number(ratio[1]) / Number(ratio[2]) : decimal;
  if (value !== null) {
    if (!Number.isFinite(value) || value <= 0 || value >= 1) {
      ctx.addIssue({ code: 'custom', message: 'a fraction must be between 0 and 1, e.g. "1/3"' });
      return z.NEVER;
    }
    return { kind: 'fraction', value };
  }
  const duration = durationSchema.safeParse(trimmed);
  if (duration.success) return { kind: 'duration', ms: duration.data };
  ctx.addIssue({ code: 'custom', message: 'expected a fraction of the lifetime such as "1/3", or a duration such as "20m"' });
  return z.NEVER;
});

export type RenewBefore = { kind: 'fraction'; value: number } | { kind: 'duration'; ms: number };
