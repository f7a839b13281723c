import { z } from 'zod';

export const MIN_KEY_BYTES = 32;

/**
 * A node key as DESIGN.md fixes it: the raw bytes of the setting, decoded from hex when it
 * is exactly 64 hex characters, otherwise from base64. Error messages give the length only,
 * never the value.
 */
export function decodeNodeKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error('must be 64 hex characters or base64');
  }
  return Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
}

export const nodeKeySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required (generate one with: openssl rand -hex 32)' : 'expected a string') })
  .transform((text, ctx) => {
  let key: Buffer;
  try {
    key = decodeNodeKey(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
  if (key.length < MIN_KEY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must hold ${MIN_KEY_BYTES}+ random bytes (64 hex characters or 44+ base64 characters); it decodes to ${key.length} bytes`,
    });
    return z.NEVER;
  }
  return key;
});
