import { HEADER, MAX_SKEW_SECONDS, signRequest, signaturesMatch } from './signing.js';
import type { ReplayWindow } from './replay-window.js';

export type VerifyFailure = 'missing_headers' | 'malformed_headers' | 'stale' | 'bad_signature' | 'replayed';

export interface IncomingSigned {
  method: string;
  pathAndQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/**
 * Checks a request against the contract. The reason is for the agent's own log only: the
 * caller answers every failure with the same bare 401, so a prober learns nothing.
 * Order matters: the nonce is recorded only once the signature is known to be good.
 */
export function verifyRequest(
  key: Buffer,
  request: IncomingSigned,
  replay: ReplayWindow,
  nowMs: number,
): { ok: true; nonce: string; timestamp: number } | { ok: false; reason: VerifyFailure } {
  const timestampText = single(request.headers[HEADER.timestamp]);
  const nonce = single(request.headers[HEADER.nonce]);
  const signature = single(request.headers[HEADER.signature]);
  if (!timestampText || !nonce || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestampText) || !/^(?:[0-9a-fA-F]{2}){16,64}$/.test(nonce) || !/^v1=[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'malformed_headers' };
  }
  const timestamp = Number(timestampText);
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = signRequest(key, {
    method: request.method,
    pathAndQuery: request.pathAndQuery,
    timestamp,
    nonce,
    body: request.body,
  });
  if (!signaturesMatch(expected, signature)) return { ok: false, reason: 'bad_signature' };
  if (!replay.admit(nonce.toLowerCase(), nowMs)) return { ok: false, reason: 'replayed' };
  return { ok: true, nonce, timestamp };
}
