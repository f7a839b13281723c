import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * A client written from DESIGN.md alone, sharing no code with tokenops: what an outside
 * tool would do. Contract tests use it so a change to our signing code cannot quietly
 * change the contract too.
 */
export async function outsideSignedFetch(
  baseUrl: string,
  keyText: string,
  method: string,
  pathAndQuery: string,
  body = '',
  overrides: { timestamp?: number; nonce?: string; signature?: string } = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const signed = outsideSignedHeaders(keyText, method, pathAndQuery, body, overrides);
  const { timestamp, nonce } = signed;
  const signature = overrides.signature ?? signed.signature;
  const response = await fetch(baseUrl + pathAndQuery, {
    method,
    headers: {
      'X-Tokenops-Timestamp': timestamp,
      'X-Tokenops-Nonce': nonce,
      'X-Tokenops-Signature': signature,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body || undefined,
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, json, headers: response.headers };
}

/** The three contract headers for a request, computed from DESIGN.md alone (for raw requests). */
export function outsideSignedHeaders(
  keyText: string,
  method: string,
  pathAndQuery: string,
  body: Buffer | string = '',
  overrides: { timestamp?: number; nonce?: string } = {},
): { timestamp: string; nonce: string; signature: string } {
  const key = /^[0-9a-fA-F]{64}$/.test(keyText) ? Buffer.from(keyText, 'hex') : Buffer.from(keyText, 'base64');
  const timestamp = overrides.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = overrides.nonce ?? randomBytes(16).toString('hex');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const canonical = `v1\n${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
  return { timestamp: String(timestamp), nonce, signature: `v1=${createHmac('sha256', key).update(canonical).digest('hex')}` };
}
