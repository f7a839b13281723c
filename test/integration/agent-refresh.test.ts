import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { refreshResponseSchema, statusResponseSchema, type RefreshResponse } from '../../src/protocol/agent-api.js';
import { startOAuthServer, type RotatingOAuthServer } from '../support/oauth-server.js';
import { capturedOutput, freePort, killAllSpawned, startAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, readStore, secret, storePath } from '../support/state-dir.js';

const seen: string[] = [];
let oauthServer: RotatingOAuthServer;

beforeAll(async () => {
  oauthServer = await startOAuthServer();
});
afterAll(async () => {
  await oauthServer.stop();
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

async function owner(tokenUrl: string) {
  const shared = oauth('anthropic', 20 * 60_000, { email: 'ops@example.com', displayName: 'kept' });
  const stateDir = buildStateDir({
    layout: 'split',
    agents: {
      main: {
        profiles: {
          'anthropic:default': shared,
          'openai-codex:ops@example.com': oauth('openai-codex', 9 * 24 * HOUR),
          'google-gemini-cli:ops@example.com': oauth('google-gemini-cli', 2 * HOUR),
        },
      },
      coder: { profiles: { 'anthropic:default': { ...shared, expires: shared.expires - HOUR } } },
    },
  });
  oauthServer.issue(shared.refresh);
  const providers = path.join(stateDir, 'providers.json');
  // Every provider on loopback: a test never reaches a real provider.
  const nowhere = `http://127.0.0.1:${await freePort()}/token`;
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl, clientId: 'test-client', format: 'form' }, 'openai-codex': { tokenUrl: nowhere, clientId: 'codex' } }));
  const keyHex = newNodeKeyHex();
  const env = { TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_OAUTH_PROVIDERS: providers, TOKENOPS_LOCK_WAIT: '5s' };
  const node = {
    stateDir,
    shared,
    agent: await startAgent(env),
    get client() {
      return new AgentClient({ baseUrl: node.agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 30_000 });
    },
    async refresh(profiles?: string[]) {
      const response = refreshResponseSchema.parse(await node.client.request('POST', '/v1/refresh', profiles ? { profiles } : {}));
      seen.push(JSON.stringify(response));
      return response;
    },
    /** The agent stops and starts again on the same state dir: whatever it held only in memory is gone. */
    async restart() {
      await node.agent.stop();
      node.agent = await startAgent(env);
    },
  };
  return node;
}

const one = (response: RefreshResponse, profileId = 'anthropic:default') => response.results.find((result) => result.profileId === profileId)!;

describe('refresh on the owner, against a real OAuth server', () => {
  let node: Awaited<ReturnType<typeof owner>>;
  beforeAll(async () => {
    node = await owner(oauthServer.tokenUrl);
  });
  afterAll(async () => node.agent.stop());

  test('rotation: new access and refresh tokens in every store holding the profile; other fields kept', async () => {
    const before = oauthServer.grants;
    const started = Date.now();
    const result = one(await node.refresh(['anthropic:default']));
    expect(result).toMatchObject({ outcome: 'refreshed', rotated: true, stores: ['main', 'coder'], attempts: 1 });
    expect(oauthServer.grants).toBe(before + 1);
    // OpenClaw's convention: expires five minutes before the provider's expires_in.
    expect(Date.parse(result.expiresAt!) - started).toBeGreaterThan(8 * HOUR - 6 * 60_000);
    expect(Date.parse(result.expiresAt!) - started).toBeLessThan(8 * HOUR - 4 * 60_000);
    const main = readStore(node.stateDir, 'main').profiles['anthropic:default']!;
    const coder = readStore(node.stateDir, 'coder').profiles['anthropic:default']!;
    expect(main.refresh).not.toBe(node.shared.refresh);
    expect(main.access).not.toBe(node.shared.access);
    expect(coder).toMatchObject({ access: main.access, refresh: main.refresh, expires: main.expires, displayName: 'kept', email: 'ops@example.com' });
    // The Codex profile was not asked for and is untouched.
    expect(readStore(node.stateDir, 'main').profiles['openai-codex:ops@example.com']?.access).toBeDefined();
  });

  test('a reused refresh token is terminal: one attempt, never retried, and status says it needs a new login', async () => {
    // Put back the token that was already spent, as a node that copied it earlier would hold it.
    const file = storePath(node.stateDir, 'main');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.profiles['anthropic:default'].refresh = node.shared.refresh;
    doc.profiles['anthropic:default'].access = secret('stale-access');
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    const before = oauthServer.grants;
    const first = one(await node.refresh(['anthropic:default']));
    expect(first).toMatchObject({ outcome: 'terminal', error: 'refresh_token_reused', attempts: 1 });
    expect(oauthServer.grants).toBe(before + 1);
    expect(oauthServer.reuses).toBe(1);
    const again = one(await node.refresh(['anthropic:default']));
    expect(again).toMatchObject({ outcome: 'terminal', error: 'refresh_token_reused' });
    expect(oauthServer.grants).toBe(before + 1);
    const status = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
    expect(status.profiles.find((p) => p.agentId === 'main' && p.profileId === 'anthropic:default')?.refreshError).toBe('refresh_token_reused');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc);
  });

  test('a provider with no token endpoint configured, or a profile not held, says so without calling anyone', async () => {
    const grants = oauthServer.grants;
    const results = await node.refresh(['google-gemini-cli:ops@example.com', 'anthropic:nothere']);
    expect(one(results, 'google-gemini-cli:ops@example.com')).toMatchObject({ outcome: 'no_provider', error: expect.stringMatching(/TOKENOPS_OAUTH_PROVIDERS/) });
    expect(one(results, 'anthropic:nothere')).toMatchObject({ outcome: 'not_held' });
    expect(oauthServer.grants).toBe(grants);
  });
});

