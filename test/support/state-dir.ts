import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

export type Layout = 'legacy' | 'split';

export interface AgentStoreSpec {
  profiles: Record<string, unknown>;
  /** Raw file text instead of a document: for malformed stores. */
  raw?: string;
}

export interface StateDirSpec {
  layout: Layout;
  agents: Record<string, AgentStoreSpec>;
  /** openclaw.json text (JSON5); omitted → none. */
  openclawJson5?: string;
  dir?: string;
}

const LEGACY_STATE = (profileIds: string[]) => ({
  order: { anthropic: profileIds.filter((id) => id.startsWith('anthropic:')) },
  lastGood: { anthropic: profileIds.find((id) => id.startsWith('anthropic:')) ?? null },
  usageStats: Object.fromEntries(profileIds.map((id) => [id, { lastUsed: 1771040000000, errorCount: 0 }])),
});

export function agentDir(stateDir: string, agentId: string): string {
  return path.join(stateDir, 'agents', agentId, 'agent');
}

export function storePath(stateDir: string, agentId: string): string {
  return path.join(agentDir(stateDir, agentId), 'auth-profiles.json');
}

export function buildStateDir(spec: StateDirSpec): string {
  const stateDir = spec.dir ?? mkdtempSync(path.join(os.tmpdir(), 'tokenops-state-'));
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  for (const [agentId, store] of Object.entries(spec.agents)) {
    const dir = agentDir(stateDir, agentId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (store.raw !== undefined) {
      writeFileSync(path.join(dir, 'auth-profiles.json'), store.raw, { mode: 0o600 });
      continue;
    }
    const ids = Object.keys(store.profiles);
    const document =
      spec.layout === 'legacy' ? { version: 1, profiles: store.profiles, ...LEGACY_STATE(ids) } : { version: 1, profiles: store.profiles };
    writeFileSync(path.join(dir, 'auth-profiles.json'), `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
    if (spec.layout === 'split') {
      writeFileSync(path.join(dir, 'auth-state.json'), `${JSON.stringify({ version: 1, ...LEGACY_STATE(ids) }, null, 2)}\n`, { mode: 0o600 });
    }
  }
  if (spec.openclawJson5 !== undefined) writeFileSync(path.join(stateDir, 'openclaw.json'), spec.openclawJson5, { mode: 0o600 });
  return stateDir;
}

/** openclaw.json as users write it: JSON5, comments, trailing commas. */
export function openclawJson5(agentIds: string[], maxConcurrent = 4): string {
  return `// gateway config (JSON5)
{
  gateway: { port: 18789, bind: "loopback" },
  agents: {
    defaults: {
      maxConcurrent: ${maxConcurrent}, // raised after the reconnect storm
      subagents: { maxConcurrent: 8 },
    },
    list: [
${agentIds.map((id, index) => `      { id: "${id}"${index === 0 ? ', default: true' : ''} },`).join('\n')}
    ],
  },
}
`;
}

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
