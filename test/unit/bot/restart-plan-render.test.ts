import { describe, expect, it } from 'vitest';
import { blastRadius } from '../../../src/domain/blast-radius.js';
import type { RestartPlan, TokenCheck } from '../../../src/domain/restart-plan.js';
import { renderRestartPlan, renderRestartResult } from '../../../src/bot/render/restart-plan.js';
import type { ProfileStatus } from '../../../src/protocol/agent-api.js';

/*
 * The plan's token check, a line per token. On OpenClaw 2026.9.6 a legacy node's
 * `doctor --fix` leaves its migrated tokens at expires 1: the plan names that a reset, not
 * an expiry "57 years ago" (issue 20).
 */

const HOUR = 3_600_000;

function plan(checks: TokenCheck[]): RestartPlan {
  return { node: 't440', verdict: 'go_after_fixes', marginMs: HOUR, checks, blastRadius: blastRadius(15, 12), capacityChange: null, steps: ['sync from pc-a', 'restart'], risks: [], unreadableStores: [] };
}

function tokenCheckLines(checks: TokenCheck[]): string[] {
  return (renderRestartPlan(plan(checks)).fields?.[0]?.value ?? '').split('\n');
}

describe('renderRestartPlan: token check lines', () => {
  it('an expired token shows when it expired; one about to, when it will; a reset one, that it was reset', () => {
    const past = new Date(Date.now() - 2 * HOUR).toISOString();
    const soon = new Date(Date.now() + 2 * HOUR).toISOString();
    const lines = tokenCheckLines([
      { profileId: 'anthropic:default', agents: ['main', 'agent1'], expiresAt: past, staysValid: false, fix: { kind: 'sync', from: 'pc-a' } },
      { profileId: 'openai-codex:ops@example.com', agents: ['main'], expiresAt: soon, staysValid: true, fix: null },
      { profileId: 'anthropic:work', agents: ['main'], expiresAt: new Date(1).toISOString(), staysValid: false, fix: { kind: 'sync', from: 'pc-a' } },
    ]);
    expect(lines[0]).toBe(`❌ \`anthropic:default\` (main, agent1) · expired <t:${Math.floor(Date.parse(past) / 1000)}:R> → **sync from pc-a first**`);
    expect(lines[1]).toBe(`✅ \`openai-codex:ops@example.com\` (main) · expires <t:${Math.floor(Date.parse(soon) / 1000)}:R>`);
    expect(lines[2]).toBe('❌ `anthropic:work` (main) · expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it) → **sync from pc-a first**');
  });
});

describe('renderRestartResult: token health after', () => {
  function after(expiresAt: string, health: ProfileStatus['health']): string {
    const profiles: ProfileStatus[] = ['main', 'agent1'].map((agentId) => ({ agentId, profileId: 'anthropic:default', provider: 'anthropic', type: 'oauth', expiresAt, hasRefreshToken: true, fingerprint: 'f0000000000a', health }));
    const embed = renderRestartResult({
      node: 't440',
      outcome: 'ready',
      message: 't440 is back',
      fixMs: 200,
      restart: { node: 't440', outcome: 'ready', startedAt: new Date().toISOString(), command: { argv0: 'systemctl', exitCode: 0, signal: null, timedOut: false, durationMs: 2300, outputTail: [] }, readyAfterMs: 35_000, totalMs: 37_300, gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true }, profiles },
    });
    return embed.fields?.find((field) => field.name === 'Token health after')?.value ?? '';
  }

  it('a token the restart loaded shows its health and time; one a tool reset says so instead of a time 57 years ago', () => {
    const fresh = new Date(Date.now() + 20 * HOUR).toISOString();
    expect(after(fresh, 'ok')).toBe(`✅ \`anthropic:default\` (main, agent1) · ok · <t:${Math.floor(Date.parse(fresh) / 1000)}:R>`);
    expect(after(new Date(1).toISOString(), 'expired')).toBe('❌ `anthropic:default` (main, agent1) · expired · expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it)');
  });
});
