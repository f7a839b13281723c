import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Bodies that carry token values are sealed with AES-256-GCM under a key derived from the
 * node key (HKDF-SHA256), so plain HTTP on a LAN leaks nothing. The purpose (e.g.
 * `export:t440`) is bound as associated data: an envelope made for one use and node cannot
 * be passed off as another.
 */
export const sealedEnvelopeSchema = z.object({
  v: z.literal(1),
  alg: z.literal('A256GCM'),
  iv: z.base64().refine((text) => Buffer.from(text, 'base64').length === 12, 'must be 12 bytes'),
  ciphertext: z.base64(),
  tag: z.base64().refine((text) => Buffer.from(text, 'base64').length === 16, 'must be 16 bytes'),
});
export type SealedEnvelope = z.infer<typeof sealedEnvelopeSchema>;

const HKDF_INFO = 'tokenops/v1/seal';

function sealingKey(nodeKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', nodeKey, Buffer.alloc(0), HKDF_INFO, 32));
}

export function seal(nodeKey: Buffer, purpose: string, payload: unknown): SealedEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(nodeKey), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return {
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export class UnsealError extends Error {
  override readonly name = 'UnsealError';
}

/** Opens an envelope; any tampering, wrong key or wrong purpose is one error, without detail. */
export function unseal(nodeKey: Buffer, purpose: string, envelope: SealedEnvelope): unknown {
  try {
    // A fixed tag length: otherwise GCM accepts a truncated tag, and a 4-byte one is forgeable.
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(nodeKey), Buffer.from(envelope.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    throw new UnsealError('sealed body could not be opened (wrong key, wrong purpose or tampered)');
  }
}
