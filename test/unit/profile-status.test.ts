import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/domain/fingerprint.js';
import { foldOAuthCopies, profileExpiry, profileSecret, readProfile, summarizeProfile } from '../../src/domain/profile-status.js';
import { EXPIRY_HORIZON_MS } from '../../src/domain/expiry-horizon.js';
import { profileStatusSchema } from '../../src/protocol/agent-api.js';

const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
const HOUR = 3_600_000;
const WARN = 24 * HOUR;

const ACCESS = 'sk-ant-oat01-PLANTED-access-Zq8wKx1c9d0e1f2a3b4c5d6e7';
const REFRESH = 'sk-ant-ort01-PLANTED-refresh-Yp7vJw0b8c9d0e1f2a3b4c5d6';
const TOKEN = 'sk-ant-api03-PLANTED-setup-token-Xo6uIv9a7b8c9d0e1f2a3b4c';
const KEY = 'sk-proj-PLANTED-api-key-Wn5tHu8z6a7b8c9d0e1f2a3b';
const SECRETS = [ACCESS, REFRESH, TOKEN, KEY];

function expectNoSecret(value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret);
    // not even a recognisable part of it
    expect(text).not.toContain(secret.slice(-16));
  }
}

describe('summarizeProfile', () => {
  it('summarises an oauth profile: expiry as ISO, refresh presence, fingerprint, health', () => {
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: NOW + 8 * HOUR, email: 'ops@example.com' };
    const status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    expect(status).toEqual({
      agentId: 'main',
      profileId: 'anthropic:default',
      provider: 'anthropic',
      type: 'oauth',
      expiresAt: new Date(NOW + 8 * HOUR).toISOString(),
      hasRefreshToken: true,
      fingerprint: fingerprint('oauth', ACCESS),
      health: 'expiring',
    });
    expect(status.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(profileStatusSchema.safeParse(status).success).toBe(true);
    expectNoSecret(status);
  });

  it('an expired oauth profile is expired even with a refresh token (the incident)', () => {
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: NOW - 2 * HOUR };
    const status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    expect(status.health).toBe('expired');
    expect(status.hasRefreshToken).toBe(true);
  });

  it('an oauth profile without a refresh token says so', () => {
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, expires: NOW + 48 * HOUR };
    const status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    expect(status.hasRefreshToken).toBe(false);
    expect(status.health).toBe('ok');
  });

  it('summarises a token profile with and without an expiry', () => {
    const withExpiry = summarizeProfile('main', 'anthropic:manual', { type: 'token', provider: 'anthropic', token: TOKEN, expires: NOW + 12 * HOUR }, NOW, WARN);
    expect(withExpiry).toMatchObject({ type: 'token', provider: 'anthropic', expiresAt: new Date(NOW + 12 * HOUR).toISOString(), hasRefreshToken: false, health: 'expiring' });
    expect(withExpiry.fingerprint).toBe(fingerprint('token', TOKEN));
    const without = summarizeProfile('main', 'anthropic:manual', { type: 'token', provider: 'anthropic', token: TOKEN }, NOW, WARN);
    expect(without).toMatchObject({ expiresAt: null, health: 'ok' });
    expectNoSecret([withExpiry, without]);
  });

  it('summarises an api_key profile: never expires, fingerprint of the key or keyRef', () => {
    const withKey = summarizeProfile('main', 'openai:default', { type: 'api_key', provider: 'openai', key: KEY }, NOW, WARN);
    expect(withKey).toMatchObject({ type: 'api_key', expiresAt: null, hasRefreshToken: false, health: 'ok', fingerprint: fingerprint('api_key', KEY) });
    const withRef = summarizeProfile('main', 'openai:ref', { type: 'api_key', provider: 'openai', keyRef: { env: 'OPENAI_API_KEY' } }, NOW, WARN);
    expect(withRef.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(withRef.health).toBe('ok');
    const bare = summarizeProfile('main', 'openai:bare', { type: 'api_key', provider: 'openai' }, NOW, WARN);
    expect(bare.fingerprint).toBeNull();
    expectNoSecret([withKey, withRef, bare]);
  });

  it('different access tokens give different fingerprints; the same token the same one', () => {
    const a = summarizeProfile('main', 'p:a', { type: 'oauth', provider: 'p', access: ACCESS, expires: NOW }, NOW, WARN);
    const b = summarizeProfile('other', 'p:a', { type: 'oauth', provider: 'p', access: ACCESS, expires: NOW + 1 }, NOW, WARN);
    const c = summarizeProfile('main', 'p:a', { type: 'oauth', provider: 'p', access: `${ACCESS}x`, expires: NOW }, NOW, WARN);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('a malformed profile is invalid, with a reason naming the field, and no secret', () => {
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: 'tomorrow' };
    const status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    expect(status.health).toBe('invalid');
    expect(status.expiresAt).toBeNull();
    expect(status.fingerprint).toBeNull();
    expect(status.provider).toBe('anthropic');
    expect(status.type).toBe('oauth');
    expect(status.hasRefreshToken).toBe(true);
    expect(status.reason).toMatch(/expires/);
    expect(profileStatusSchema.safeParse(status).success).toBe(true);
    expectNoSecret(status);
  });

  it('an unknown type is invalid and the reason mentions type', () => {
    const status = summarizeProfile('main', 'x:y', { type: 'magic', provider: 'x', access: ACCESS }, NOW, WARN);
    expect(status).toMatchObject({ health: 'invalid', type: 'magic', fingerprint: null });
    expect(status.reason).toMatch(/type/);
    expectNoSecret(status);
  });

  it('a secret in the wrong type (number where a string belongs) still does not leak', () => {
    const status = summarizeProfile('main', 'x:y', { type: 'oauth', provider: 'x', access: 12345678901234567890, refresh: REFRESH, expires: NOW }, NOW, WARN);
    expect(status.health).toBe('invalid');
    expect(JSON.stringify(status)).not.toContain('1234567890');
    expectNoSecret(status);
  });

  it('secrets in invalid profiles of every type do not leak through the reason', () => {
    const raws: unknown[] = [
      { type: 'oauth', provider: '', access: ACCESS, refresh: REFRESH, expires: NOW },
      { type: 'oauth', provider: 'a', access: ACCESS, refresh: REFRESH, expires: -1 },
      { type: 'oauth', provider: 'a', access: ACCESS, refresh: REFRESH, expires: 1.5 },
      { type: 'oauth', provider: 'a', access: ACCESS, refresh: '', expires: NOW },
      { type: 'token', provider: 'a', token: TOKEN, expires: 'later' },
      { type: 'api_key', provider: 'a', key: '' , keyRef: KEY, extra: KEY },
      { type: 'api_key', provider: 42, key: KEY },
      { type: ACCESS, provider: 'a' },
    ];
    for (const raw of raws) {
      const status = summarizeProfile('main', 'a:b', raw, NOW, WARN);
      if (status.health === 'invalid') {
        expect(status.reason).toBeTruthy();
        // the reason is made of messages only
        for (const secret of SECRETS) expect(status.reason).not.toContain(secret);
      }
      // all fields but `type` (which echoes the stored type string) must stay clean
      const { type: _type, ...rest } = status;
      expectNoSecret(rest);
    }
  });

  it('an unreadable profile whose provider and type are not strings shows neither (what status says of them must be a name)', () => {
    const status = summarizeProfile('main', 'anthropic:default', { type: 7, provider: { name: 'anthropic' }, access: ACCESS }, NOW, WARN);
    expect(status).toMatchObject({ health: 'invalid', provider: null, type: null, hasRefreshToken: false });
    expect(profileStatusSchema.safeParse(status).success).toBe(true);
  });

  it('a profile that is not an object at all is invalid with no provider or type', () => {
    for (const raw of [null, 'oauth', 42, [ACCESS]]) {
      const status = summarizeProfile('main', 'a:b', raw, NOW, WARN);
      expect(status).toMatchObject({ health: 'invalid', provider: null, type: null, hasRefreshToken: false, fingerprint: null, expiresAt: null });
      expectNoSecret(status);
    }
  });

  it('keeps unknown fields from influencing the summary (loose schema)', () => {
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, expires: NOW + 48 * HOUR, displayName: 'Ops', clientId: 'c', enterpriseUrl: 'https://x' };
    expect(summarizeProfile('main', 'anthropic:default', raw, NOW, WARN)).toMatchObject({ health: 'ok', type: 'oauth' });
  });

  it('does not throw on an expiry beyond the Date range (8.7e15 ms); status must still be reportable', () => {
    // A corrupt store value must give a status (e.g. `invalid`), not crash the status route.
    const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, expires: 8_700_000_000_000_000 };
    let status: unknown;
    expect(() => {
      status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    }).not.toThrow();
    expect(profileStatusSchema.safeParse(status).success).toBe(true);
  });
});

