import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthProvider } from '../../../src/agent/refresh/oauth-providers.js';
import { EXPIRY_SKEW_MS, refreshWithGrant, UNKNOWN_LIFETIME_S } from '../../../src/agent/refresh/token-endpoint.js';

/*
 * The refresh-token grant against a token endpoint on 127.0.0.1 that this test scripts:
 * each request is recorded and answered by the next scripted reply.
 */

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  accept: string | undefined;
  body: string;
}

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const seen: Seen[] = [];
let script: Reply[] = [];
let server: Server;
let base: string;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

function raw(status: number, text: string, contentType = 'application/json'): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(text);
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], accept: req.headers.accept, body: Buffer.concat(chunks).toString('utf8') });
      const reply = script.shift() ?? json(500, { error: 'unscripted' });
      reply(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  seen.length = 0;
  script = [];
});

const NOW = 1_771_059_600_000;
const now = () => NOW;
const FAST = { backoff: { baseMs: 1, capMs: 5 }, now, timeoutMs: 2_000 };
const OLD_REFRESH = 'sk-ant-ort01-old-refresh-0123456789abcdef';

function provider(overrides: Partial<OAuthProvider> = {}): OAuthProvider {
  return { tokenUrl: `${base}/v1/oauth/token`, clientId: 'client-123', format: 'form', ...overrides };
}

const fresh = { access_token: 'new-access-token', refresh_token: 'new-refresh-token', expires_in: 28_800, token_type: 'Bearer' };

describe('refreshWithGrant: the request', () => {
  it('form encoding: POST, x-www-form-urlencoded, the grant fields, client secret and scope', async () => {
    script = [json(200, fresh)];
    const result = await refreshWithGrant(provider({ clientSecret: 'public-secret', scope: 'openid offline_access' }), OLD_REFRESH, FAST);
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/oauth/token');
    expect(request.contentType).toBe('application/x-www-form-urlencoded');
    expect(request.accept).toContain('application/json');
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: OLD_REFRESH,
      client_id: 'client-123',
      client_secret: 'public-secret',
      scope: 'openid offline_access',
    });
  });

  it('json encoding: application/json with the same fields', async () => {
    script = [json(200, fresh)];
    await refreshWithGrant(provider({ format: 'json', scope: 'user:inference' }), OLD_REFRESH, FAST);
    const request = seen[0]!;
    expect(request.contentType).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ grant_type: 'refresh_token', refresh_token: OLD_REFRESH, client_id: 'client-123', scope: 'user:inference' });
  });

  it('sends no client_secret or scope when none is configured', async () => {
    script = [json(200, fresh)];
    await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.has('client_secret')).toBe(false);
    expect(form.has('scope')).toBe(false);
  });

  it('form-encodes characters that need it', async () => {
    script = [json(200, fresh)];
    const tricky = 'a+b/c=d&e f';
    await refreshWithGrant(provider(), tricky, FAST);
    expect(new URLSearchParams(seen[0]!.body).get('refresh_token')).toBe(tricky);
  });

  it('does not follow a redirect to somewhere else', async () => {
    script = [(_req, res) => {
      res.writeHead(302, { location: `${base}/elsewhere` });
      res.end();
    }];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 1 });
    expect(result.ok).toBe(false);
    expect(seen.map((request) => request.url)).toEqual(['/v1/oauth/token']);
  });
});

