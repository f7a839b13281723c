export const HEALTH_VALUES = ['ok', 'expiring', 'expired', 'invalid'] as const;
export type Health = (typeof HEALTH_VALUES)[number];

/**
 * Health of a credential from its expiry alone. An OAuth access token past its expiry is
 * `expired` even when a refresh token exists: a restart reloads it, and the refresh token
 * may be dead too (single-use rotation, or simply old). No expiry means it never expires.
 */
export function classifyExpiry(expiresAtMs: number | null, nowMs: number, warnBeforeMs: number): Exclude<Health, 'invalid'> {
  if (expiresAtMs === null) return 'ok';
  if (expiresAtMs <= nowMs) return 'expired';
  if (expiresAtMs - nowMs <= warnBeforeMs) return 'expiring';
  return 'ok';
}

const SEVERITY: Record<Health, number> = { ok: 0, expiring: 1, expired: 2, invalid: 3 };

export function worstHealth(values: Iterable<Health>): Health {
  let worst: Health = 'ok';
  for (const value of values) if (SEVERITY[value] > SEVERITY[worst]) worst = value;
  return worst;
}