describe('refresh when things go wrong', () => {
  test('the provider is down: retried with backoff, then failed; nothing written', async () => {
    const node = await owner(`http://127.0.0.1:${await freePort()}/token`);
    try {
      const before = readFileSync(storePath(node.stateDir, 'main'), 'utf8');
      const result = one(await node.refresh(['anthropic:default']));
      expect(result).toMatchObject({ outcome: 'failed', error: 'ECONNREFUSED', attempts: 3 });
      expect(readFileSync(storePath(node.stateDir, 'main'), 'utf8')).toBe(before);
    } finally {
      await node.agent.stop();
    }
  });

  // Issue 16.3. Before: expires_in 1e13 answered 500 (the expiry was past what a Date holds)
  // and the rotated refresh token stayed in the agent's memory only, lost at its restart; a
  // negative one was a malformed answer, and the rotated token was dropped at once.
  test.each([
    ['1e13 s', 1e13],
    ['a negative lifetime', -3600],
  ])('expires_in %s: refreshed with an hour assumed, the rotated refresh token saved in every store; after a restart of the agent the next refresh works', async (_label, lifetime) => {
    const node = await owner(oauthServer.tokenUrl);
    try {
      oauthServer.setLifetime(lifetime);
      const presented = oauthServer.presented.length;
      const started = Date.now();
      const result = one(await node.refresh(['anthropic:default']));
      expect(result).toMatchObject({ outcome: 'refreshed', rotated: true, stores: ['main', 'coder'], lifetimeMs: HOUR - 5 * 60_000 });
      const expires = Date.parse(result.expiresAt!);
      expect(expires - started).toBeGreaterThanOrEqual(HOUR - 5 * 60_000 - 1000);
      expect(expires - Date.now()).toBeLessThanOrEqual(HOUR - 5 * 60_000);
      // The rotated refresh token is on disk, in both stores, with a believable expiry.
      const main = readStore(node.stateDir, 'main').profiles['anthropic:default']!;
      expect(main.refresh).not.toBe(node.shared.refresh);
      expect(main.expires).toBe(expires);
      expect(readStore(node.stateDir, 'coder').profiles['anthropic:default']).toMatchObject({ access: main.access, refresh: main.refresh, expires });
      expect(node.agent.output.some((line) => /"level":40/.test(line) && /not a plausible lifetime; taken as 3600 s/.test(line))).toBe(true);

      await node.restart();
      oauthServer.setLifetime(8 * 3600);
      const reuses = oauthServer.reuses;
      expect(one(await node.refresh(['anthropic:default']))).toMatchObject({ outcome: 'refreshed', rotated: true });
      expect(oauthServer.reuses).toBe(reuses);
      expect(oauthServer.presented.slice(presented)).toEqual([node.shared.refresh, main.refresh]);
    } finally {
      oauthServer.setLifetime(8 * 3600);
      await node.agent.stop();
    }
  });

  test('someone refreshed while we waited for the lock: their token is kept, ours never spent', async () => {
    const node = await owner(oauthServer.tokenUrl);
    try {
      const file = storePath(node.stateDir, 'main');
      const theirs = { access: secret('their-access'), refresh: secret('their-refresh'), expires: Date.now() + 8 * HOUR };
      // A process holding OpenClaw's lock, writing a refreshed token, then letting go.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const fs=require('fs');const lock=${JSON.stringify(`${file}.lock`)};const h=fs.openSync(lock,'wx');
           fs.writeSync(h,JSON.stringify({pid:process.pid,createdAt:new Date().toISOString()},null,2)+'\\n');console.log('locked');
           setTimeout(()=>{const d=JSON.parse(fs.readFileSync(${JSON.stringify(file)},'utf8'));Object.assign(d.profiles['anthropic:default'],${JSON.stringify(theirs)});
           fs.writeFileSync(${JSON.stringify(file)},JSON.stringify(d,null,2)+'\\n');fs.unlinkSync(lock);process.exit(0)},800);`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      const grants = oauthServer.grants;
      const result = one(await node.refresh(['anthropic:default']));
      expect(result.outcome).toBe('already_refreshed');
      expect(oauthServer.grants).toBe(grants);
      expect(readStore(node.stateDir, 'main').profiles['anthropic:default']).toMatchObject(theirs);
      // …and it reaches the other store on the node.
      expect(readStore(node.stateDir, 'coder').profiles['anthropic:default']).toMatchObject(theirs);
    } finally {
      await node.agent.stop();
    }
  });
});
