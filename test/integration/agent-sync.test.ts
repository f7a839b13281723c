import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { transfer } from '../support/fleet-keys.js';
import { findSecrets } from '../support/secret-scan.js';
import { agentDir, buildStateDir, DAY, HOUR, listBackups, newNodeKeyHex, oauth, readStore, storePath } from '../support/state-dir.js';

const seen: string[] = [];
afterAll(() => {
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

interface Node {
  node: string;
  stateDir: string;
  key: Buffer;
  agent: RunningAgent;
  client: AgentClient;
}

async function startNode(node: string, stateDir: string, env: Record<string, string> = {}): Promise<Node> {
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: node, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', ...env });
  const key = Buffer.from(keyHex, 'hex');
  return { node, stateDir, key, agent, client: new AgentClient({ baseUrl: agent.url, key, timeoutMs: 10_000 }) };
}

const bytes = (file: string) => readFileSync(file, 'utf8');

/** The incident: pc-a fresh (split layout), t440 expired (legacy layout), 3 agent stores on t440. */
async function incident(env: Record<string, string> = {}) {
  const now = Date.now();
  const pcaState = buildStateDir({
    layout: 'split',
    agents: {
      main: {
        profiles: {
          'anthropic:default': oauth('anthropic', 8 * HOUR, { email: 'ops@example.com' }, now),
          'openai-codex:ops@example.com': oauth('openai-codex', 10 * DAY, { accountId: 'acc-new', email: 'ops@example.com' }, now),
          'google-gemini-cli:ops@example.com': oauth('google-gemini-cli', 5 * HOUR, { projectId: 'proj' }, now),
        },
      },
    },
  });
  const t440State = buildStateDir({
    layout: 'legacy',
    agents: {
      main: {
        profiles: {
          'anthropic:default': oauth('anthropic', -3 * HOUR, { email: 'ops@example.com', displayName: 'Ops', clientId: 'keep-me' }, now),
          'openai-codex:ops@example.com': oauth('openai-codex', -1 * HOUR, { accountId: 'acc-old', email: 'ops@example.com' }, now),
        },
      },
      coder: { profiles: { 'anthropic:default': oauth('anthropic', -3 * HOUR, { futureField: { nested: [1, 2] } }, now) } },
      writer: { profiles: { 'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-writer-key-0001' } } },
    },
  });
  // A split-layout sidecar on t440's coder, to prove it is left alone.
  writeFileSync(path.join(agentDir(t440State, 'coder'), 'auth-state.json'), '{\n  "version": 1,\n  "order": {}\n}\n', { mode: 0o600 });
  const [pca, t440] = await Promise.all([startNode('pc-a', pcaState, env), startNode('t440', t440State, env)]);
  return { pca, t440 };
}

let nodes: { pca: Node; t440: Node };
beforeEach(async () => {
  nodes = await incident();
  return async () => {
    await Promise.all([nodes.pca.agent.stop(), nodes.t440.agent.stop()]);
  };
});

describe('sync pc-a → t440', () => {
  test('dry run plans per store and profile, and writes nothing (byte for byte)', async () => {
    const { pca, t440 } = nodes;
    const before = ['main', 'coder', 'writer'].map((agent) => bytes(storePath(t440.stateDir, agent)));
    const plan = await transfer(pca, t440, { dryRun: true });
    seen.push(JSON.stringify(plan));
    expect(plan.dryRun).toBe(true);
    const main = plan.stores.find((store) => store.agentId === 'main');
    expect(main?.outcome).toBe('planned');
    expect(main?.profiles.map((p) => [p.profileId, p.action, p.reason])).toEqual([
      ['anthropic:default', 'update', 'newer'],
      ['openai-codex:ops@example.com', 'update', 'newer'],
    ]);
    const codex = main?.profiles.find((p) => p.profileId === 'openai-codex:ops@example.com');
    expect(codex?.changedFields).toEqual(['access', 'refresh', 'expires', 'accountId']);
    expect(Date.parse(codex!.toExpiresAt!)).toBeGreaterThan(Date.parse(codex!.fromExpiresAt!));
    expect(plan.stores.find((store) => store.agentId === 'coder')?.profiles.map((p) => p.profileId)).toEqual(['anthropic:default']);
    expect(plan.stores.find((store) => store.agentId === 'writer')).toMatchObject({ outcome: 'unchanged', profiles: [] });
    expect(plan.notHeld).toEqual(['google-gemini-cli:ops@example.com']);
    expect(['main', 'coder', 'writer'].map((agent) => bytes(storePath(t440.stateDir, agent)))).toEqual(before);
    expect(listBackups(t440.stateDir, 'main')).toEqual([]);
  });

  test('import copies credential fields into every store holding the profile, keeps everything else', async () => {
    const { pca, t440 } = nodes;
    const source = readStore(pca.stateDir, 'main').profiles;
    const beforeMain = readStore(t440.stateDir, 'main');
    const beforeCoder = readStore(t440.stateDir, 'coder');
    const coderState = bytes(path.join(agentDir(t440.stateDir, 'coder'), 'auth-state.json'));
    const writer = bytes(storePath(t440.stateDir, 'writer'));

    const result = await transfer(pca, t440);
    seen.push(JSON.stringify(result));
    expect(result.stores.map((store) => [store.agentId, store.outcome])).toEqual([
      ['main', 'written'],
      ['coder', 'written'],
      ['writer', 'unchanged'],
    ]);

    const afterMain = readStore(t440.stateDir, 'main');
    for (const id of ['anthropic:default', 'openai-codex:ops@example.com']) {
      for (const field of ['access', 'refresh', 'expires']) expect(afterMain.profiles[id]?.[field]).toBe(source[id]?.[field]);
    }
    expect(afterMain.profiles['openai-codex:ops@example.com']?.accountId).toBe('acc-new');
    // Non-credential fields, their order, and the legacy top-level state are as they were.
    expect(afterMain.profiles['anthropic:default']).toMatchObject({ displayName: 'Ops', clientId: 'keep-me' });
    expect(Object.keys(afterMain.profiles['anthropic:default']!)).toEqual(Object.keys(beforeMain.profiles['anthropic:default']!));
    expect(Object.keys(afterMain)).toEqual(Object.keys(beforeMain));
    for (const field of ['order', 'lastGood', 'usageStats', 'version']) expect(afterMain[field]).toEqual(beforeMain[field]);
    const afterCoder = readStore(t440.stateDir, 'coder');
    expect(afterCoder.profiles['anthropic:default']?.futureField).toEqual(beforeCoder.profiles['anthropic:default']?.futureField);
    expect(afterCoder.profiles['anthropic:default']?.access).toBe(source['anthropic:default']?.access);
    // Files it did not mean to change are byte-identical.
    expect(bytes(path.join(agentDir(t440.stateDir, 'coder'), 'auth-state.json'))).toBe(coderState);
    expect(bytes(storePath(t440.stateDir, 'writer'))).toBe(writer);
    // Backups of the old versions, strict modes, OpenClaw's serialization.
    const backups = listBackups(t440.stateDir, 'main');
    expect(backups).toHaveLength(1);
    expect(JSON.parse(bytes(path.join(agentDir(t440.stateDir, 'main'), '.tokenops-backups', backups[0]!)))).toEqual(beforeMain);
    expect(result.stores[0]?.backup).toBe(`agents/main/agent/.tokenops-backups/${backups[0]}`);
    expect(statSync(storePath(t440.stateDir, 'main')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(agentDir(t440.stateDir, 'main'), '.tokenops-backups')).mode & 0o777).toBe(0o700);
    expect(bytes(storePath(t440.stateDir, 'main'))).toBe(`${JSON.stringify(afterMain, null, 2)}\n`);

    // Status now agrees: t440 holds pc-a's tokens (same fingerprints), healthy.
    const status = (await t440.client.request('GET', '/v1/status')) as { profiles: Array<{ profileId: string; fingerprint: string; health: string }> };
    const pcaStatus = (await pca.client.request('GET', '/v1/status')) as typeof status;
    const fp = (s: typeof status, id: string) => s.profiles.find((p) => p.profileId === id)?.fingerprint;
    expect(fp(status, 'anthropic:default')).toBe(fp(pcaStatus, 'anthropic:default'));
    expect(status.profiles.filter((p) => p.profileId !== 'openai:default').every((p) => p.health !== 'expired')).toBe(true);

    // Running it again changes nothing and makes no new backup.
    const again = await transfer(pca, t440);
    expect(again.stores.every((store) => store.outcome === 'unchanged')).toBe(true);
    expect(again.stores[0]?.profiles.every((p) => p.reason === 'unchanged')).toBe(true);
    expect(listBackups(t440.stateDir, 'main')).toHaveLength(1);
  });

  test('a sync that would downgrade is refused; force overrides it', async () => {
    const { pca, t440 } = nodes;
    // t440 → pc-a: t440's tokens are older than pc-a's.
    const before = bytes(storePath(pca.stateDir, 'main'));
    const refused = await transfer(t440, pca, { profiles: ['anthropic:default'] });
    expect(refused.stores[0]?.profiles).toMatchObject([{ profileId: 'anthropic:default', action: 'skip', reason: 'incoming_expired' }]);
    expect(bytes(storePath(pca.stateDir, 'main'))).toBe(before);

    // Older but still valid: target_newer.
    const older = await transfer(t440, pca, {
      profiles: ['anthropic:default'],
      mutate: (bundle) => ({ ...bundle, credentials: bundle.credentials.map((c) => ({ ...c, fields: { ...c.fields, expires: Date.now() + HOUR } })) }),
    });
    expect(older.stores[0]?.profiles[0]).toMatchObject({ action: 'skip', reason: 'target_newer', changedFields: [] });
    expect(bytes(storePath(pca.stateDir, 'main'))).toBe(before);

    const forced = await transfer(t440, pca, { profiles: ['anthropic:default'], force: true });
    expect(forced.stores[0]).toMatchObject({ outcome: 'written', profiles: [{ action: 'update', reason: 'forced' }] });
    expect(readStore(pca.stateDir, 'main').profiles['anthropic:default']?.access).toBe(readStore(t440.stateDir, 'main').profiles['anthropic:default']?.access);
  });

  test('a malformed store on the target refuses the import, and nothing is written anywhere', async () => {
    const { pca, t440 } = nodes;
    const half = bytes(storePath(t440.stateDir, 'coder')).slice(0, 120);
    writeFileSync(storePath(t440.stateDir, 'coder'), half);
    const main = bytes(storePath(t440.stateDir, 'main'));
    const response = await (async () => {
      try {
        await transfer(pca, t440);
        return null;
      } catch (error) {
        return error as { status: number; code: string; message: string };
      }
    })();
    expect(response).toMatchObject({ status: 422, code: 'store_invalid' });
    expect(response?.message).toContain('agents/coder/agent/auth-profiles.json');
    expect(response?.message).toMatch(/truncated/);
    expect(bytes(storePath(t440.stateDir, 'coder'))).toBe(half);
    expect(bytes(storePath(t440.stateDir, 'main'))).toBe(main);
    expect(listBackups(t440.stateDir, 'main')).toEqual([]);
    const status = (await t440.client.request('GET', '/v1/status')) as { store: { readable: boolean; stores: Array<{ agentId: string; readable: boolean; reason?: string }> } };
    expect(status.store.readable).toBe(false);
    expect(status.store.stores.find((s) => s.agentId === 'coder')).toMatchObject({ readable: false, reason: expect.stringMatching(/truncated/) });
    seen.push(JSON.stringify(status), JSON.stringify(response));
  });

  test('a symlinked store is reported and never written through', async () => {
    const { pca, t440 } = nodes;
    const { symlinkSync, rmSync, mkdtempSync } = await import('node:fs');
    const outside = path.join(mkdtempSync(path.join(path.dirname(t440.stateDir), 'outside-')), 'target.json');
    writeFileSync(outside, bytes(storePath(t440.stateDir, 'coder')));
    rmSync(storePath(t440.stateDir, 'coder'));
    symlinkSync(outside, storePath(t440.stateDir, 'coder'));
    const outsideBefore = bytes(outside);
    await expect(transfer(pca, t440)).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/symbolic link/) });
    expect(bytes(outside)).toBe(outsideBefore);
  });
});

