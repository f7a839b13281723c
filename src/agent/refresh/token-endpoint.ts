import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { fullJitterDelay } from '../../domain/backoff.js';
import { expiryWithinHorizon } from '../../domain/expiry-horizon.js';
import { failureWord, httpExchange, type HttpAnswer } from '../../net/http-exchange.js';
import type { OAuthProvider } from './oauth-providers.js';

/** A token response is a few hundred bytes; more is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/*
 * The refresh-token grant (RFC 6749 §6) against a provider's token endpoint. Errors come
 * back as values: `terminal` (invalid_grant and its kin: the refresh token is dead, only a
 * new login helps, so never retry) or `retryable` (network, 5xx, 429), which are retried
 * here a few times with full-jitter backoff. Nothing from the provider's answer but its
 * error code is kept: a description could quote a token.
 */

/** OAuth error codes after which the same refresh token can never work again. */
const TERMINAL_ERRORS = new Set(['invalid_grant', 'refresh_token_reused', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type', 'invalid_request']);

/** OpenClaw stores `expires` five minutes early, so it refreshes before the provider would refuse (at most half the life of a very short token). */
export const EXPIRY_SKEW_MS = 5 * 60_000;

/*
 * expires_in is judged apart (below): a grant answered 2xx has spent the old refresh token,
 * so an expires_in we cannot use must never make us drop the tokens that came with it.
 */
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.unknown().optional(),
});

/**
 * The lifetime assumed when expires_in is missing (RFC 6749 allows it) or is none a token
 * has: not positive, not a number, or an expiry past the horizon (domain/expiry-horizon.ts,
 * e.g. 1e13 s). An hour is the shortest lifetime common providers grant, so the expiry
 * written errs early: that costs one refresh too soon, where one too late is the incident
 * (a restart reloading a dead token that status calls ok). Refusing the grant instead would
 * lose the rotated refresh token, and with it the login.
 */
export const UNKNOWN_LIFETIME_S = 3600;

/** The lifetime written for the provider's expires_in, and why it was assumed when that cannot be used (a number at most: a string is never repeated, it could be anything). */
function grantedLifetime(value: unknown, nowMs: number): { lifetimeMs: number; note?: string } {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const lifetimeMs = lifetimeOf(seconds);
  if (seconds > 0 && expiryWithinHorizon(nowMs + lifetimeMs, nowMs)) return { lifetimeMs };
  const said = value === undefined || value === null ? 'missing' : Number.isNaN(seconds) ? 'not a number' : String(seconds);
  return { lifetimeMs: lifetimeOf(UNKNOWN_LIFETIME_S), note: `expires_in ${said}: not a plausible lifetime; taken as ${UNKNOWN_LIFETIME_S} s` };
}

/** A token living less than twice the margin keeps half its life: the grant is spent either way. */
function lifetimeOf(grantedSeconds: number): number {
  const grantedMs = grantedSeconds * 1000;
  return Math.round(grantedMs - Math.min(EXPIRY_SKEW_MS, grantedMs / 2));
}

export type RefreshResult =
  | { ok: true; access: string; refresh: string | null; expires: number; lifetimeMs: number; attempts: number; lifetimeAssumed?: string }
  | { ok: false; terminal: boolean; error: string; status: number | null; attempts: number };

export interface RefreshOptions {
  timeoutMs?: number;
  attempts?: number;
  backoff?: { baseMs: number; capMs: number };
  now?: () => number;
}

async function once(provider: OAuthProvider, refreshToken: string, timeoutMs: number, now: () => number): Promise<RefreshResult> {
  const fields: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: provider.clientId };
  if (provider.clientSecret) fields.client_secret = provider.clientSecret;
  if (provider.scope) fields.scope = provider.scope;
  let answer: HttpAnswer;
  try {
    // A redirect is not followed (node:http never does): a token endpoint that moves is a
    // misconfiguration to see, not a place to send a refresh token.
    answer = await httpExchange(provider.tokenUrl, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': provider.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      body: provider.format === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      timeoutMs,
      maxBytes: MAX_TOKEN_RESPONSE_BYTES,
    });
  } catch (error) {
    return { ok: false, terminal: false, error: failureWord(error, 'network_error'), status: null, attempts: 1 };
  }
  const response = { status: answer.status, ok: answer.status >= 200 && answer.status < 300 };
  let body: unknown = null;
  try {
    body = answer.body === 'too_large' ? null : JSON.parse(answer.body.toString('utf8'));
  } catch {
    body = null;
  }
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) return { ok: false, terminal: false, error: 'malformed_token_response', status: response.status, attempts: 1 };
    const nowMs = now();
    const granted = grantedLifetime(parsed.data.expires_in, nowMs);
    return {
      ok: true,
      access: parsed.data.access_token,
      refresh: parsed.data.refresh_token ?? null,
      expires: nowMs + granted.lifetimeMs,
      lifetimeMs: granted.lifetimeMs,
      attempts: 1,
      ...(granted.note ? { lifetimeAssumed: granted.note } : {}),
    };
  }
  const code = body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : `http_${response.status}`;
  const description = body && typeof body === 'object' ? (body as { error_description?: unknown }).error_description : undefined;
  // Some servers say invalid_grant with a description of why (reused, revoked): keep the word, not the text.
  // Keep a word, never free text: a provider could put anything (a token) in `error` too.
  const word = /^[a-z0-9_.-]{1,64}$/i.test(code) ? code : `http_${response.status}`;
  const error = typeof description === 'string' && /reuse/i.test(description) ? 'refresh_token_reused' : word;
  const terminal = TERMINAL_ERRORS.has(code) || (response.status === 400 && code === `http_400`) || response.status === 401;
  return { ok: false, terminal, error, status: response.status, attempts: 1 };
}

export async function refreshWithGrant(provider: OAuthProvider, refreshToken: string, options: RefreshOptions = {}): Promise<RefreshResult> {
  const attempts = options.attempts ?? 3;
  const now = options.now ?? Date.now;
  let last: RefreshResult | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(fullJitterDelay(attempt, options.backoff ?? { baseMs: 500, capMs: 5_000 }));
    const result = await once(provider, refreshToken, options.timeoutMs ?? 10_000, now);
    last = { ...result, attempts: attempt + 1 };
    // A 2xx, even a malformed one, means the provider took the grant and spent the
    // single-use refresh token: sending it again would be a reuse.
    const accepted = !result.ok && result.status !== null && result.status < 300;
    if (result.ok || result.terminal || accepted) return last;
  }
  return last!;
}
