import { scrub } from '../../domain/scrub-secrets.js';
import { utcMinute, when } from './when.js';

const DISCORD_TIMESTAMP = /<t:(\d{1,12})(?::([tTdDfFR]))?>/g;

/**
 * A message that shared code phrased for Discord (a lock held "since <t:…:R>", a source
 * "expired <t:…:R>"), made plain for a terminal: timestamps become readable times, bold
 * marks go, and anything token-shaped is cut out, as agent text may quote one.
 */
export function plainMessage(text: string, nowMs: number): string {
  return scrub(text)
    .replace(DISCORD_TIMESTAMP, (_, seconds: string, style?: string) => {
      const ms = Number(seconds) * 1000;
      return style === 'R' ? when(new Date(ms).toISOString(), nowMs) : utcMinute(ms);
    })
    .replaceAll('**', '');
}
