import { z } from 'zod';

/**
 * `TOKENOPS_METRICS`: `on` or `off`, nothing looser. A metrics endpoint is a door, so it is
 * opened only by the one word that means it; `yes` or `1` is an error at start rather than
 * a guess either way.
 */
export const metricsSwitchSchema = z
  .enum(['on', 'off'], { error: 'expected on or off (metrics are served only with TOKENOPS_METRICS=on)' })
  .default('off')
  .transform((value) => value === 'on');