describe("OpenClaw's lock", () => {
  test('a live holder makes the import wait, then answer 409 naming it (a second mutation meanwhile is refused); once it dies, the lock is taken over', async () => {
    const { pca, t440 } = nodes;
    await Promise.all([pca.agent.stop(), t440.agent.stop()]);
    const t440b = await startNode('t440', t440.stateDir, { TOKENOPS_LOCK_WAIT: '800ms' });
    const pcab = await startNode('pc-a', pca.stateDir);
    nodes = { pca: pcab, t440: t440b };
    const lockPath = `${storePath(t440.stateDir, 'main')}.lock`;
    // A process that takes the lock exactly as OpenClaw does, and holds it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');const st=fs.readFileSync('/proc/self/stat','utf8');const f=st.slice(st.lastIndexOf(')')+2).split(/\\s+/);
         const h=fs.openSync(${JSON.stringify(lockPath)},'wx');fs.writeSync(h,JSON.stringify({pid:process.pid,createdAt:new Date().toISOString(),starttime:Number(f[19])},null,2)+'\\n');
         console.log('locked');setInterval(()=>{},1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const main = bytes(storePath(t440.stateDir, 'main'));
    const started = Date.now();
    const waiting = transfer(pcab, t440b, { profiles: ['openai-codex:ops@example.com'] }).catch((error: unknown) => error as { status: number; code: string; details: { holder: { pid: number } } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    // One mutation per node: while the first import waits for the lock, a second is refused.
    await expect(transfer(pcab, t440b)).rejects.toMatchObject({ status: 409, code: 'busy', message: expect.stringMatching(/running on this node: import/) });
    const busy = await waiting;
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(busy).toMatchObject({ status: 409, code: 'lock_busy', details: { holder: { pid: holder.pid } } });
    expect(bytes(storePath(t440.stateDir, 'main'))).toBe(main);

    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('exit', resolve));
    // The dead holder's lock file is still there; OpenClaw's rule: a dead pid's lock is stale.
    expect(readFileSync(lockPath, 'utf8')).toContain(String(holder.pid));
    const result = await transfer(pcab, t440b, { profiles: ['openai-codex:ops@example.com'] });
    expect(result.stores[0]?.outcome).toBe('written');
    expect(() => statSync(lockPath)).toThrow();
    console.log(`lock held: fresh → the import waited ${waited} ms (TOKENOPS_LOCK_WAIT 800ms), then 409 lock_busy naming the holder; stale (holder dead) → taken over, import written`);
  });
});
