import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HEADER,
  MAX_SKEW_SECONDS,
  newNonce,
  requestCanonicalString,
  sha256Hex,
  signaturesMatch,
  signedHeaders,
  signEvent,
  signRequest,
  signResponse,
} from '../../src/protocol/signing.js';

/** Independent reference, straight from DESIGN.md "Agent API". */
function referenceSign(key: Buffer, method: string, pathAndQuery: string, timestamp: number, nonce: string, body: Buffer | string): string {
  const bodyHash = createHash('sha256').update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest('hex');
  const text = `v1\n${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
  return `v1=${createHmac('sha256', key).update(Buffer.from(text, 'utf8')).digest('hex')}`;
}

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const NONCE = '0123456789abcdef0123456789abcdef';
const TS = 1_771_060_320;

describe('signRequest matches an independent implementation of the contract', () => {
  const cases: Array<[string, string, Buffer | string]> = [
    ['GET', '/v1/status', ''],
    ['GET', '/v1/status?node=t440&x=1', ''],
    ['POST', '/v1/import', '{"dryRun":true}'],
    ['post', '/v1/export', Buffer.from('{"profiles":["anthropic:default"]}')],
    ['POST', '/v1/import', 'ünïcødé → body'],
    ['PUT', '/v1/capacity', Buffer.from([0, 1, 2, 255, 254])],
  ];
  for (const [method, pathAndQuery, body] of cases) {
    it(`${method} ${pathAndQuery} (${typeof body === 'string' ? 'string' : 'buffer'} body of ${body.length})`, () => {
      const ours = signRequest(KEY, { method, pathAndQuery, timestamp: TS, nonce: NONCE, body });
      expect(ours).toBe(referenceSign(KEY, method, pathAndQuery, TS, NONCE, body));
      expect(ours).toMatch(/^v1=[0-9a-f]{64}$/);
    });
  }

  it('a known-answer vector (hard-coded, so both implementations cannot drift together)', () => {
    // canonical: "v1\nGET\n/v1/status\n1771060320\n0123456789abcdef0123456789abcdef\n" + sha256("")
    const expected = createHmac('sha256', KEY)
      .update('v1\nGET\n/v1/status\n1771060320\n0123456789abcdef0123456789abcdef\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
      .digest('hex');
    expect(signRequest(KEY, { method: 'GET', pathAndQuery: '/v1/status', timestamp: TS, nonce: NONCE, body: '' })).toBe(`v1=${expected}`);
  });

  it('the canonical string is exactly the documented layout', () => {
    expect(requestCanonicalString({ method: 'get', pathAndQuery: '/v1/status?a=1', timestamp: TS, nonce: NONCE, body: 'x' })).toBe(
      ['v1', 'GET', '/v1/status?a=1', String(TS), NONCE, createHash('sha256').update('x').digest('hex')].join('\n'),
    );
  });

  it('sha256Hex of a string and of its utf8 bytes agree', () => {
    expect(sha256Hex('héllo')).toBe(sha256Hex(Buffer.from('héllo', 'utf8')));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('every signed part changes the signature', () => {
    const base = { method: 'POST', pathAndQuery: '/v1/import?dry=1', timestamp: TS, nonce: NONCE, body: '{}' };
    const sig = signRequest(KEY, base);
    const variants = [
      { ...base, method: 'PUT' },
      { ...base, pathAndQuery: '/v1/import?dry=0' },
      { ...base, pathAndQuery: '/v1/import' },
      { ...base, timestamp: TS + 1 },
      { ...base, nonce: NONCE.replace(/0/, '1') },
      { ...base, body: '{ }' },
    ];
    for (const variant of variants) expect(signRequest(KEY, variant)).not.toBe(sig);
    const otherKey = Buffer.from(KEY);
    otherKey[0] = otherKey[0]! ^ 1;
    expect(signRequest(otherKey, base)).not.toBe(sig);
  });
});

describe('signedHeaders', () => {
  it('sends the contract headers: whole-second timestamp, 16-byte hex nonce, matching signature', () => {
    const nowMs = TS * 1000 + 999;
    const headers = signedHeaders(KEY, 'POST', '/v1/import', '{"a":1}', nowMs);
    expect(Object.keys(headers).sort()).toEqual([HEADER.nonce, HEADER.signature, HEADER.timestamp].sort());
    expect(headers[HEADER.timestamp]).toBe(String(TS));
    const nonce = headers[HEADER.nonce]!;
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(headers[HEADER.signature]).toBe(referenceSign(KEY, 'POST', '/v1/import', TS, nonce, '{"a":1}'));
  });

  it('uses a fresh nonce each call', () => {
    const a = signedHeaders(KEY, 'GET', '/v1/status', '', TS * 1000);
    const b = signedHeaders(KEY, 'GET', '/v1/status', '', TS * 1000);
    expect(a[HEADER.nonce]).not.toBe(b[HEADER.nonce]);
    expect(newNonce()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('header names are lower case (as Node delivers incoming headers)', () => {
    for (const name of Object.values(HEADER)) expect(name).toBe(name.toLowerCase());
    expect(HEADER).toEqual({ timestamp: 'x-tokenops-timestamp', nonce: 'x-tokenops-nonce', signature: 'x-tokenops-signature' });
  });

  it('the skew limit is 300 seconds', () => {
    expect(MAX_SKEW_SECONDS).toBe(300);
  });
});

describe('signaturesMatch', () => {
  const sig = referenceSign(KEY, 'GET', '/v1/status', TS, NONCE, '');
  it('accepts an identical signature', () => {
    expect(signaturesMatch(sig, `${sig}`)).toBe(true);
  });
  it('rejects one differing character, a different length, and empty', () => {
    const last = sig.at(-1) === '0' ? '1' : '0';
    expect(signaturesMatch(sig, sig.slice(0, -1) + last)).toBe(false);
    expect(signaturesMatch(sig, sig.slice(0, -1))).toBe(false);
    expect(signaturesMatch(sig, `${sig}0`)).toBe(false);
    expect(signaturesMatch(sig, '')).toBe(false);
  });
});

describe('response and event signatures', () => {
  it('signResponse binds nonce, status, timestamp and body', () => {
    const body = '{"ok":true}';
    const expected = `v1=${createHmac('sha256', KEY)
      .update(['v1-response', NONCE, '200', String(TS), createHash('sha256').update(body).digest('hex')].join('\n'))
      .digest('hex')}`;
    expect(signResponse(KEY, NONCE, 200, TS, body)).toBe(expected);
    expect(signResponse(KEY, NONCE, 401, TS, body)).not.toBe(expected);
    expect(signResponse(KEY, NONCE.replace('0', 'f'), 200, TS, body)).not.toBe(expected);
    expect(signResponse(KEY, NONCE, 200, TS + 1, body)).not.toBe(expected);
    expect(signResponse(KEY, NONCE, 200, TS, `${body} `)).not.toBe(expected);
  });

  it('a response signature is never a valid request signature (domain separation)', () => {
    const body = '';
    expect(signResponse(KEY, NONCE, 200, TS, body)).not.toBe(signRequest(KEY, { method: 'GET', pathAndQuery: '/', timestamp: TS, nonce: NONCE, body }));
  });

  it('signEvent binds nonce, id and data', () => {
    const expected = `v1=${createHmac('sha256', KEY).update(['v1-event', NONCE, '7', '{"type":"gateway.ready"}'].join('\n')).digest('hex')}`;
    expect(signEvent(KEY, NONCE, '7', '{"type":"gateway.ready"}')).toBe(expected);
    expect(signEvent(KEY, NONCE, '8', '{"type":"gateway.ready"}')).not.toBe(expected);
  });
});
