import { describe, expect, it } from 'vitest';
import type { ProfileStatus, ProfileVerdict } from '../../src/protocol/agent-api.js';
import { DEFAULT_RESTART_MARGIN_MS, preflightReasons, preflightVerdicts } from '../../src/domain/preflight.js';
import { profileStatusAt, type ProfileStatusSpec } from '../support/profile-status.js';

const NOW = Date.UTC(2026, 1, 14, 9, 0, 0);
const MIN = 60_000;
const MARGIN = DEFAULT_RESTART_MARGIN_MS;

const status = (overrides: ProfileStatusSpec) => profileStatusAt(NOW, overrides);

describe('preflightVerdicts', () => {
  it('the default margin is 30 minutes', () => {
    expect(DEFAULT_RESTART_MARGIN_MS).toBe(30 * MIN);
  });

  it('a profile that expires exactly at the margin stays valid', () => {
    const [verdict] = preflightVerdicts([status({ expiresMs: NOW + MARGIN, health: 'expiring' })], NOW, MARGIN);
    expect(verdict?.staysValid).toBe(true);
  });

  it('a profile that expires just under the margin does not', () => {
    const [verdict] = preflightVerdicts([status({ expiresMs: NOW + MARGIN - 1000, health: 'expiring' })], NOW, MARGIN);
    expect(verdict?.staysValid).toBe(false);
  });

  it('an expired profile does not stay valid, even with a refresh token', () => {
    const [verdict] = preflightVerdicts([status({ expiresMs: NOW - 2 * 60 * MIN, health: 'expired', hasRefreshToken: true })], NOW, MARGIN);
    expect(verdict?.staysValid).toBe(false);
  });

  it('uses the margin it is given', () => {
    const profiles = [status({ expiresMs: NOW + 45 * MIN })];
    expect(preflightVerdicts(profiles, NOW, 30 * MIN)[0]?.staysValid).toBe(true);
    expect(preflightVerdicts(profiles, NOW, 60 * MIN)[0]?.staysValid).toBe(false);
  });

  it('with a zero margin, a token still valid one ms from now passes and one that expired a ms ago does not', () => {
    expect(preflightVerdicts([status({ expiresMs: NOW + 1 })], NOW, 0)[0]?.staysValid).toBe(true);
    expect(preflightVerdicts([status({ expiresMs: NOW - 1 })], NOW, 0)[0]?.staysValid).toBe(false);
  });

  it('only oauth profiles decide: token and api_key profiles are left out, however expired', () => {
    const verdicts = preflightVerdicts(
      [
        status({ profileId: 'anthropic:manual', type: 'token', expiresMs: NOW - 60 * MIN, health: 'expired', hasRefreshToken: false }),
        status({ profileId: 'openai:key', type: 'api_key', expiresMs: null, health: 'ok', hasRefreshToken: false }),
        status({ profileId: 'anthropic:default', type: 'oauth' }),
      ],
      NOW,
      MARGIN,
    );
    expect(verdicts.map((verdict) => verdict.profileId)).toEqual(['anthropic:default']);
  });

  it('an invalid profile blocks, whatever its type (even unknown)', () => {
    const verdicts = preflightVerdicts(
      [
        status({ profileId: 'anthropic:broken', health: 'invalid', expiresAt: null, fingerprint: null }),
        status({ profileId: 'weird:thing', type: null, provider: null, health: 'invalid', expiresAt: null, fingerprint: null }),
        status({ profileId: 'openai:key', type: 'api_key', health: 'invalid', expiresAt: null, fingerprint: null }),
      ],
      NOW,
      MARGIN,
    );
    expect(verdicts).toHaveLength(3);
    for (const verdict of verdicts) expect(verdict.staysValid).toBe(false);
  });

  it('an invalid profile never stays valid even if it somehow carries a far expiry', () => {
    const [verdict] = preflightVerdicts([status({ health: 'invalid', expiresMs: NOW + 100 * 60 * MIN })], NOW, MARGIN);
    expect(verdict?.staysValid).toBe(false);
  });

  it('an oauth profile with no expiry does not stay valid', () => {
    const [verdict] = preflightVerdicts([status({ expiresMs: null })], NOW, MARGIN);
    expect(verdict?.staysValid).toBe(false);
  });

  it('copies identity, expiry, health and fingerprint into the verdict', () => {
    const profile = status({ agentId: 'coder', profileId: 'openai-codex:ops@example.com', health: 'expiring', expiresMs: NOW + 20 * MIN });
    expect(preflightVerdicts([profile], NOW, MARGIN)).toEqual([
      {
        agentId: 'coder',
        profileId: 'openai-codex:ops@example.com',
        expiresAt: profile.expiresAt,
        health: 'expiring',
        fingerprint: '3f9a1c0b7d2e',
        staysValid: false,
      },
    ]);
  });
});

describe('preflightReasons', () => {
  const verdict = (overrides: Partial<ProfileVerdict>): ProfileVerdict => ({
    agentId: 'main',
    profileId: 'anthropic:default',
    expiresAt: null,
    health: 'ok',
    staysValid: true,
    fingerprint: null,
    ...overrides,
  });

  it('is empty when everything stays valid and every store is readable (go)', () => {
    expect(preflightReasons([verdict({}), verdict({ profileId: 'openai-codex:a@b.c' })], [])).toEqual([]);
  });

  it('names each blocking profile and agent, with the reason', () => {
    const reasons = preflightReasons(
      [
        verdict({ profileId: 'anthropic:default', agentId: 'main', health: 'expired', staysValid: false }),
        verdict({ profileId: 'openai-codex:ops@example.com', agentId: 'coder', health: 'expiring', staysValid: false }),
        verdict({ profileId: 'google-gemini-cli:x@y.z', agentId: 'main', health: 'invalid', staysValid: false }),
        verdict({ profileId: 'anthropic:ok', health: 'ok', staysValid: true }),
      ],
      [],
    );
    expect(reasons).toEqual([
      'anthropic:default (agent main) has expired',
      'openai-codex:ops@example.com (agent coder) expires within the margin',
      'google-gemini-cli:x@y.z (agent main) is malformed',
    ]);
  });

  it('an ok-health profile that fails the margin reads "expires within the margin"', () => {
    expect(preflightReasons([verdict({ health: 'ok', staysValid: false })], [])).toEqual(['anthropic:default (agent main) expires within the margin']);
  });

  it('lists unreadable stores first', () => {
    const reasons = preflightReasons([verdict({ health: 'expired', staysValid: false })], ['agents/main/agent/auth-profiles.json']);
    expect(reasons).toEqual(['store agents/main/agent/auth-profiles.json is unreadable', 'anthropic:default (agent main) has expired']);
  });

  it('an unreadable store alone is a no-go reason', () => {
    expect(preflightReasons([], ['agents/coder/agent/auth-profiles.json'])).toHaveLength(1);
  });

  it('end to end with preflightVerdicts: margin failures become readable reasons', () => {
    const verdicts = preflightVerdicts(
      [status({ expiresMs: NOW + 29 * MIN, health: 'expiring' }), status({ profileId: 'anthropic:two', expiresMs: NOW + 31 * MIN, health: 'expiring' })],
      NOW,
      MARGIN,
    );
    expect(preflightReasons(verdicts, [])).toEqual(['anthropic:default (agent main) expires within the margin']);
  });
});
