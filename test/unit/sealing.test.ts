import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, sealedEnvelopeSchema, unseal, UnsealError, type SealedEnvelope } from '../../src/protocol/sealing.js';

const KEY = Buffer.alloc(32, 0x42);
const OTHER_KEY = Buffer.alloc(32, 0x43);
const ACCESS = 'sk-ant-oat01-SEALED-PLAINTEXT-access-0123456789abcdef';
const REFRESH = 'sk-ant-ort01-SEALED-PLAINTEXT-refresh-fedcba9876543210';
const PAYLOAD = {
  node: 'pc-a',
  exportedAt: '2026-02-14T09:12:00.000Z',
  credentials: [{ profileId: 'anthropic:default', type: 'oauth', fields: { access: ACCESS, refresh: REFRESH, expires: 1771080000000 } }],
};
const PURPOSE = 'import:t440';

function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

function unsealError(run: () => unknown): UnsealError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsealError);
    return error as UnsealError;
  }
  throw new Error('expected unseal to throw');
}

function expectOpaque(error: UnsealError): void {
  expect(error.name).toBe('UnsealError');
  expect(error.message).toBe('sealed body could not be opened (wrong key, wrong purpose or tampered)');
  for (const text of [ACCESS, REFRESH, 'SEALED-PLAINTEXT', 'anthropic:default']) {
    expect(error.message).not.toContain(text);
    expect(String(error.stack)).not.toContain(text);
  }
}

describe('seal / unseal', () => {
  it('round-trips a payload', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expect(unseal(KEY, PURPOSE, envelope)).toEqual(PAYLOAD);
  });

  it('round-trips strings, numbers, null and unicode', () => {
    for (const payload of ['', 'héllo → wörld', 0, null, [1, 'two', { three: 3 }]]) {
      expect(unseal(KEY, 'p', seal(KEY, 'p', payload))).toEqual(payload);
    }
  });

  it('produces a valid envelope: v1, A256GCM, 12-byte iv, 16-byte tag', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expect(sealedEnvelopeSchema.safeParse(envelope).success).toBe(true);
    expect(envelope.v).toBe(1);
    expect(envelope.alg).toBe('A256GCM');
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
  });

  it('the envelope does not contain the plaintext, in base64 or decoded', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const text = JSON.stringify(envelope);
    const decoded = Buffer.from(envelope.ciphertext, 'base64').toString('latin1');
    for (const secret of [ACCESS, REFRESH, 'SEALED-PLAINTEXT']) {
      expect(text).not.toContain(secret);
      expect(decoded).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
    }
    // ciphertext has the plaintext's length (GCM is a stream mode), i.e. it really is the payload
    expect(Buffer.from(envelope.ciphertext, 'base64').length).toBe(Buffer.byteLength(JSON.stringify(PAYLOAD)));
  });

  it('uses a fresh iv every time: the same payload seals differently', () => {
    const a = seal(KEY, PURPOSE, PAYLOAD);
    const b = seal(KEY, PURPOSE, PAYLOAD);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('the wrong key fails with an opaque UnsealError', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expectOpaque(unsealError(() => unseal(OTHER_KEY, PURPOSE, envelope)));
  });

  it('a wrong purpose fails (an export envelope cannot be replayed as an import, or to another node)', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    for (const purpose of ['export:t440', 'import:pc-a', 'import:t440 ', '']) {
      expectOpaque(unsealError(() => unseal(KEY, purpose, envelope)));
    }
  });

  it('a flipped ciphertext byte fails (first, middle and last byte)', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const length = Buffer.from(envelope.ciphertext, 'base64').length;
    for (const index of [0, Math.floor(length / 2), length - 1]) {
      expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...envelope, ciphertext: flipByte(envelope.ciphertext, index) })));
    }
  });

  it('a flipped tag byte fails', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    for (const index of [0, 15]) {
      expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...envelope, tag: flipByte(envelope.tag, index) })));
    }
  });

  it('a flipped iv byte fails', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...envelope, iv: flipByte(envelope.iv, 3) })));
  });

  it('a truncated ciphertext fails', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const short = Buffer.from(envelope.ciphertext, 'base64').subarray(0, 10).toString('base64');
    expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...envelope, ciphertext: short })));
  });

  it('swapping ciphertexts between two envelopes fails', () => {
    const a = seal(KEY, PURPOSE, PAYLOAD);
    const b = seal(KEY, PURPOSE, { other: true });
    expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...a, ciphertext: b.ciphertext })));
  });

  it('garbage fields fail with UnsealError, not another error type', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const broken = { ...envelope, iv: '' } as SealedEnvelope;
    expectOpaque(unsealError(() => unseal(KEY, PURPOSE, broken)));
  });

  it('refuses a truncated authentication tag, even the true tag\'s 4-byte prefix (no 32-bit forgery)', () => {
    // GCM lets a decipher accept a shortened tag unless its length is pinned (authTagLength: 16).
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const shortTag = Buffer.from(envelope.tag, 'base64').subarray(0, 4).toString('base64');
    expectOpaque(unsealError(() => unseal(KEY, PURPOSE, { ...envelope, tag: shortTag })));
  });

  it('the schema refuses envelopes with a wrong-size iv or tag', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, tag: Buffer.alloc(4).toString('base64') }).success).toBe(false);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, iv: Buffer.alloc(16).toString('base64') }).success).toBe(false);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, v: 2 }).success).toBe(false);
  });

  it('the schema names which part is the wrong size, and takes nothing but a v1 A256GCM envelope with all its parts', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    expect(sealedEnvelopeSchema.parse(envelope)).toEqual(envelope);
    const messages = (value: unknown) => {
      const parsed = sealedEnvelopeSchema.safeParse(value);
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(messages({ ...envelope, iv: Buffer.alloc(16).toString('base64') })).toEqual(['iv: must be 12 bytes']);
    expect(messages({ ...envelope, tag: Buffer.alloc(12).toString('base64') })).toEqual(['tag: must be 16 bytes']);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, alg: 'A128GCM' }).success).toBe(false);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, alg: '' }).success).toBe(false);
    expect(sealedEnvelopeSchema.safeParse({ ...envelope, ciphertext: 'not base64!' }).success).toBe(false);
    for (const part of ['v', 'alg', 'iv', 'ciphertext', 'tag'] as const) {
      const { [part]: _dropped, ...rest } = envelope;
      expect(sealedEnvelopeSchema.safeParse(rest).success, part).toBe(false);
    }
    expect(sealedEnvelopeSchema.safeParse({}).success).toBe(false);
  });
});

