import { describe, expect, it } from 'vitest';
import { refreshLine, renderRefreshReport } from '../../../src/bot/render/refresh-report.js';
import { LIMITS } from '../../../src/bot/render/discord-format.js';
import { REFRESH_OUTCOMES, refreshResponseSchema, type RefreshResponse, type RefreshResult } from '../../../src/protocol/agent-api.js';

const GREEN = 0x2ecc71;
const RED = 0xe74c3c;
const NEW_EXPIRY = '2026-02-14T17:00:00.000Z';
const NEW_EXPIRY_TAG = `<t:${Date.parse(NEW_EXPIRY) / 1000}:R>`;

function result(outcome: RefreshResult['outcome'], overrides: Partial<RefreshResult> = {}): RefreshResult {
  return {
    profileId: 'anthropic:default',
    outcome,
    previousExpiresAt: '2026-02-14T08:00:00.000Z',
    expiresAt: null,
    fingerprint: null,
    rotated: false,
    stores: [],
    attempts: 1,
    ...overrides,
  };
}

function response(...results: RefreshResult[]): RefreshResponse {
  return refreshResponseSchema.parse({ node: 'pc-a', results });
}

describe('refreshLine', () => {
  it('refreshed: new expiry, rotation, and the stores written', () => {
    const line = refreshLine(result('refreshed', { expiresAt: NEW_EXPIRY, rotated: true, stores: ['main', 'coder'], fingerprint: 'abc' }), 'pc-a');
    expect(line).toContain('✅');
    expect(line).toContain('`anthropic:default`');
    expect(line).toContain(NEW_EXPIRY_TAG);
    expect(line).toContain('new refresh token saved');
    expect(line).toContain('main, coder');
  });

  it('refreshed without rotation does not claim a new refresh token', () => {
    const line = refreshLine(result('refreshed', { expiresAt: NEW_EXPIRY, stores: ['main'] }), 'pc-a');
    expect(line).not.toContain('new refresh token');
  });

  it('already_refreshed: says someone else did it, with the expiry', () => {
    const line = refreshLine(result('already_refreshed', { expiresAt: NEW_EXPIRY }), 'pc-a');
    expect(line).toContain('✅');
    expect(line).toMatch(/meanwhile|someone else/);
    expect(line).toContain(NEW_EXPIRY_TAG);
  });

  it('terminal: the error code, a new login on the owner, and "Not retried"', () => {
    const line = refreshLine(result('terminal', { error: 'invalid_grant' }), 'pc-a');
    expect(line).toContain('❌');
    expect(line).toContain('invalid_grant');
    expect(line).toMatch(/new login on pc-a/);
    expect(line).toContain('Not retried');
  });

  it('terminal names the owner it was given', () => {
    expect(refreshLine(result('terminal', { error: 'refresh_token_reused' }), 'owner-7')).toMatch(/new login on owner-7/);
  });

  it('failed: the error, how many tries, nothing changed', () => {
    const line = refreshLine(result('failed', { error: 'timeout', attempts: 3 }), 'pc-a');
    expect(line).toContain('⚠️');
    expect(line).toContain('timeout');
    expect(line).toContain('3 tries');
    expect(line).toMatch(/nothing changed/);
    expect(line).not.toContain('Not retried');
  });

  it('not_held and no_refresh_token name the node', () => {
    expect(refreshLine(result('not_held'), 'pc-a')).toMatch(/➖ `anthropic:default` is not held on pc-a/);
    expect(refreshLine(result('no_refresh_token'), 'pc-a')).toMatch(/➖ `anthropic:default` has no refresh token on pc-a/);
  });

  it('no_provider: its error, or a default explanation', () => {
    expect(refreshLine(result('no_provider', { profileId: 'google-gemini-cli:a@b.c', error: 'no token endpoint for google-gemini-cli' }), 'pc-a')).toContain('no token endpoint for google-gemini-cli');
    expect(refreshLine(result('no_provider'), 'pc-a')).toContain('no token endpoint configured');
  });

  it('every outcome has a distinct, non-empty line', () => {
    const lines = REFRESH_OUTCOMES.map((outcome) => refreshLine(result(outcome, { error: 'e', expiresAt: NEW_EXPIRY }), 'pc-a'));
    for (const line of lines) expect(line.length).toBeGreaterThan(10);
    expect(new Set(lines).size).toBe(REFRESH_OUTCOMES.length);
  });

  it('a profile id cannot break out of inline code', () => {
    expect(refreshLine(result('not_held', { profileId: 'x:`@everyone`' }), 'pc-a')).not.toContain('`@everyone`');
  });
});

describe('renderRefreshReport', () => {
  it('title names the node and lists one line per result, in order', () => {
    const embed = renderRefreshReport(response(result('refreshed', { expiresAt: NEW_EXPIRY, stores: ['main'] }), result('not_held', { profileId: 'openai-codex:ops@example.com' })));
    expect(embed.title).toBe('Refresh on pc-a');
    const lines = embed.description?.split('\n') ?? [];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('anthropic:default');
    expect(lines[1]).toContain('openai-codex:ops@example.com');
  });

  it('green when everything went fine or there was nothing to do', () => {
    for (const outcome of ['refreshed', 'already_refreshed', 'not_held', 'no_refresh_token'] as const) {
      expect(renderRefreshReport(response(result(outcome, { expiresAt: NEW_EXPIRY }))).color).toBe(GREEN);
    }
  });

  it('red when any result is terminal, failed or no_provider', () => {
    for (const outcome of ['terminal', 'failed', 'no_provider'] as const) {
      const embed = renderRefreshReport(response(result('refreshed', { expiresAt: NEW_EXPIRY }), result(outcome, { profileId: 'openai-codex:x', error: 'invalid_grant' })));
      expect(embed.color).toBe(RED);
    }
  });

  // Regression (found by this test, fixed): the description is not truncated; 30 terminal lines
  // (~170 chars each) pass 4096 and Discord rejects the whole reply with 400.
  it('stays within Discord limits for a node with many profiles', () => {
    const results = Array.from({ length: 30 }, (_, index) => result('terminal', { profileId: `openai-codex:ops-${index}@example.com`, error: 'invalid_grant' }));
    const embed = renderRefreshReport(response(...results));
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
  });
});
