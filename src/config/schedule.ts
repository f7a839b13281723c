import { Cron } from 'croner';
import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * When a job runs: a duration (`5m`, every five minutes) or a cron expression
 * (`*\/5 * * * *`, five fields, or six with seconds), checked by croner itself.
 */
export const scheduleSchema = z.string().transform((text, ctx): number | string => {
  const trimmed = text.trim();
  if (trimmed.split(/\s+/).length >= 5) {
    try {
      new Cron(trimmed, { paused: true }).stop();
      return trimmed;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid cron expression (${(error as Error).message})` });
      return z.NEVER;
    }
  }
  const duration = durationSchema.safeParse(trimmed);
  if (duration.success) return duration.data;
  ctx.addIssue({ code: 'custom', message: 'expected a duration such as 5m, or a cron expression such as */5 * * * *' });
  return z.NEVER;
});
export type Schedule = z.infer<typeof scheduleSchema>;
