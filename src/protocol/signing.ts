import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header names of the contract (DESIGN.md "Agent API"). */
export const HEADER = {
  timestamp: 'x-tokenops-timestamp',
  nonce: 'x-tokenops-nonce',
  signature: 'x-tokenops-signature',
} as const;

/** Requests further than this from the agent's clock are refused, as Stripe and Slack do. */
export const MAX_SKEW_SECONDS = 300;

export interface RequestToSign {
  method: string;
  /** Path with its query string, exactly as sent (`/v1/status?x=1`). */
  pathAndQuery: string;
  timestamp: number;
  nonce: string;
  body: Buffer | string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function requestCanonicalString(request: RequestToSign): string {
  return [
    'v1',
    request.method.toUpperCase(),
    request.pathAndQuery,
    String(request.timestamp),
    request.nonce,
    sha256Hex(request.body),
  ].join('\n');
}

function hmacHex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

export function signRequest(key: Buffer, request: RequestToSign): string {
  return `v1=${hmacHex(key, requestCanonicalString(request))}`;
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Headers for a signed call: timestamp, a fresh nonce, signature. */
export function signedHeaders(
  key: Buffer,
  method: string,
  pathAndQuery: string,
  body: Buffer | string,
  nowMs = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  const nonce = newNonce();
  return {
    [HEADER.timestamp]: String(timestamp),
    [HEADER.nonce]: nonce,
    [HEADER.signature]: signRequest(key, { method, pathAndQuery, timestamp, nonce, body }),
  };
}

/** Constant-time comparison of two `v1=<hex>` strings of any length. */
export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Compare equal-length buffers only; a length mismatch still costs one comparison.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/*
 * Responses are signed too (an extension of the contract), so a client can tell an agent's
 * answer from anything else that sits at its address. The signature binds the request's
 * nonce, so an old answer cannot be replayed for a new question.
 */
export const RESPONSE_HEADER = {
  timestamp: 'x-tokenops-timestamp',
  signature: 'x-tokenops-signature',
} as const;

export function responseCanonicalString(requestNonce: string, status: number, timestamp: number, body: Buffer | string): string {
  return ['v1-response', requestNonce, String(status), String(timestamp), sha256Hex(body)].join('\n');
}

export function signResponse(key: Buffer, requestNonce: string, status: number, timestamp: number, body: Buffer | string): string {
  return `v1=${hmacHex(key, responseCanonicalString(requestNonce, status, timestamp, body))}`;
}

/** One server-sent event, signed over the stream's request nonce, its id and its data. */
export function signEvent(key: Buffer, requestNonce: string, id: string, data: string): string {
  return `v1=${hmacHex(key, ['v1-event', requestNonce, id, data].join('\n'))}`;
}
