import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXPIRY_HORIZON_MS, RESET_EXPIRY_BEFORE_MS, expiresAtProblem, expiryProblem, expiryWithinHorizon, expiryWords, isResetExpiry } from '../../src/domain/expiry-horizon.js';
import { readProfile, summarizeProfile } from '../../src/domain/profile-status.js';
import { planProfileUpdate } from '../../src/domain/sync-plan.js';
import { profilePlanSchema, profileStatusSchema, profileVerdictSchema, statusResponseSchema, type ExportedCredential } from '../../src/protocol/agent-api.js';

/*
 * Issue 16.3: one horizon for every expiry that enters (stores, bundles, status answers,
 * token responses). Past expiries are only expired; an expiry more than 400 days ahead,
 * or one that is no epoch-millisecond time at all, is not believed.
 */

const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WARN = 24 * HOUR;
const ACCESS = 'sk-ant-oat01-PLANTED-horizon-access-Qz1x2c3v4b5n6m7';
const REFRESH = 'sk-ant-ort01-PLANTED-horizon-refresh-Lk9j8h7g6f5d4s3';
/** The access token's expiry in microseconds, as a store written by another tool might hold it. */
const MICROSECONDS = (NOW + 8 * HOUR) * 1000;

afterEach(() => {
  vi.useRealTimers();
});

describe('the rule', () => {
  it('believes any past expiry (it is only expired) and any up to 400 days ahead', () => {
    expect(EXPIRY_HORIZON_MS).toBe(400 * DAY);
    for (const expires of [0, 1, NOW - 10 * 365 * DAY, NOW, NOW + 8 * HOUR, NOW + 365 * DAY, NOW + EXPIRY_HORIZON_MS]) {
      expect(expiryProblem(expires, NOW), String(expires)).toBeNull();
      expect(expiryWithinHorizon(expires, NOW)).toBe(true);
    }
  });

  it('refuses an expiry past the horizon, saying when it would be and what was expected', () => {
    expect(expiryProblem(NOW + EXPIRY_HORIZON_MS + 1, NOW)).toBe('expires 2027-03-21: not a plausible expiry (more than 400 days ahead; epoch milliseconds expected)');
    expect(expiryProblem(MICROSECONDS, NOW)).toMatch(/^expires 5\d{4}-\d\d-\d\d: not a plausible expiry \(more than 400 days ahead; epoch milliseconds expected\)$/);
    expect(expiryProblem(Date.UTC(9999, 11, 31), NOW)).toMatch(/^expires 9999-12-31: not a plausible expiry/);
    expect(expiryWithinHorizon(MICROSECONDS, NOW)).toBe(false);
  });

  it('refuses what is no epoch-millisecond time at all: NaN, infinities, negative, fractional, beyond what a Date holds', () => {
    for (const expires of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 1.5, 8_700_000_000_000_000, 1e21]) {
      expect(expiryProblem(expires, NOW), String(expires)).toMatch(/^expires .+: not a plausible expiry \(epoch milliseconds expected\)$/);
      expect(expiryWithinHorizon(expires, NOW)).toBe(false);
    }
  });

  it('the last millisecond a Date holds is a time (too far ahead, named by its day); one past it is no time at all', () => {
    expect(expiryProblem(8_640_000_000_000_000, NOW)).toBe('expires 275760-09-13: not a plausible expiry (more than 400 days ahead; epoch milliseconds expected)');
    expect(expiryProblem(8_640_000_000_000_001, NOW)).toBe('expires 8640000000000001: not a plausible expiry (epoch milliseconds expected)');
  });

  it('an answered expiry must read as an ISO time from its first character: other text a Date can parse is refused as no time, even far ahead', () => {
    for (const text of ['Fri, 31 Dec 9999 00:00:00 GMT', 'x 9999-12-31', 'on 9999-12-31', new Date(NOW + 8 * HOUR).toUTCString()]) {
      expect(Number.isNaN(Date.parse(text)), text).toBe(false);
      expect(expiresAtProblem(text, NOW), text).toBe('expiresAt is not an ISO time: not a plausible expiry');
    }
  });

  it('reads an ISO expiry from an answer by the same rule, never echoing text that is no time', () => {
    expect(expiresAtProblem(new Date(NOW + 8 * HOUR).toISOString(), NOW)).toBeNull();
    expect(expiresAtProblem(new Date(NOW - 8 * HOUR).toISOString(), NOW)).toBeNull();
    expect(expiresAtProblem(new Date(MICROSECONDS).toISOString(), NOW)).toMatch(/^expires 5\d{4}-\d\d-\d\d: not a plausible expiry/);
    expect(expiresAtProblem('9999-12-31T00:00:00.000Z', NOW)).toMatch(/^expires 9999-12-31: not a plausible expiry/);
    for (const text of [ACCESS, 'soon', '2026-02-14', '']) {
      const problem = expiresAtProblem(text, NOW);
      expect(problem).toBe('expiresAt is not an ISO time: not a plausible expiry');
      expect(problem).not.toContain(ACCESS);
    }
  });
});

