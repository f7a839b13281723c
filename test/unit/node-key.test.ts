import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeNodeKey, MIN_KEY_BYTES, nodeKeySchema } from '../../src/protocol/node-key.js';

const BYTES32 = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
const HEX64 = BYTES32.toString('hex');

function problems(text: unknown): string[] {
  const parsed = nodeKeySchema.safeParse(text);
  expect(parsed.success).toBe(false);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('decodeNodeKey', () => {
  it('decodes 64 hex characters to 32 bytes', () => {
    const key = decodeNodeKey(HEX64);
    expect(key.length).toBe(32);
    expect(key.equals(BYTES32)).toBe(true);
  });

  it('decodes upper-case hex the same way', () => {
    expect(decodeNodeKey(HEX64.toUpperCase()).equals(BYTES32)).toBe(true);
  });

  it('ignores surrounding whitespace (a trailing newline from a file)', () => {
    expect(decodeNodeKey(`  ${HEX64}\n`).equals(BYTES32)).toBe(true);
  });

  it('decodes base64 of 32 bytes', () => {
    const text = BYTES32.toString('base64');
    expect(text).toHaveLength(44);
    expect(decodeNodeKey(text).equals(BYTES32)).toBe(true);
  });

  it('decodes base64url of 32 bytes', () => {
    const bytes = Buffer.alloc(32, 0xfb); // encodes with + and / in base64, - and _ in base64url
    expect(decodeNodeKey(bytes.toString('base64url')).equals(bytes)).toBe(true);
    expect(decodeNodeKey(bytes.toString('base64')).equals(bytes)).toBe(true);
  });

  it('hex means exactly 64 hex characters: 66 or 128 of them (openssl rand -hex 33 or 64) are read as base64, on every node alike', () => {
    for (const hex of [`${HEX64}ab`, `ab${HEX64}`, HEX64.repeat(2)]) {
      expect(decodeNodeKey(hex).equals(Buffer.from(hex, 'base64')), hex.length.toString()).toBe(true);
      expect(decodeNodeKey(hex).length).toBe(Math.floor((hex.length * 3) / 4));
    }
  });

  it('decodes longer keys (48 bytes base64)', () => {
    const bytes = randomBytes(48);
    expect(decodeNodeKey(bytes.toString('base64')).equals(bytes)).toBe(true);
  });

  it('refuses garbage with a message that does not repeat it', () => {
    for (const garbage of ['this is not a key!', 'key with spaces inside', 'abc$def', '"quoted"', '']) {
      let message = '';
      try {
        decodeNodeKey(garbage);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe('must be 64 hex characters or base64');
    }
  });
});

describe('nodeKeySchema', () => {
  it('accepts a 32-byte key and yields its bytes', () => {
    const parsed = nodeKeySchema.safeParse(HEX64);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.data.equals(BYTES32)).toBe(true);
    expect(MIN_KEY_BYTES).toBe(32);
  });

  it('refuses 16 bytes with a message that gives the byte count, never the value', () => {
    const bytes = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
    for (const text of [bytes.toString('base64'), bytes.toString('base64url')]) {
      const messages = problems(text);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('16 bytes');
      expect(messages[0]).toContain('32+');
      expect(messages[0]).not.toContain(text);
      expect(messages[0]).not.toContain(text.slice(0, 8));
      expect(messages[0]).not.toContain(bytes.toString('hex').slice(0, 8));
    }
  });

  it('refuses 31 bytes (one short) and names the count', () => {
    const text = randomBytes(31).toString('base64');
    const [message] = problems(text);
    expect(message).toContain('31 bytes');
    expect(message).not.toContain(text);
  });

  it('32 hex characters are not hex-decoded (only exactly 64 are): still refused as too short', () => {
    const text = 'deadbeefdeadbeefdeadbeefdeadbeef';
    const [message] = problems(text);
    expect(message).toMatch(/\d+ bytes/);
    expect(message).not.toContain('deadbeef');
  });

  it('refuses garbage with a fixed message', () => {
    const text = 'correct horse battery staple!';
    const messages = problems(text);
    expect(messages).toEqual(['must be 64 hex characters or base64']);
  });

  it('a missing key says it is required and how to make one', () => {
    const [message] = problems(undefined);
    expect(message).toMatch(/required/);
    expect(message).toMatch(/openssl rand/);
  });

  it('a non-string is refused as such, not as missing', () => {
    expect(problems(12345)).toEqual(['expected a string']);
    expect(problems(null)).toEqual(['expected a string']);
  });

  it('its refusals are custom issues with the message only (no path, no input)', () => {
    for (const text of ['correct horse battery staple!', randomBytes(16).toString('base64')]) {
      const parsed = nodeKeySchema.safeParse(text);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues).toHaveLength(1);
      expect(parsed.error?.issues[0]).toMatchObject({ code: 'custom', path: [] });
      expect(parsed.error?.issues[0]).not.toHaveProperty('input');
    }
    expect(nodeKeySchema.safeParse(randomBytes(16).toString('base64')).error?.issues[0]?.message).toBe(
      'must hold 32+ random bytes (64 hex characters or 44+ base64 characters); it decodes to 16 bytes',
    );
  });
});
