import type { RenewBefore } from '../config/renew-before.js';
import { fullJitterDelay } from './backoff.js';

/*
 * When an account's token is renewed: once `renew.before` of its lifetime remains, a little
 * earlier by a jitter of its own so that accounts issued together do not all renew in the
 * same second (Vault renews at about 2/3 of a lease with 10–20 % jitter). The jitter comes
 * from the account's name and the token's expiry, not from a random draw: every bot replica,
 * and the same replica after a restart, computes the same moment.
 */

const HOUR = 3_600_000;

/**
 * Lifetimes of tokens tokenops did not issue, until it has renewed one and learnt the
 * provider's own `expires_in`: Anthropic's access tokens live about 8 h, Codex's about
 * 10 days, Google's an hour.
 */
export const DEFAULT_LIFETIMES_MS: Readonly<Record<string, number>> = {
  anthropic: 8 * HOUR,
  'openai-codex': 10 * 24 * HOUR,
  'google-gemini-cli': 1 * HOUR,
};
/** A provider nobody told us about: assume short-lived, so it renews early rather than late. */
export const FALLBACK_LIFETIME_MS = 1 * HOUR;

/** The jitter's share of the remaining time: renewal comes up to 10 % of it earlier. */
const JITTER_SHARE = 0.1;
/** A duration `before` longer than the lifetime would renew again at once: leave at least a tenth of the life. */
const MAX_REMAINING_SHARE = 0.9;

/** The lifetime to plan with: learnt from the provider, else configured, else the provider's default. */
export function lifetimeOf(provider: string | null, learnedMs: number | null, configured: Readonly<Record<string, number>>): number {
  if (learnedMs !== null && learnedMs > 0) return learnedMs;
  if (provider && configured[provider]) return configured[provider];
  return (provider && DEFAULT_LIFETIMES_MS[provider]) || FALLBACK_LIFETIME_MS;
}

/** How much of the lifetime remains at renewal, before jitter. */
export function remainingAtRenewal(lifetimeMs: number, before: RenewBefore): number {
  const wanted = before.kind === 'fraction' ? lifetimeMs * before.value : before.ms;
  return Math.min(wanted, lifetimeMs * MAX_REMAINING_SHARE);
}

/** A number in [0, 1) from a string: FNV-1a, enough to spread accounts, not a secret. */
export function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/** When a token expiring at `expiresAtMs` is renewed. */
export function renewalDueAt(expiresAtMs: number, lifetimeMs: number, before: RenewBefore, account: string): number {
  const remaining = remainingAtRenewal(lifetimeMs, before);
  const jitter = unitHash(`${account}\u0000${expiresAtMs}`) * JITTER_SHARE * remaining;
  return Math.round(expiresAtMs - remaining - jitter);
}

/**
 * When to try again after the `failures`-th transient failure in a row (timeout, 5xx,
 * network, a busy node): exponential backoff with full jitter, 10 s doubling to 5 min as the
 * kubelet does, scaled down for short-lived tokens so that several tries fit in what
 * remains. At least a second, so a failing provider is never hammered.
 */
export function retryAt(nowMs: number, failures: number, lifetimeMs: number, random: () => number = Math.random): number {
  const baseMs = Math.min(10_000, lifetimeMs / 50);
  const capMs = Math.min(5 * 60_000, lifetimeMs / 10);
  return nowMs + Math.max(1_000, fullJitterDelay(Math.max(0, failures - 1), { baseMs, capMs }, random));
}