describe('a store profile outside the horizon', () => {
  const raw = { type: 'oauth', provider: 'anthropic', access: ACCESS, refresh: REFRESH, expires: MICROSECONDS, email: 'ops@example.com' };

  it('is invalid in status with the reason, no fingerprint and no expiry; the answer is one the bot takes', () => {
    const status = summarizeProfile('main', 'anthropic:default', raw, NOW, WARN);
    expect(status).toMatchObject({ provider: 'anthropic', type: 'oauth', health: 'invalid', expiresAt: null, fingerprint: null, hasRefreshToken: true });
    expect(status.reason).toMatch(/^expires 5\d{4}-\d\d-\d\d: not a plausible expiry \(more than 400 days ahead; epoch milliseconds expected\)$/);
    expect(profileStatusSchema.safeParse(status).success).toBe(true);
    expect(JSON.stringify(status)).not.toContain(ACCESS);
  });

  it('a token profile a year and a day ahead is believed (setup tokens live a year); one in year 9999 is not', () => {
    expect(readProfile({ type: 'token', provider: 'anthropic', token: ACCESS, expires: NOW + 366 * DAY }, NOW)).toMatchObject({ ok: true });
    expect(readProfile({ type: 'token', provider: 'anthropic', token: ACCESS, expires: Date.UTC(9999, 0, 1) }, NOW)).toMatchObject({ ok: false, problem: 'expiry' });
    expect(readProfile({ type: 'oauth', provider: 'anthropic', access: ACCESS }, NOW)).toMatchObject({ ok: false, problem: 'malformed' });
  });
});

describe("the bot's schema for an agent's answer", () => {
  const at = (expiresAt: string | null) => ({
    agentId: 'main',
    profileId: 'openai-codex:ops@example.com',
    provider: 'openai-codex',
    type: 'oauth',
    expiresAt,
    hasRefreshToken: true,
    fingerprint: '0123456789ab',
    health: 'ok',
  });

  it('one profile with an expiry in microseconds is invalid there too, and the rest of the answer stands', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    // What an agent from before the fix answered: new Date(µs).toISOString() is an extended year.
    const answer = {
      node: 't440',
      checkedAt: new Date(NOW).toISOString(),
      store: { kind: 'auth-profiles-json', readable: true },
      profiles: [{ ...at(new Date(NOW + 8 * HOUR).toISOString()), profileId: 'anthropic:default' }, at(new Date(MICROSECONDS).toISOString()), at('9999-12-31T23:59:59.000Z')],
      gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
      capacity: { maxConcurrent: 4, agentCount: 1 },
    };
    const parsed = statusResponseSchema.safeParse(answer);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const [good, micro, year9999] = parsed.data!.profiles;
    expect(good).toEqual(answer.profiles[0]);
    for (const bad of [micro, year9999]) {
      expect(bad).toMatchObject({ health: 'invalid', expiresAt: null, fingerprint: null, reason: expect.stringMatching(/not a plausible expiry/) });
    }
    expect(micro?.reason).toMatch(/^expires 5\d{4}-/);
  });

  it('text that is no time is not echoed, and does not fail the answer', () => {
    const parsed = profileStatusSchema.parse(at(ACCESS));
    expect(parsed).toMatchObject({ health: 'invalid', expiresAt: null, reason: 'expiresAt is not an ISO time: not a plausible expiry' });
    expect(JSON.stringify(parsed)).not.toContain(ACCESS);
  });

  it('a restart verdict with an implausible expiry never stays valid', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const verdict = profileVerdictSchema.parse({ agentId: 'main', profileId: 'anthropic:default', expiresAt: '9999-12-31T23:59:59.000Z', health: 'ok', staysValid: true, fingerprint: '0123456789ab' });
    expect(verdict).toEqual({ agentId: 'main', profileId: 'anthropic:default', expiresAt: null, health: 'invalid', staysValid: false, fingerprint: null });
  });
});