describe('what counts as refreshable (issue 17: the restart plan trusts this flag)', () => {
  it('only an OAuth profile with a refresh token is refreshable: a stray refresh field on a token or an API key is not, valid or not', () => {
    const refreshable = (raw: Record<string, unknown>) => summarizeProfile('main', 'p', raw, NOW, WARN).hasRefreshToken;
    expect(refreshable({ type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: NOW + 8 * HOUR })).toBe(true);
    expect(refreshable({ type: 'token', provider: 'anthropic', token: TOKEN, refresh: REFRESH })).toBe(false);
    expect(refreshable({ type: 'api_key', provider: 'openai', key: KEY, refresh: REFRESH })).toBe(false);
    // Unreadable ones: an OAuth profile missing its access token still has its refresh token to renew from.
    expect(refreshable({ type: 'oauth', provider: 'anthropic', refresh: REFRESH, expires: NOW + 8 * HOUR })).toBe(true);
    expect(refreshable({ type: 'token', provider: 'anthropic', refresh: REFRESH })).toBe(false);
    expect(refreshable({ type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: 42, expires: NOW })).toBe(false);
  });

  it('an API key with a stray expires never shows as expiring', () => {
    const status = summarizeProfile('main', 'openai:default', { type: 'api_key', provider: 'openai', key: KEY, expires: NOW + HOUR }, NOW, WARN);
    expect(status).toMatchObject({ expiresAt: null, health: 'ok' });
  });
});

