import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadFleet } from '../../src/config/fleet-file.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../src/fleet/node-locks.js';
import { syncTokens } from '../../src/fleet/operations/sync-tokens.js';
import { type SyncReport } from '../../src/fleet/operations/sync-report.js';
import { credentialBundleSchema, type ExportedCredential, type StatusResponse } from '../../src/protocol/agent-api.js';
import { unseal } from '../../src/protocol/sealing.js';
import { startEvilAgent, type EvilAgent } from '../support/evil-agent.js';
import { killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, readStore, secret } from '../support/state-dir.js';

/*
 * One bad node damages only itself (issue 16.1-2), against real agents: "cx" owns the Codex
 * account and has been compromised (its agent replaced; it holds the node's key, so all it
 * says is signed). pc-a owns Anthropic; t440 follows both. Whatever cx sends, only what it
 * may give reaches anyone; whatever cx claims to hold, it receives only what it may hold.
 */

const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';
const YEAR_9999 = Date.parse('9999-12-31T00:00:00Z');
const agents: RunningAgent[] = [];
let evil: EvilAgent;
let client: FleetClient;
const states: Record<string, string> = {};
let pcaAnthropic: ReturnType<typeof oauth>;

function statusOf(node: string, profiles: string[]): StatusResponse {
  return {
    node,
    checkedAt: new Date().toISOString(),
    store: { kind: 'auth-profiles-json', readable: true },
    profiles: profiles.map((profileId) => ({ agentId: 'main', profileId, provider: profileId.split(':')[0]!, type: 'oauth', expiresAt: new Date(Date.now() + 9 * HOUR).toISOString(), hasRefreshToken: true, fingerprint: '0123456789ab', health: 'ok' })),
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
    capacity: { maxConcurrent: 12, agentCount: 1 },
  };
}

// Plausible, and later than any honest copy: it would win newer-wins wherever it landed.
const poison = (expires = Date.now() + 300 * 24 * HOUR): ExportedCredential => ({ profileId: ANTHROPIC, type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: secret('cx-poison-access'), refresh: secret('cx-poison-refresh'), expires } });
const codexFromCx = (): ExportedCredential => ({ profileId: CODEX, type: 'oauth', provider: 'openai-codex', sourceAgentId: 'main', fields: { access: secret('cx-codex-access'), refresh: secret('cx-codex-refresh'), expires: Date.now() + 9 * 24 * HOUR } });

beforeAll(async () => {
  const now = Date.now();
  pcaAnthropic = oauth('anthropic', 8 * HOUR, {}, now);
  states['pc-a'] = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: pcaAnthropic, 'anthropic:ops': oauth('anthropic', 8 * HOUR, {}, now) } } } });
  states.t440 = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: oauth('anthropic', 2 * HOUR, {}, now), [CODEX]: oauth('openai-codex', 2 * 24 * HOUR, {}, now) } } } });
  const keys: Record<string, string> = { 'pc-a': newNodeKeyHex(), t440: newNodeKeyHex(), cx: newNodeKeyHex() };
  const urls: Record<string, string> = {};
  for (const node of ['pc-a', 't440']) {
    const agent = await startAgent({ TOKENOPS_NODE: node, TOKENOPS_AGENT_KEY: keys[node]!, OPENCLAW_STATE_DIR: states[node]! });
    agents.push(agent);
    urls[node] = agent.url;
  }
  const cxKey = Buffer.from(keys.cx!, 'hex');
  evil = await startEvilAgent('cx', cxKey, { status: statusOf('cx', [CODEX]), exportCredentials: [codexFromCx(), poison()], unseal: (sealed) => credentialBundleSchema.parse(unseal(cxKey, 'import:cx', sealed as never)) });
  urls.cx = evil.url;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-least-'));
  const fleetFile = path.join(dir, 'fleet.json');
  writeFileSync(
    fleetFile,
    JSON.stringify({
      nodes: ['pc-a', 't440', 'cx'].map((name) => ({ name, url: urls[name], keyEnv: `KEY_${name.replace('-', '_').toUpperCase()}`, ...(name === 'cx' ? { accounts: ['openai-codex:*'] } : {}) })),
      owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'cx' },
    }),
  );
  const loaded = loadFleet(fleetFile, Object.fromEntries(Object.entries(keys).map(([name, key]) => [`KEY_${name.replace('-', '_').toUpperCase()}`, key])));
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  client = new FleetClient(loaded.value, { timeoutMs: 5_000, concurrency: 4 });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await evil?.close();
  killAllSpawned();
});

const anthropicOn = (node: string) => readStore(states[node]!, 'main').profiles[ANTHROPIC]!;
const sync = (request: Partial<Parameters<typeof syncTokens>[2]> & { from: string; to: string }): Promise<SyncReport> => syncTokens(client, new NodeLocks(), { dryRun: false, by: 'test', ...request });

