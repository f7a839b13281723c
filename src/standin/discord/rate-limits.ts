import { createHash } from 'node:crypto';

/**
 * Discord's rate limits, as the local Discord plays them: each route has a bucket per major parameter
 * (channel, guild, or interaction webhook), with a limit per window; every answer carries the bucket's
 * `X-RateLimit-*` headers, and a request over the limit is answered 429 with `retry_after`. On top, a
 * global limit per second for everything but interaction callbacks and interaction webhooks, which
 * Discord keeps outside it.
 *
 * Discord publishes the mechanism, not the numbers; the numbers here are the ones it is known to
 * answer with (5 messages per 5 s in a channel, one reaction per 250 ms), and a generous default for the
 * rest. discord.js reads the headers and waits before it would be refused, so a bot that goes through it
 * should never see a 429: a test that finds one has found a request made around discord.js's queue.
 */
export interface RateLimitRule {
  /** `METHOD /v10/pattern` as the stand-in's router registers it. */
  route: string;
  limit: number;
  windowMs: number;
}

export interface RateLimits {
  rules: RateLimitRule[];
  /** Every other route: its own bucket with this limit and window. */
  fallback: { limit: number; windowMs: number };
  /** Requests per second across all routes (interaction callbacks and webhooks excepted). */
  globalPerSecond: number;
}

export const DISCORD_RATE_LIMITS: RateLimits = {
  rules: [
    { route: 'POST /v10/channels/:channel/messages', limit: 5, windowMs: 5_000 },
    { route: 'PATCH /v10/channels/:channel/messages/:message', limit: 5, windowMs: 5_000 },
    { route: 'DELETE /v10/channels/:channel/messages/:message', limit: 5, windowMs: 1_000 },
    { route: 'PUT /v10/channels/:channel/messages/:message/reactions/:emoji/:user', limit: 1, windowMs: 250 },
    { route: 'DELETE /v10/channels/:channel/messages/:message/reactions/:emoji/:user', limit: 1, windowMs: 250 },
    { route: 'POST /v10/webhooks/:app/:token', limit: 5, windowMs: 2_000 },
    { route: 'PATCH /v10/webhooks/:app/:token/messages/:message', limit: 5, windowMs: 2_000 },
  ],
  fallback: { limit: 50, windowMs: 1_000 },
  globalPerSecond: 50,
};

/** Routes Discord leaves out of every limit here: an interaction must be answered within 3 s. */
const UNLIMITED = new Set(['POST /v10/interactions/:id/:token/callback']);
/** Routes outside the global limit (they are limited per interaction token instead). */
const OUTSIDE_GLOBAL = (route: string) => route.includes(' /v10/webhooks/:app/:token');

/** The parameters that split a route into buckets, as Discord's: a channel, a guild, an interaction webhook. */
function majorParameter(params: Record<string, string>): string {
  if (params.channel) return `channel:${params.channel}`;
  if (params.guild) return `guild:${params.guild}`;
  if (params.token) return `webhook:${params.app}/${params.token}`;
  return '';
}

interface Window {
  startedAt: number;
  used: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfterMs: number; global: boolean };

const seconds = (ms: number) => (ms / 1000).toFixed(3);

const bucketIds = new Map<string, string>();
/** Discord's bucket id is an opaque hash shared by the routes of one bucket. */
const bucketId = (route: string) => {
  let id = bucketIds.get(route);
  if (!id) bucketIds.set(route, (id = createHash('sha1').update(route).digest('hex').slice(0, 32)));
  return id;
};

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private global: Window = { startedAt: 0, used: 0 };

  constructor(
    private readonly limits: RateLimits = DISCORD_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request to `route` (its router pattern) and says whether Discord would take it. */
  take(route: string, params: Record<string, string>): RateDecision | null {
    if (UNLIMITED.has(route)) return null;
    const now = this.now();
    if (!OUTSIDE_GLOBAL(route)) {
      if (now - this.global.startedAt >= 1_000) this.global = { startedAt: now, used: 0 };
      if (this.global.used >= this.limits.globalPerSecond) {
        const retryAfterMs = this.global.startedAt + 1_000 - now;
        return { allowed: false, global: true, retryAfterMs, headers: { 'Retry-After': seconds(retryAfterMs), 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'user' } };
      }
      this.global.used++;
    }
    const rule = this.limits.rules.find((candidate) => candidate.route === route) ?? { route, ...this.limits.fallback };
    const key = `${rule.route} ${majorParameter(params)}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= rule.windowMs) this.windows.set(key, (window = { startedAt: now, used: 0 }));
    const resetAfterMs = window.startedAt + rule.windowMs - now;
    const headers = {
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(Math.max(0, rule.limit - window.used - 1)),
      'X-RateLimit-Reset': seconds(now + resetAfterMs),
      'X-RateLimit-Reset-After': seconds(resetAfterMs),
      'X-RateLimit-Bucket': bucketId(rule.route),
    };
    if (window.used >= rule.limit) {
      return { allowed: false, global: false, retryAfterMs: resetAfterMs, headers: { ...headers, 'X-RateLimit-Remaining': '0', 'Retry-After': seconds(resetAfterMs), 'X-RateLimit-Scope': 'user' } };
    }
    window.used++;
    return { allowed: true, headers };
  }
}
