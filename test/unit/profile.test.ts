import { describe, expect, it } from 'vitest';
import {
  agentIdSchema,
  apiKeyProfileSchema,
  authProfilesDocumentSchema,
  epochMsSchema,
  isSyncableType,
  oauthProfileSchema,
  profileIdSchema,
  profileSchema,
  providerOfProfile,
  tokenProfileSchema,
} from '../../src/domain/profile.js';

/*
 * The ids and profiles tokenops reads from OpenClaw's stores and takes in requests. A
 * profile id and an agent id end up in paths, commands and logs, so the schemas are what
 * keeps "../" and control characters out of all of them.
 */

const messages = (schema: { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, value: unknown) =>
  schema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

describe('profileIdSchema: provider, colon, name', () => {
  it('accepts the ids OpenClaw writes, in any case, with any name that is no path', () => {
    for (const id of [
      'anthropic:default',
      'openai-codex:ops@example.com',
      'Anthropic:Default',
      '0:x',
      'a.b_c-d:x',
      'anthropic:.env',
      'anthropic:..x',
      'anthropic:x..',
      'anthropic:a:b',
      'anthropic:zoë',
      `anthropic:${'n'.repeat(256 - 'anthropic:'.length)}`,
    ]) {
      expect(profileIdSchema.safeParse(id).success, id).toBe(true);
    }
  });

  it('refuses an id that does not start with a letter or digit, or has no provider or no name', () => {
    for (const id of ['.anthropic:default', '-anthropic:default', '_a:b', ':default', 'anthropic:', 'anthropic', '', 'anthr opic:default', 'anthropic/x:default', 'é:default']) {
      expect(profileIdSchema.safeParse(id).success, id).toBe(false);
    }
  });

  it('refuses a name that could read as a path or cut a string short: slashes, spaces, control characters, all dots', () => {
    for (const id of [
      'anthropic:../etc',
      'anthropic:a/b',
      'anthropic:a\\b',
      'anthropic:a b',
      'anthropic:default\n',
      'anthropic:a\tb',
      'anthropic:a\u0000b',
      'anthropic:a\u007f',
      'anthropic:a\u0085',
      'anthropic:.',
      'anthropic:..',
      'anthropic:...',
      'x anthropic:default',
      '../anthropic:default',
    ]) {
      expect(profileIdSchema.safeParse(id).success, JSON.stringify(id)).toBe(false);
    }
  });

  it('is at most 256 characters', () => {
    expect(profileIdSchema.safeParse(`anthropic:${'n'.repeat(256 - 'anthropic:'.length)}`).success).toBe(true);
    expect(profileIdSchema.safeParse(`anthropic:${'n'.repeat(257 - 'anthropic:'.length)}`).success).toBe(false);
  });

  it('says what an id looks like when it refuses one', () => {
    expect(messages(profileIdSchema, 'anthropic:a/b')).toEqual(['expected a profile id like "anthropic:default" (provider:name, no slashes, spaces or control characters)']);
  });
});

describe('providerOfProfile', () => {
  it('is the part before the first colon', () => {
    expect(providerOfProfile('anthropic:default')).toBe('anthropic');
    expect(providerOfProfile('openai-codex:ops@example.com')).toBe('openai-codex');
    expect(providerOfProfile('a:b:c')).toBe('a');
  });

  it('is the whole id when there is no provider before a colon (an id the schema would refuse)', () => {
    expect(providerOfProfile('anthropic')).toBe('anthropic');
    expect(providerOfProfile(':default')).toBe(':default');
  });
});

describe('agentIdSchema', () => {
  it('accepts 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit', () => {
    for (const id of ['main', 'a', '7', 'Ops-2.b_c', `a${'b'.repeat(63)}`]) {
      expect(agentIdSchema.safeParse(id).success, id).toBe(true);
    }
  });

  it('refuses anything else: a path, a leading dot or dash, a space, 65 characters, nothing', () => {
    for (const id of ['', '.', '..', '.main', '-main', '_main', 'main/x', '/main', 'x/main', 'main x', 'main\n', 'mäin', `a${'b'.repeat(64)}`]) {
      expect(agentIdSchema.safeParse(id).success, JSON.stringify(id)).toBe(false);
    }
  });

  it('says what an agent id is made of when it refuses one', () => {
    expect(messages(agentIdSchema, '../main')).toEqual(['expected an agent id of letters, digits, ".", "_" or "-"']);
  });
});

describe('epochMsSchema', () => {
  it('is a whole, non-negative number of milliseconds a Date can hold', () => {
    for (const ms of [0, 1, 1_771_060_320_000, 8_640_000_000_000_000]) expect(epochMsSchema.safeParse(ms).success, String(ms)).toBe(true);
    for (const ms of [-1, 1.5, 8_640_000_000_000_001, Number.NaN, Number.POSITIVE_INFINITY, '1771060320000']) {
      expect(epochMsSchema.safeParse(ms).success, String(ms)).toBe(false);
    }
  });
});

describe('the profile schemas', () => {
  const oauth = { type: 'oauth', provider: 'anthropic', access: 'sk-ant-oat01-access', refresh: 'sk-ant-ort01-refresh', expires: 1_771_060_320_000, email: 'ops@example.com' };
  const token = { type: 'token', provider: 'anthropic', token: 'sk-ant-oat01-setup-token', expires: 1_771_060_320_000 };
  const apiKey = { type: 'api_key', provider: 'openai', key: 'sk-proj-key' };

  it('reads each type, keeping the fields it does not know (a rewrite must hand them back)', () => {
    for (const [schema, profile] of [
      [oauthProfileSchema, oauth],
      [tokenProfileSchema, token],
      [apiKeyProfileSchema, apiKey],
    ] as const) {
      const withExtra = { ...profile, displayName: 'Ops', clientId: 'c-1' };
      expect(schema.parse(withExtra)).toEqual(withExtra);
      expect(profileSchema.parse(withExtra)).toEqual(withExtra);
    }
    expect(tokenProfileSchema.parse({ type: 'token', provider: 'anthropic', token: 't' })).toEqual({ type: 'token', provider: 'anthropic', token: 't' });
    expect(apiKeyProfileSchema.parse({ type: 'api_key', provider: 'openai', keyRef: { env: 'OPENAI_API_KEY' } })).toEqual({ type: 'api_key', provider: 'openai', keyRef: { env: 'OPENAI_API_KEY' } });
  });

  it('a one-character value is a value; an empty one is none', () => {
    expect(oauthProfileSchema.safeParse({ ...oauth, provider: 'a', access: 'b', refresh: 'c' }).success).toBe(true);
    for (const field of ['provider', 'access', 'refresh'] as const) expect(oauthProfileSchema.safeParse({ ...oauth, [field]: '' }).success, field).toBe(false);
    expect(tokenProfileSchema.safeParse({ ...token, provider: 'a', token: 'b' }).success).toBe(true);
    for (const field of ['provider', 'token'] as const) expect(tokenProfileSchema.safeParse({ ...token, [field]: '' }).success, field).toBe(false);
    expect(apiKeyProfileSchema.safeParse({ ...apiKey, provider: 'a', key: 'b' }).success).toBe(true);
    for (const field of ['provider', 'key'] as const) expect(apiKeyProfileSchema.safeParse({ ...apiKey, [field]: '' }).success, field).toBe(false);
  });

  it('an oauth profile needs its access token and expiry; a token profile its token', () => {
    const { access: _access, ...noAccess } = oauth;
    const { expires: _expires, ...noExpiry } = oauth;
    const { token: _token, ...noToken } = token;
    expect(oauthProfileSchema.safeParse(noAccess).success).toBe(false);
    expect(oauthProfileSchema.safeParse(noExpiry).success).toBe(false);
    expect(oauthProfileSchema.safeParse({ ...oauth, expires: 1.5 }).success).toBe(false);
    expect(tokenProfileSchema.safeParse(noToken).success).toBe(false);
  });

  it('the type decides the schema: one type is never read as another, and an unknown type is none', () => {
    expect(oauthProfileSchema.safeParse({ ...oauth, type: 'token' }).success).toBe(false);
    expect(tokenProfileSchema.safeParse({ ...token, type: 'oauth' }).success).toBe(false);
    expect(apiKeyProfileSchema.safeParse({ ...apiKey, type: 'token' }).success).toBe(false);
    expect(profileSchema.safeParse({ ...token, type: 'oauth' }).success).toBe(false);
    for (const type of ['magic', '', undefined]) expect(profileSchema.safeParse({ ...oauth, type }).success, String(type)).toBe(false);
  });
});

describe('authProfilesDocumentSchema', () => {
  it('is { version?, profiles } and keeps any other top-level field', () => {
    const document = { version: 1, profiles: { 'anthropic:default': { type: 'oauth' } }, lastGood: { anthropic: 'anthropic:default' } };
    expect(authProfilesDocumentSchema.parse(document)).toEqual(document);
    expect(authProfilesDocumentSchema.parse({ profiles: {} })).toEqual({ profiles: {} });
  });

  it('refuses a document without profiles, or with a version that is no whole number', () => {
    for (const document of [{}, { version: 1 }, { profiles: [] }, { profiles: null }, { version: 1.5, profiles: {} }, { version: '1', profiles: {} }]) {
      expect(authProfilesDocumentSchema.safeParse(document).success, JSON.stringify(document)).toBe(false);
    }
  });
});

describe('isSyncableType', () => {
  it('oauth and token credentials sync; API keys and anything else do not', () => {
    expect(isSyncableType('oauth')).toBe(true);
    expect(isSyncableType('token')).toBe(true);
    for (const type of ['api_key', '', 'OAUTH', 'tokens']) expect(isSyncableType(type), type).toBe(false);
  });
});
