import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HEADER, MAX_SKEW_SECONDS, signedHeaders } from '../../src/protocol/signing.js';
import { ReplayWindow } from '../../src/protocol/replay-window.js';
import { verifyRequest, type IncomingSigned } from '../../src/protocol/verify-request.js';

/** Independent signer from DESIGN.md, so these tests do not trust signRequest. */
function referenceSign(key: Buffer, method: string, pathAndQuery: string, timestamp: number, nonce: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `v1=${createHmac('sha256', key).update(`v1\n${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyHash}`).digest('hex')}`;
}

const KEY = Buffer.alloc(32, 0x5a);
const OTHER_KEY = Buffer.alloc(32, 0x5b);
const NOW_S = 1_771_060_320;
const NOW_MS = NOW_S * 1000;
const NONCE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const BODY = Buffer.from('{"dryRun":true,"force":false}');

function request(
  overrides: { method?: string; path?: string; ts?: number; nonce?: string; body?: Buffer; key?: Buffer; sign?: { path?: string; body?: Buffer } } = {},
): IncomingSigned {
  const method = overrides.method ?? 'POST';
  const path = overrides.path ?? '/v1/import?dry=1';
  const ts = overrides.ts ?? NOW_S;
  const nonce = overrides.nonce ?? NONCE;
  const body = overrides.body ?? BODY;
  const signature = referenceSign(overrides.key ?? KEY, method, overrides.sign?.path ?? path, ts, nonce, overrides.sign?.body ?? body);
  return {
    method,
    pathAndQuery: path,
    headers: { [HEADER.timestamp]: String(ts), [HEADER.nonce]: nonce, [HEADER.signature]: signature, host: 'x' },
    body,
  };
}

function flipHexChar(signature: string, index: number): string {
  const char = signature[index]!;
  const flipped = char === 'a' ? 'b' : 'a';
  return signature.slice(0, index) + flipped + signature.slice(index + 1);
}

const replay = () => new ReplayWindow(2 * MAX_SKEW_SECONDS * 1000);

