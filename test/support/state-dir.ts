import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/*
 * Builds OpenClaw state dirs for tests, in the shapes found in the field, with expiries
 * relative to the test's clock and secrets that are unique per run (so a scan for them in
 * logs and payloads means something).
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Every secret a test planted, to scan outputs for. */
export const plantedSecrets = new Set<string>();

export function secret(prefix: string): string {
  const value = `${prefix}-${randomBytes(12).toString('hex')}`;
  plantedSecrets.add(value);
  return value;
}

export function oauth(provider: string, expiresInMs: number, extra: Record<string, unknown> = {}, now = Date.now()) {
  return {
    type: 'oauth',
    provider,
    access: secret(`${provider}-access`),
    refresh: secret(`${provider}-refresh`),
    expires: now + expiresInMs,
    ...extra,
  };
}

export function token(provider: string, expiresInMs: number | null, now = Date.now()) {
  return { type: 'token', provider, token: secret(`${provider}-setup`), ...(expiresInMs === null ? {} : { expires: now + expiresInMs }) };
}

export function apiKey(provider: string) {
  return { type: 'api_key', provider, key: secret(`${provider}-key`) };
}

export { agentDir, buildStateDir, openclawJson5, storePath } from '../../src/demo/openclaw-state-dir.js';
export type { AgentStoreSpec, Layout, StateDirSpec } from '../../src/demo/openclaw-state-dir.js';
import { agentDir, buildStateDir, openclawJson5, storePath } from '../../src/demo/openclaw-state-dir.js';

export function readStore(stateDir: string, agentId: string): { version: number; profiles: Record<string, Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(readFileSync(storePath(stateDir, agentId), 'utf8'));
}

export function listBackups(stateDir: string, agentId: string): string[] {
  try {
    return readdirSync(path.join(agentDir(stateDir, agentId), '.tokenops-backups'));
  } catch {
    return [];
  }
}

export function newNodeKeyHex(): string {
  const key = randomBytes(32).toString('hex');
  plantedSecrets.add(key);
  return key;
}

/**
 * The restart tests' fleet: pc-a fresh and the owner; t440 with 15 agents on maxConcurrent
 * 4 and an Anthropic token expired 2 h ago (main and agent1 hold it); solo, whose only
 * token has expired and exists nowhere else (a no-go).
 */
export function restartFleetStates(now = Date.now()): { 'pc-a': string; t440: string; solo: string } {
  const fifteen = Array.from({ length: 15 }, (_, i) => (i === 0 ? 'main' : `agent${i}`));
  return {
    'pc-a': buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 7 * HOUR, {}, now), 'openai-codex:ops@example.com': oauth('openai-codex', 9 * DAY, {}, now) } } }, openclawJson5: openclawJson5(['main'], 8) }),
    t440: buildStateDir({
      layout: 'legacy',
      agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now), 'openai-codex:ops@example.com': oauth('openai-codex', 9 * DAY, {}, now) } }, agent1: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now) } } },
      openclawJson5: openclawJson5(fifteen, 4),
    }),
    solo: buildStateDir({ layout: 'split', agents: { main: { profiles: { 'google-gemini-cli:solo@example.com': oauth('google-gemini-cli', -HOUR, {}, now) } } }, openclawJson5: openclawJson5(['main'], 4) }),
  };
}

/**
 * One profile of each health on the agent's side: ok (30 h), expired (2 h ago), expiring
 * (2 h), a static key, and a long-lived setup token.
 */
export function profilesOfEveryHealth(now = Date.now()): Record<string, Record<string, unknown>> {
  return {
    'anthropic:default': oauth('anthropic', 30 * HOUR, { email: 'ops@example.com' }, now),
    'openai-codex:ops@example.com': oauth('openai-codex', -2 * HOUR, { accountId: 'acc-1' }, now),
    'google-gemini-cli:ops@example.com': oauth('google-gemini-cli', 2 * HOUR, { projectId: 'p' }, now),
    'openai:default': apiKey('openai'),
    'anthropic:manual': token('anthropic', 300 * DAY, now),
  };
}