describe('profileSecret / profileExpiry', () => {
  it('picks the secret by type', () => {
    expect(profileSecret({ type: 'oauth', provider: 'a', access: ACCESS, expires: 1 })).toBe(ACCESS);
    expect(profileSecret({ type: 'token', provider: 'a', token: TOKEN })).toBe(TOKEN);
    expect(profileSecret({ type: 'api_key', provider: 'a', key: KEY })).toBe(KEY);
    expect(profileSecret({ type: 'api_key', provider: 'a' })).toBeNull();
  });

  it('api keys never expire; token expiry is optional', () => {
    expect(profileExpiry({ type: 'api_key', provider: 'a', key: KEY })).toBeNull();
    expect(profileExpiry({ type: 'token', provider: 'a', token: TOKEN })).toBeNull();
    expect(profileExpiry({ type: 'token', provider: 'a', token: TOKEN, expires: 7 })).toBe(7);
    expect(profileExpiry({ type: 'oauth', provider: 'a', access: ACCESS, expires: 9 })).toBe(9);
  });
});

describe('readProfile: well-formed, and an expiry that can be believed (issue 17)', () => {
  it('malformed: every schema problem named, joined by "; "', () => {
    const read = readProfile({ type: 'oauth', provider: 'anthropic', expires: 'soon' }, NOW);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem).toBe('malformed');
    expect(read.reason.split('; ').length).toBeGreaterThan(1);
    expect(read.reason).toMatch(/access/);
    expect(read.reason).toMatch(/expires/);
  });

  it('an expiry past the horizon is its own problem, and the profile is invalid in status with why; the rest still reads', () => {
    const far = { type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: NOW + EXPIRY_HORIZON_MS + 1 };
    const read = readProfile(far, NOW);
    expect(read).toEqual({ ok: false, problem: 'expiry', reason: expect.stringMatching(/^expires \d+-\d\d-\d\d: not a plausible expiry \(more than 400 days ahead/) });
    const status = summarizeProfile('main', 'anthropic:default', far, NOW, WARN);
    expect(status).toMatchObject({ health: 'invalid', expiresAt: null, fingerprint: null, hasRefreshToken: true, type: 'oauth', provider: 'anthropic' });
    expectNoSecret(status);
    expect(readProfile({ ...far, expires: NOW + EXPIRY_HORIZON_MS }, NOW).ok).toBe(true);
    // A profile without an expiry has none to disbelieve.
    expect(readProfile({ type: 'token', provider: 'anthropic', token: TOKEN }, NOW).ok).toBe(true);
  });
});

describe('foldOAuthCopies', () => {
  const copy = (agentId: string, overrides: Record<string, unknown> = {}) => ({ agentId, profileId: 'anthropic:default', type: 'oauth', health: 'ok' as const, expiresAt: '2026-02-14T17:12:00.000Z', ...overrides });

  it('one entry per token: agents holding the same profile, health and expiry together, in the order first seen; other types left out', () => {
    const folded = foldOAuthCopies([
      copy('a1'),
      copy('a2', { expiresAt: '2026-02-14T18:12:00.000Z' }),
      copy('a3'),
      copy('a4', { health: 'expiring' }),
      copy('a5', { profileId: 'anthropic:ops' }),
      copy('a6', { type: 'token' }),
      copy('a7', { expiresAt: null }),
      copy('a8', { expiresAt: null }),
    ]);
    expect(folded.map((entry) => [entry.profile.agentId, entry.agents])).toEqual([
      ['a1', ['a1', 'a3']],
      ['a2', ['a2']],
      ['a4', ['a4']],
      ['a5', ['a5']],
      ['a7', ['a7', 'a8']],
    ]);
    expect(foldOAuthCopies([])).toEqual([]);
  });
});