describe('verifyRequest', () => {
  it('accepts a correctly signed request and returns its nonce', () => {
    expect(verifyRequest(KEY, request(), replay(), NOW_MS)).toEqual({ ok: true, nonce: NONCE, timestamp: NOW_S });
  });

  it('accepts a GET with an empty body and a request signed by signedHeaders', () => {
    expect(verifyRequest(KEY, request({ method: 'GET', path: '/v1/status', body: Buffer.alloc(0) }), replay(), NOW_MS).ok).toBe(true);
    const headers = signedHeaders(KEY, 'POST', '/v1/export', '{}', NOW_MS);
    expect(verifyRequest(KEY, { method: 'POST', pathAndQuery: '/v1/export', headers, body: Buffer.from('{}') }, replay(), NOW_MS).ok).toBe(true);
  });

  describe('missing headers', () => {
    for (const name of [HEADER.timestamp, HEADER.nonce, HEADER.signature]) {
      it(`without ${name}`, () => {
        const req = request();
        delete req.headers[name];
        expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'missing_headers' });
      });
      it(`with ${name} empty`, () => {
        const req = request();
        req.headers[name] = '';
        expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'missing_headers' });
      });
    }

    it('with no headers at all', () => {
      expect(verifyRequest(KEY, { method: 'GET', pathAndQuery: '/v1/status', headers: {}, body: Buffer.alloc(0) }, replay(), NOW_MS)).toEqual({
        ok: false,
        reason: 'missing_headers',
      });
    });

    it('with a header repeated (array value), which is refused rather than guessed', () => {
      const req = request();
      req.headers[HEADER.nonce] = [NONCE, NONCE];
      expect(verifyRequest(KEY, req, replay(), NOW_MS).ok).toBe(false);
    });
  });

  describe('malformed headers', () => {
    const good = request();
    const cases: Array<[string, string, string]> = [
      ['timestamp not a number', HEADER.timestamp, 'yesterday'],
      ['timestamp negative', HEADER.timestamp, '-1771060320'],
      ['timestamp in milliseconds (13 digits)', HEADER.timestamp, String(NOW_MS)],
      ['timestamp with a fraction', HEADER.timestamp, `${NOW_S}.5`],
      ['nonce too short (15 bytes)', HEADER.nonce, 'ab'.repeat(15)],
      ['nonce not hex', HEADER.nonce, 'zz'.repeat(16)],
      ['nonce odd length', HEADER.nonce, `${NONCE}a`],
      ['signature without v1=', HEADER.signature, String(good.headers[HEADER.signature]).slice(3)],
      ['signature of another version', HEADER.signature, `v2=${String(good.headers[HEADER.signature]).slice(3)}`],
      ['signature truncated', HEADER.signature, String(good.headers[HEADER.signature]).slice(0, -2)],
      ['signature not hex', HEADER.signature, `v1=${'g'.repeat(64)}`],
      ['signature in upper-case hex', HEADER.signature, `v1=${String(good.headers[HEADER.signature]).slice(3).toUpperCase()}`],
      ['signature with a character before v1=', HEADER.signature, `xv1=${String(good.headers[HEADER.signature]).slice(3)}`],
      ['signature with a hex digit after its 64', HEADER.signature, `${String(good.headers[HEADER.signature])}0`],
    ];
    for (const [label, name, value] of cases) {
      it(label, () => {
        const req = request();
        req.headers[name] = value;
        expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'malformed_headers' });
      });
    }
  });

  describe('clock skew', () => {
    it('accepts a timestamp exactly 300 s in the past', () => {
      expect(verifyRequest(KEY, request({ ts: NOW_S - 300 }), replay(), NOW_MS).ok).toBe(true);
    });
    it('accepts a timestamp exactly 300 s in the future', () => {
      expect(verifyRequest(KEY, request({ ts: NOW_S + 300 }), replay(), NOW_MS).ok).toBe(true);
    });
    it('rejects a timestamp 301 s in the past', () => {
      expect(verifyRequest(KEY, request({ ts: NOW_S - 301 }), replay(), NOW_MS)).toEqual({ ok: false, reason: 'stale' });
    });
    it('rejects a timestamp 301 s in the future', () => {
      expect(verifyRequest(KEY, request({ ts: NOW_S + 301 }), replay(), NOW_MS)).toEqual({ ok: false, reason: 'stale' });
    });
    it('rejects timestamp 0', () => {
      expect(verifyRequest(KEY, request({ ts: 0 }), replay(), NOW_MS)).toEqual({ ok: false, reason: 'stale' });
    });
    it('a stale request does not consume its nonce', () => {
      const window = replay();
      expect(verifyRequest(KEY, request({ ts: NOW_S - 400 }), window, NOW_MS).ok).toBe(false);
      expect(window.size).toBe(0);
      expect(verifyRequest(KEY, request(), window, NOW_MS).ok).toBe(true);
    });
  });

  describe('bad signatures', () => {
    it('rejects a signature with one hex character flipped, at the start, middle and end', () => {
      for (const index of [3, 35, 66]) {
        const req = request();
        req.headers[HEADER.signature] = flipHexChar(String(req.headers[HEADER.signature]), index);
        expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      }
    });

    it('rejects a request signed with another key', () => {
      expect(verifyRequest(KEY, request({ key: OTHER_KEY }), replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a body changed after signing', () => {
      const req = request({ body: Buffer.from('{"dryRun":false,"force":true}'), sign: { body: BODY } });
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a body with one byte appended', () => {
      const req = request({ body: Buffer.concat([BODY, Buffer.from(' ')]), sign: { body: BODY } });
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a query changed after signing', () => {
      const req = request({ path: '/v1/import?dry=0', sign: { path: '/v1/import?dry=1' } });
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a query removed after signing', () => {
      const req = request({ path: '/v1/import', sign: { path: '/v1/import?dry=1' } });
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a different path or method', () => {
      const good = request();
      expect(verifyRequest(KEY, { ...good, pathAndQuery: '/v1/restart' }, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(verifyRequest(KEY, { ...good, method: 'PUT' }, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a timestamp changed after signing (within the skew)', () => {
      const req = request();
      req.headers[HEADER.timestamp] = String(NOW_S - 1);
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('rejects a nonce changed after signing', () => {
      const req = request();
      req.headers[HEADER.nonce] = NONCE.replace('a1', 'a2');
      expect(verifyRequest(KEY, req, replay(), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('a rejected bad-signature request does not consume its nonce', () => {
      const window = replay();
      const forged = request();
      forged.headers[HEADER.signature] = flipHexChar(String(forged.headers[HEADER.signature]), 10);
      expect(verifyRequest(KEY, forged, window, NOW_MS).ok).toBe(false);
      expect(window.size).toBe(0);
      expect(verifyRequest(KEY, request(), window, NOW_MS + 1000)).toEqual({ ok: true, nonce: NONCE, timestamp: NOW_S });
    });
  });

  describe('replay', () => {
    it('rejects the same request sent twice', () => {
      const window = replay();
      expect(verifyRequest(KEY, request(), window, NOW_MS).ok).toBe(true);
      expect(verifyRequest(KEY, request(), window, NOW_MS + 5000)).toEqual({ ok: false, reason: 'replayed' });
    });

    it('rejects a reused nonce even on another route', () => {
      const window = replay();
      expect(verifyRequest(KEY, request(), window, NOW_MS).ok).toBe(true);
      expect(verifyRequest(KEY, request({ method: 'GET', path: '/v1/status', body: Buffer.alloc(0) }), window, NOW_MS)).toEqual({
        ok: false,
        reason: 'replayed',
      });
    });

    it('treats the nonce case-insensitively (upper-case hex is the same nonce)', () => {
      const window = replay();
      expect(verifyRequest(KEY, request(), window, NOW_MS).ok).toBe(true);
      expect(verifyRequest(KEY, request({ nonce: NONCE.toUpperCase() }), window, NOW_MS)).toEqual({ ok: false, reason: 'replayed' });
    });

    it('records the nonce in lower case, as the replay log keeps it: one restored after a restart refuses its upper-case spelling', () => {
      const window = replay();
      expect(verifyRequest(KEY, request({ nonce: NONCE.toUpperCase() }), window, NOW_MS).ok).toBe(true);
      expect(window.live(NOW_MS)).toEqual([[NONCE, NOW_MS + 2 * MAX_SKEW_SECONDS * 1000]]);
      const restarted = replay();
      expect(restarted.restore(NONCE, NOW_MS + 60_000, NOW_MS)).toBe(true);
      expect(verifyRequest(KEY, request({ nonce: NONCE.toUpperCase() }), restarted, NOW_MS)).toEqual({ ok: false, reason: 'replayed' });
    });

    it('with the agent-sized window (2 x skew), a request cannot be replayed for as long as its timestamp is acceptable', () => {
      const window = replay();
      // signed 300 s ahead of the agent clock: acceptable from now until now + 600 s
      const ahead = () => request({ ts: NOW_S + 300 });
      expect(verifyRequest(KEY, ahead(), window, NOW_MS).ok).toBe(true);
      for (const later of [1, 300, 599]) {
        expect(verifyRequest(KEY, ahead(), window, NOW_MS + later * 1000)).toEqual({ ok: false, reason: 'replayed' });
      }
      expect(verifyRequest(KEY, ahead(), window, NOW_MS + 601 * 1000)).toEqual({ ok: false, reason: 'stale' });
    });

    it('other nonces still pass after a replay is refused', () => {
      const window = replay();
      verifyRequest(KEY, request(), window, NOW_MS);
      verifyRequest(KEY, request(), window, NOW_MS);
      expect(verifyRequest(KEY, request({ nonce: 'ff'.repeat(16) }), window, NOW_MS).ok).toBe(true);
    });
  });
});
