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
import { agentDir, storePath } from '../../src/demo/openclaw-state-dir.js';

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