describe('a compromised source gives only what it may', () => {
  test('an automatic sync of its Codex account: its Anthropic token (300 days ahead) is dropped; the Codex one arrives', async () => {
    const before = { pca: anthropicOn('pc-a'), t440: anthropicOn('t440') };
    const report = await sync({ from: 'cx', to: 'all', profiles: [CODEX] });
    expect(report.skippedAtSource).toEqual(expect.arrayContaining([{ profileId: ANTHROPIC, reason: 'not asked for: cx sent it anyway, and it was dropped' }]));
    expect(anthropicOn('pc-a')).toEqual(before.pca);
    expect(anthropicOn('t440')).toEqual(before.t440);
    expect(readStore(states.t440!, 'main').profiles[CODEX]?.access).toBe(evil.exportCredentials[0]!.fields.access);
  });

  test('an automatic sync that asks for everything it holds: still only the accounts it owns', async () => {
    const before = anthropicOn('t440');
    const report = await sync({ from: 'cx', to: 't440' });
    expect(report.skippedAtSource).toEqual(expect.arrayContaining([{ profileId: ANTHROPIC, reason: `cx is not in the owners list of ${ANTHROPIC}: an automatic sync takes an account only from its owner or a stand-in` }]));
    expect(anthropicOn('t440')).toEqual(before);
  });

  test('a person naming it as the source gets what they asked for, and nothing else; without a list, only what it owns', async () => {
    const before = anthropicOn('t440');
    await sync({ from: 'cx', to: 't440', profiles: [CODEX], authority: 'named' });
    expect(anthropicOn('t440')).toEqual(before);
    const everything = await sync({ from: 'cx', to: 'all', authority: 'named' });
    expect(everything.skippedAtSource).toEqual(expect.arrayContaining([{ profileId: ANTHROPIC, reason: `cx does not own ${ANTHROPIC} (pc-a does): name the profile to take it from cx` }]));
    expect(anthropicOn('t440')).toEqual(before);
    // Named explicitly, one expiring in year 9999 is past any plausible horizon: still never passed on.
    const offered = evil.exportCredentials;
    evil.exportCredentials = [poison(YEAR_9999)];
    try {
      await expect(sync({ from: 'cx', to: 't440', profiles: [ANTHROPIC], authority: 'named' })).rejects.toThrow(/nothing to sync from cx: anthropic:default: cx sent it with expires 9999-12-31: not a plausible expiry/);
    } finally {
      evil.exportCredentials = offered;
    }
    expect(anthropicOn('t440')).toEqual(before);
  });

  test('a bundle claiming to come from another node (its owner, pc-a) is refused whole', async () => {
    const before = anthropicOn('t440');
    evil.bundleNode = 'pc-a';
    try {
      await expect(sync({ from: 'cx', to: 't440', profiles: [CODEX, ANTHROPIC], authority: 'named' })).rejects.toThrow(/source cx sent a credential bundle made by another node; nothing was copied/);
    } finally {
      evil.bundleNode = 'cx';
    }
    expect(anthropicOn('t440')).toEqual(before);
  });
});

describe('a compromised target receives only what it may hold', () => {
  test("a sync to all from pc-a (a person's, every profile): cx gets nothing of Anthropic, though it claims to hold it", async () => {
    evil.status = statusOf('cx', [CODEX, ANTHROPIC, 'anthropic:ops']);
    const received = evil.received.length;
    const report = await sync({ from: 'pc-a', to: 'all', authority: 'named' });
    expect(report.targets.find((target) => target.node === 'cx')?.ok).toBe(true);
    // Its `accounts` (openai-codex:*) say it may hold none of pc-a's: nothing was even sent.
    expect(evil.received.slice(received)).toEqual([]);
    // t440, which holds anthropic:default and not anthropic:ops, got the one it holds.
    expect(anthropicOn('t440').access).toBe(pcaAnthropic.access);
  });
});

describe('holdings the caller already read (the renewal job)', () => {
  test('are used instead of asking: a target said to hold nothing is sent nothing and not asked', async () => {
    const requests = evil.requests.length;
    const received = evil.received.length;
    const report = await sync({ from: 'pc-a', to: 'cx', profiles: [ANTHROPIC], holdings: new Map([['cx', new Set<string>()]]) });
    expect(report.targets[0]).toMatchObject({ ok: true, value: { stores: [], notHeld: [ANTHROPIC] } });
    expect(evil.requests.slice(requests)).toEqual([]);
    expect(evil.received.slice(received)).toEqual([]);
  });
});

// The rule itself, under random bundles and fleets, is a property test in test/unit/sync-scope.test.ts.