describe('the sealing key, as the README documents it (another build or language must open what this one seals)', () => {
  // Independent of sealing.ts: HKDF-SHA256 of the node key, empty salt, info "tokenops/v1/seal", 32 bytes.
  const referenceKey = (nodeKey: Buffer) => Buffer.from(hkdfSync('sha256', nodeKey, Buffer.alloc(0), 'tokenops/v1/seal', 32));

  it('an envelope opens with the reference key, the purpose as associated data and the UTF-8 JSON payload', () => {
    const envelope = seal(KEY, PURPOSE, PAYLOAD);
    const decipher = createDecipheriv('aes-256-gcm', referenceKey(KEY), Buffer.from(envelope.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(PURPOSE));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    expect(plain).toBe(JSON.stringify(PAYLOAD));
  });

  it('unseal opens an envelope made by the reference, and only with the same node key', () => {
    const iv = Buffer.alloc(12, 0x07);
    const cipher = createCipheriv('aes-256-gcm', referenceKey(KEY), iv);
    cipher.setAAD(Buffer.from(PURPOSE));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify({ greeting: 'héllo → wörld' }), 'utf8'), cipher.final()]);
    const envelope: SealedEnvelope = { v: 1, alg: 'A256GCM', iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
    expect(unseal(KEY, PURPOSE, envelope)).toEqual({ greeting: 'héllo → wörld' });
    expectOpaque(unsealError(() => unseal(OTHER_KEY, PURPOSE, envelope)));
  });
});
