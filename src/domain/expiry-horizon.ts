import { z } from 'zod';

/*
 * One rule for every expiry that enters tokenops: read from a store, carried in a bundle,
 * answered by an agent, or granted by a token endpoint. An expiry is believed when it is
 * epoch milliseconds (an integer a Date can hold, not negative) and lies at most
 * EXPIRY_HORIZON_MS ahead. Past expiries, however far back, are believed: they only say
 * "expired", which harms nothing. Only the future is bounded, because an expiry too far
 * ahead is what hurts: status calls a dead token ok (the incident's restart), and it wins
 * newer-wins everywhere it is synced, so honest tokens are skipped as "target newer".
 * Microseconds (×1000) and year 9999 both land far past the horizon.
 */

const DAY_MS = 86_400_000;

/**
 * The longest-lived credential a store holds is a setup token, valid a year; 400 days
 * leave room for a leap year and for clocks that differ between nodes.
 */
export const EXPIRY_HORIZON_DAYS = 400;
export const EXPIRY_HORIZON_MS = EXPIRY_HORIZON_DAYS * DAY_MS;

/** What a Date can hold (±8.64e15 ms). */
const MAX_DATE_MS = 8_640_000_000_000_000;

/** The UTC calendar day, year unpadded and unsigned (`51234-01-01`), for a message. */
function calendarDay(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Why an expiry (epoch ms) cannot be believed at `nowMs`, or null when it can. The message names a day or a number, never anything else. */
export function expiryProblem(expiresMs: number, nowMs: number): string | null {
  if (!Number.isInteger(expiresMs) || expiresMs < 0 || expiresMs > MAX_DATE_MS) return `expires ${String(expiresMs)}: not a plausible expiry (epoch milliseconds expected)`;
  if (expiresMs - nowMs <= EXPIRY_HORIZON_MS) return null;
  return `expires ${calendarDay(expiresMs)}: not a plausible expiry (more than ${EXPIRY_HORIZON_DAYS} days ahead; epoch milliseconds expected)`;
}

export function expiryWithinHorizon(expiresMs: number, nowMs: number): boolean {
  return expiryProblem(expiresMs, nowMs) === null;
}

/**
 * No provider grants a token that expired before 2000: an expiry that old was written by a
 * tool. OpenClaw 2026.9's `openclaw doctor --fix` leaves the OAuth tokens it migrates from
 * a legacy multi-agent node at `expires: 1`. Such a token is expired all the same (OpenClaw
 * will not use it), but a message saying it expired "57 years ago" sends a person looking
 * for the wrong cause.
 */
export const RESET_EXPIRY_BEFORE_MS = Date.UTC(2000, 0, 1);

export function isResetExpiry(expiresMs: number): boolean {
  return expiresMs < RESET_EXPIRY_BEFORE_MS;
}

/** An expiry a tool reset, as every message says it: the day it was reset to, and that no provider granted it. */
export function resetExpiryWords(expiresMs: number): string {
  return `expiry reset to ${calendarDay(expiresMs)} (no provider granted it: a tool or migration wrote it)`;
}

/** When a token expires (or, `expired`, did), as every message says it: a relative Discord time, or for a reset expiry its words. */
export function expiryWords(expiresMs: number, expired: boolean): string {
  if (isResetExpiry(expiresMs)) return resetExpiryWords(expiresMs);
  return `${expired ? 'expired' : 'expires'} <t:${Math.floor(expiresMs / 1000)}:R>`;
}

/** UTC ISO time as the agent API writes it (`2026-02-14T09:12:00.000Z`); an extended year (`+051234-…`) is no such thing. */
const isoTime = z.iso.datetime();

/**
 * The same rule for an expiry as an agent answers it (ISO time). Text that is no time at
 * all is not repeated: an answer is not ours, and could carry anything.
 */
export function expiresAtProblem(expiresAt: string, nowMs: number): string | null {
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms) || !/^[+-]?\d{4,6}-/.test(expiresAt)) return 'expiresAt is not an ISO time: not a plausible expiry';
  const problem = expiryProblem(ms, nowMs);
  if (problem) return problem;
  return isoTime.safeParse(expiresAt).success ? null : 'expiresAt is not an ISO time: not a plausible expiry';
}