describe('refreshWithGrant: success', () => {
  it('returns the tokens and expires = now + expires_in·1000 − 5 min', async () => {
    script = [json(200, fresh)];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(EXPIRY_SKEW_MS).toBe(5 * 60_000);
    expect(result).toEqual({ ok: true, access: 'new-access-token', refresh: 'new-refresh-token', expires: NOW + 28_800_000 - 300_000, lifetimeMs: 28_800_000 - 300_000, attempts: 1 });
  });

  it('uses the injected clock', async () => {
    script = [json(200, { access_token: 'a', expires_in: 600 })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, now: () => 1_000_000_000 });
    expect(result.ok && result.expires).toBe(1_000_000_000 + 600_000 - 300_000);
  });

  it('accepts expires_in as a numeric string', async () => {
    script = [json(200, { ...fresh, expires_in: '3600' })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(result.ok && result.expires).toBe(NOW + 3_600_000 - 300_000);
  });

  it('no refresh_token in the answer (no rotation) → refresh null', async () => {
    script = [json(200, { access_token: 'new-access-token', expires_in: 3600 })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(result).toMatchObject({ ok: true, access: 'new-access-token', refresh: null });
  });

  it('succeeds after a transient 5xx, counting attempts', async () => {
    script = [json(503, { error: 'temporarily_unavailable' }), json(200, fresh)];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(seen).toHaveLength(2);
  });
});

describe('refreshWithGrant: terminal errors', () => {
  it('400 invalid_grant is terminal after one attempt', async () => {
    script = [json(400, { error: 'invalid_grant' }), json(200, fresh), json(200, fresh)];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 5 });
    expect(result).toEqual({ ok: false, terminal: true, error: 'invalid_grant', status: 400, attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('a description mentioning reuse becomes refresh_token_reused; its text never appears in the result', async () => {
    const planted = 'sk-ant-ort01-PLANTED-Zx9Qw3Er5Ty7Ui9Op1As3Df5Gh7';
    const description = `Refresh token reuse detected for ${planted}; token family revoked`;
    script = [json(400, { error: 'invalid_grant', error_description: description })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 3 });
    expect(result).toMatchObject({ ok: false, terminal: true, error: 'refresh_token_reused', attempts: 1 });
    const text = JSON.stringify(result);
    expect(text).not.toContain(planted);
    expect(text).not.toContain('family revoked');
    expect(text).not.toContain(OLD_REFRESH);
    expect(seen).toHaveLength(1);
  });

  it('a description that does not mention reuse keeps the error code, and still leaks nothing', async () => {
    const planted = 'PLANTED-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    script = [json(400, { error: 'invalid_grant', error_description: `token ${planted} was revoked` })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(result).toMatchObject({ ok: false, terminal: true, error: 'invalid_grant' });
    expect(JSON.stringify(result)).not.toContain(planted);
  });

  it('refresh_token_reused as the error code itself is terminal', async () => {
    script = [json(400, { error: 'refresh_token_reused' })];
    expect(await refreshWithGrant(provider(), OLD_REFRESH, FAST)).toMatchObject({ ok: false, terminal: true, error: 'refresh_token_reused', attempts: 1 });
  });

  it('401 invalid_client is terminal', async () => {
    script = [json(401, { error: 'invalid_client' })];
    expect(await refreshWithGrant(provider(), OLD_REFRESH, FAST)).toMatchObject({ ok: false, terminal: true, error: 'invalid_client', status: 401, attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('a bare 400 without an OAuth error body is terminal as http_400', async () => {
    script = [raw(400, 'Bad Request', 'text/plain')];
    expect(await refreshWithGrant(provider(), OLD_REFRESH, FAST)).toMatchObject({ ok: false, terminal: true, error: 'http_400', attempts: 1 });
  });
});

describe('refreshWithGrant: retryable errors', () => {
  it('500 is retried `attempts` times, then failed and not terminal', async () => {
    script = [raw(500, 'oops', 'text/plain'), raw(500, 'oops', 'text/plain'), raw(500, 'oops', 'text/plain'), json(200, fresh)];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 3 });
    expect(result).toEqual({ ok: false, terminal: false, error: 'http_500', status: 500, attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it('429 is retried too', async () => {
    script = [json(429, {}, { 'retry-after': '0' }), json(429, {}, { 'retry-after': '0' })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 2 });
    expect(result).toMatchObject({ ok: false, terminal: false, error: 'http_429', status: 429, attempts: 2 });
    expect(seen).toHaveLength(2);
  });

  it('every retry sends the same grant', async () => {
    script = [raw(502, ''), raw(502, ''), raw(502, '')];
    await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 3 });
    expect(new Set(seen.map((request) => request.body)).size).toBe(1);
  });

  it('defaults to 3 attempts', async () => {
    script = [raw(500, ''), raw(500, ''), raw(500, ''), raw(500, '')];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { backoff: { baseMs: 1, capMs: 5 }, now });
    expect(result.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it('connection refused → ECONNREFUSED, not terminal', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const result = await refreshWithGrant(provider({ tokenUrl: `http://127.0.0.1:${port}/token` }), OLD_REFRESH, { ...FAST, attempts: 2 });
    expect(result).toEqual({ ok: false, terminal: false, error: 'ECONNREFUSED', status: null, attempts: 2 });
  });

  it('no answer within timeoutMs → timeout, not terminal', async () => {
    // Its own server, so the sockets it leaves hanging are not in the main server's pool.
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const started = Date.now();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
      const result = await refreshWithGrant(provider({ tokenUrl: url }), OLD_REFRESH, { ...FAST, timeoutMs: 100, attempts: 2 });
      expect(result).toEqual({ ok: false, terminal: false, error: 'timeout', status: null, attempts: 2 });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('a 200 whose body is not JSON → malformed_token_response, not terminal', async () => {
    script = [raw(200, '<html>login</html>', 'text/html')];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 1 });
    expect(result).toEqual({ ok: false, terminal: false, error: 'malformed_token_response', status: 200, attempts: 1 });
  });

  it('a 200 without access_token → malformed_token_response, and no token text in the result', async () => {
    script = [json(200, { refresh_token: 'rotated-but-useless-0123456789abcdef', expires_in: 3600 })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 1 });
    expect(result).toMatchObject({ ok: false, error: 'malformed_token_response' });
    expect(JSON.stringify(result)).not.toContain('rotated-but-useless');
  });

  // Regression (found by this test, fixed): a 2xx answer means the
  // provider accepted the grant and, with single-use rotation (Anthropic, OpenAI Codex), has
  // already spent the old refresh token. Retrying it sends a reused token, which gets
  // invalid_grant / refresh_token_reused and may revoke the whole token family. A malformed
  // success must not be retried: one request, then report it.
  it('a malformed 200 is not retried with the same (now spent) refresh token', async () => {
    script = [raw(200, '{"access_token":'), json(400, { error: 'invalid_grant', error_description: 'refresh token reuse detected' })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, { ...FAST, attempts: 3 });
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: 'malformed_token_response', attempts: 1 });
  });
});

// Issue 16.3: an expires_in no token has (a year and more, zero, negative, missing, not a
// number) is not believed; the grant is still a success (the provider has spent the old
// refresh token and rotated it), with an hour's lifetime assumed, so the new tokens are
// saved with an expiry that errs early.
describe('refreshWithGrant: an implausible expires_in', () => {
  const assumed = { ok: true, access: 'new-access-token', refresh: 'new-refresh-token', expires: NOW + UNKNOWN_LIFETIME_S * 1000 - 300_000, lifetimeMs: UNKNOWN_LIFETIME_S * 1000 - 300_000, attempts: 1 };

  it.each<[string, unknown, string]>([
    ['1e13 s', 1e13, 'expires_in 10000000000000: not a plausible lifetime; taken as 3600 s'],
    ['401 days', 401 * 86_400, 'expires_in 34646400: not a plausible lifetime; taken as 3600 s'],
    ['1e13 as a string', '1e13', 'expires_in 10000000000000: not a plausible lifetime; taken as 3600 s'],
    ['0', 0, 'expires_in 0: not a plausible lifetime; taken as 3600 s'],
    ['negative', -60, 'expires_in -60: not a plausible lifetime; taken as 3600 s'],
    ['null', null, 'expires_in missing: not a plausible lifetime; taken as 3600 s'],
    ['missing', undefined, 'expires_in missing: not a plausible lifetime; taken as 3600 s'],
    ['not a number', 'new-refresh-token-as-expiry', 'expires_in not a number: not a plausible lifetime; taken as 3600 s'],
  ])('%s: the tokens are returned with an hour assumed, and the reason says so', async (_label, expiresIn, note) => {
    script = [json(200, { ...fresh, expires_in: expiresIn })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(UNKNOWN_LIFETIME_S).toBe(3600);
    expect(result).toEqual({ ...assumed, lifetimeAssumed: note });
    expect(seen).toHaveLength(1);
  });

  it('400 days is believed (a year-long token, with room)', async () => {
    script = [json(200, { ...fresh, expires_in: 400 * 86_400 })];
    const result = await refreshWithGrant(provider(), OLD_REFRESH, FAST);
    expect(result).toMatchObject({ ok: true, expires: NOW + 400 * 86_400_000 - 300_000 });
    expect(result).not.toHaveProperty('lifetimeAssumed');
  });
});
