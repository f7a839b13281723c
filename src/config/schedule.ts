import { Cron } from 'croner';
import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * When a job runs: a duration (`5m`, every five minutes) or a cron expression
 * (`*\/5 * * * *`, five fields, or six with seconds), checked by croner itself.
 */
export const scheduleSchema = z.union([
  durationSchema,
  z
    .string()
    .trim()
    .refine((text) => text.split(/\s+/).length >= 5, 'expected a duration (5m) or a cron expression (*/5 * * * *)')
    .refine((text) => {
      try {
        new Cron(text, { paused: true }).stop();
        return true;
      } catch {
        return false;
      }
    }, 'not a valid cron expression'),
]);
export type Schedule = z.infer<typeof scheduleSchema>;
