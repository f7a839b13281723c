import type { CellHealth, Severity } from './fleet-view.js';

/*
 * The health colours, once, for everything that colours a health: the timeline picture's
 * bars and the status embeds' side stripe. Chosen to read on Discord's dark theme.
 *
 * The two use them differently, on purpose. A bar stands for one copy of one token, and
 * the picture tells every health apart (a legend names them): an invalid token needs a new
 * login, a missing copy needs a sync, so they get hues of their own. An embed's stripe is
 * one colour for a whole message, read as a traffic light at a glance (fine / needs
 * attention / broken): there, a missing copy is "needs attention" (the expiring yellow) and
 * an invalid or unreachable one is "broken" (the expired red). Same hues, fewer of them.
 */

export const HEALTH_COLOURS: Record<CellHealth, string> = {
  ok: '#2ecc71',
  expiring: '#f1c40f',
  expired: '#e74c3c',
  invalid: '#9b59b6',
  missing: '#7f8c8d',
};

/** The healths from worst to best, as legends and counts list them. */
export const HEALTH_ORDER: readonly CellHealth[] = ['expired', 'invalid', 'expiring', 'missing', 'ok'];

/** A health in a line of text (status embeds, the timeline's caption). */
export const HEALTH_ICONS: Record<Severity, string> = {
  ok: '✅',
  missing: '➖',
  expiring: '⚠️',
  expired: '❌',
  invalid: '🚫',
  unreachable: '📵',
};

/** `#rrggbb` as `rgba(r, g, b, alpha)`: a faint fill in one of the hues. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** The traffic light an embed's stripe shows for its worst severity: which of the picture's hues. */
const TRAFFIC_LIGHT: Record<Severity, 'ok' | 'expiring' | 'expired'> = {
  ok: 'ok',
  missing: 'expiring',
  expiring: 'expiring',
  expired: 'expired',
  invalid: 'expired',
  unreachable: 'expired',
};

/** An embed's colour (Discord wants it as a number) for the worst severity it shows. */
export const EMBED_COLOURS = Object.fromEntries(
  Object.entries(TRAFFIC_LIGHT).map(([severity, light]) => [severity, Number.parseInt(HEALTH_COLOURS[light].slice(1), 16)]),
) as Record<Severity, number>;
