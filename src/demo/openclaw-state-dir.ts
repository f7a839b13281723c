import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * OpenClaw state dirs in the shapes found in the field (auth-profiles.json in the legacy
 * layout, or split with auth-state.json; openclaw.json in JSON5 as people write it), for
 * the demo's fleet and the tests'.
 */

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

/**
 * openclaw.json as users write it: JSON5, comments, trailing commas. `adminRpc` turns on
 * OpenClaw's admin HTTP RPC plugin (the agent then sets capacity through the running
 * gateway); `gatewayToken` gives the gateway token auth.
 */
export function openclawJson5(agentIds: string[], maxConcurrent = 4, options: { adminRpc?: boolean; gatewayToken?: string } = {}): string {
  const auth = options.gatewayToken ? `, auth: { mode: "token", token: "${options.gatewayToken}" }` : '';
  const plugins = options.adminRpc ? '  plugins: { entries: { "admin-http-rpc": { enabled: true } } },\n' : '';
  return `// gateway config (JSON5)
{
  gateway: { port: 18789, bind: "loopback"${auth} },
  agents: {
    defaults: {
      maxConcurrent: ${maxConcurrent}, // raised after the reconnect storm
      subagents: { maxConcurrent: 8 },
    },
    list: [
${agentIds.map((id, index) => `      { id: "${id}"${index === 0 ? ', default: true' : ''} },`).join('\n')}
    ],
  },
${plugins}}
`;
}