describe('a bundle credential outside the horizon, on import', () => {
  const stored = { type: 'oauth', provider: 'anthropic', access: 'old-access-0001', refresh: 'old-refresh-0001', expires: NOW + 2 * HOUR };
  const incoming = (expires: number): ExportedCredential => ({
    profileId: 'anthropic:default',
    type: 'oauth',
    provider: 'anthropic',
    sourceAgentId: 'main',
    fields: { access: ACCESS, refresh: REFRESH, expires },
  });

  it('is refused for that profile with the reason, even forced; the plan names no impossible time', () => {
    for (const force of [false, true]) {
      for (const expires of [MICROSECONDS, Date.UTC(9999, 11, 31)]) {
        const plan = planProfileUpdate(stored, incoming(expires), { force, nowMs: NOW });
        expect(plan).toMatchObject({ action: 'skip', reason: 'implausible_expiry', changedFields: [], toExpiresAt: null, detail: expect.stringMatching(/^expires \d+-\d\d-\d\d: not a plausible expiry/) });
        expect(profilePlanSchema.safeParse(plan).success).toBe(true);
      }
    }
  });

  it('a stored copy outside the horizon is repaired by a valid one, never kept as "target newer"', () => {
    const poisoned = { ...stored, expires: MICROSECONDS };
    const plan = planProfileUpdate(poisoned, incoming(NOW + 8 * HOUR), { force: false, nowMs: NOW });
    expect(plan).toMatchObject({ action: 'update', reason: 'repairs_invalid', fromExpiresAt: null, fromFingerprint: null });
    expect(profilePlanSchema.safeParse(plan).success).toBe(true);
  });
});

describe('an expiry reset by a tool (issue 20: OpenClaw 2026.9.6 doctor --fix leaves migrated tokens at expires 1)', () => {
  it('before 2000 no provider granted it: named as reset, with its day; anything later is an expiry like any other', () => {
    expect(RESET_EXPIRY_BEFORE_MS).toBe(Date.UTC(2000, 0, 1));
    for (const expires of [0, 1, 86_400_000, Date.UTC(1999, 11, 31, 23, 59, 59, 999)]) expect(isResetExpiry(expires), String(expires)).toBe(true);
    for (const expires of [Date.UTC(2000, 0, 1), NOW - 10 * 365 * DAY, NOW - 2 * HOUR, NOW + 8 * HOUR]) expect(isResetExpiry(expires), String(expires)).toBe(false);
  });

  it('expiryWords says when a token expires, and for a reset one that it was reset and when to', () => {
    expect(expiryWords(NOW - 2 * HOUR, true)).toBe(`expired <t:${Math.floor((NOW - 2 * HOUR) / 1000)}:R>`);
    expect(expiryWords(NOW + 1500, false)).toBe(`expires <t:${Math.floor((NOW + 1500) / 1000)}:R>`);
    // Reset is reset, whatever the caller's verdict.
    for (const expired of [true, false]) {
      expect(expiryWords(1, expired)).toBe('expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it)');
      expect(expiryWords(Date.UTC(1999, 5, 30), expired)).toBe('expiry reset to 1999-06-30 (no provider granted it: a tool or migration wrote it)');
    }
  });
});
