import { describe, expect, it } from 'vitest';
import { DISCORD_RATE_LIMITS, RateLimiter } from '../../../src/standin/discord/rate-limits.js';

const SEND = 'POST /v10/channels/:channel/messages';

function limiter() {
  let now = 1_000_000;
  const rates = new RateLimiter(DISCORD_RATE_LIMITS, () => now);
  return { rates, advance: (ms: number) => (now += ms) };
}

describe("the local Discord's rate limits", () => {
  it('five messages per 5 s in a channel: the sixth is refused with the time left, the window after takes five again', () => {
    const { rates, advance } = limiter();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = rates.take(SEND, { channel: '1' });
      expect(decision?.allowed).toBe(true);
      remaining.push(decision!.headers['X-RateLimit-Remaining']!);
      advance(100);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = rates.take(SEND, { channel: '1' });
    expect(refused).toMatchObject({ allowed: false, global: false, retryAfterMs: 4_500 });
    expect(refused!.headers).toMatchObject({ 'Retry-After': '4.500', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': '4.500', 'X-RateLimit-Limit': '5', 'X-RateLimit-Scope': 'user' });
    advance(4_500);
    expect(rates.take(SEND, { channel: '1' })?.allowed).toBe(true);
  });

  it('each channel is its own bucket; the bucket id is the same for every channel of a route', () => {
    const { rates } = limiter();
    for (let i = 0; i < 5; i++) rates.take(SEND, { channel: '1' });
    expect(rates.take(SEND, { channel: '1' })?.allowed).toBe(false);
    const other = rates.take(SEND, { channel: '2' });
    expect(other?.allowed).toBe(true);
    expect(other!.headers['X-RateLimit-Bucket']).toMatch(/^[0-9a-f]{32}$/);
    expect(other!.headers['X-RateLimit-Bucket']).toBe(rates.take(SEND, { channel: '3' })!.headers['X-RateLimit-Bucket']);
    expect(other!.headers['X-RateLimit-Bucket']).not.toBe(rates.take('GET /v10/channels/:channel', { channel: '3' })!.headers['X-RateLimit-Bucket']);
  });

  it('one reaction per 250 ms in a channel', () => {
    const { rates, advance } = limiter();
    const react = 'PUT /v10/channels/:channel/messages/:message/reactions/:emoji/:user';
    expect(rates.take(react, { channel: '1', message: '2', emoji: '✅', user: '@me' })?.allowed).toBe(true);
    expect(rates.take(react, { channel: '1', message: '3', emoji: '❌', user: '@me' })).toMatchObject({ allowed: false, retryAfterMs: 250 });
    advance(250);
    expect(rates.take(react, { channel: '1', message: '3', emoji: '❌', user: '@me' })?.allowed).toBe(true);
  });

  it('50 requests a second in all, then a global 429; interaction callbacks are never limited, webhooks not globally', () => {
    const { rates, advance } = limiter();
    for (let i = 0; i < 50; i++) expect(rates.take('GET /v10/channels/:channel', { channel: String(i) })?.allowed).toBe(true);
    const refused = rates.take('GET /v10/guilds/:guild', { guild: '1' });
    expect(refused).toMatchObject({ allowed: false, global: true, retryAfterMs: 1_000 });
    expect(refused!.headers['X-RateLimit-Global']).toBe('true');
    expect(rates.take('POST /v10/interactions/:id/:token/callback', { id: '1', token: 't' })).toBeNull();
    expect(rates.take('POST /v10/webhooks/:app/:token', { app: '1', token: 't' })?.allowed).toBe(true);
    advance(1_000);
    expect(rates.take('GET /v10/guilds/:guild', { guild: '1' })?.allowed).toBe(true);
  });

  it('an interaction webhook: five per 2 s per interaction token', () => {
    const { rates } = limiter();
    const followUp = 'POST /v10/webhooks/:app/:token';
    for (let i = 0; i < 5; i++) expect(rates.take(followUp, { app: '1', token: 'a' })?.allowed).toBe(true);
    expect(rates.take(followUp, { app: '1', token: 'a' })).toMatchObject({ allowed: false, retryAfterMs: 2_000 });
    expect(rates.take(followUp, { app: '1', token: 'b' })?.allowed).toBe(true);
  });
});
