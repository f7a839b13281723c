import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { refreshResponseSchema } from '../../src/protocol/agent-api.js';
import { startOAuthServer } from '../support/oauth-server.js';
import { seal } from '../../src/protocol/sealing.js';
import { capturedOutput, killAllSpawned, startAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { snapshotTree, treeChanges } from '../support/tree-snapshot.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, secret } from '../support/state-dir.js';

/*
 * The disk fills up while an import writes: the state dir lives on a small tmpfs, filled to
 * the last page. The store must stay as it was, byte for byte, with no temp file or lock
 * left behind, the caller must get an error that says what happened, and once there is
 * room again the same import goes through. Needs root (to mount); skipped with the reason
 * otherwise.
 */

const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'tokenops-diskfull-'));
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mountPoint], { encoding: 'utf8' });
const mounted = mount.status === 0;
// CI runs as root (scripts/install-test-deps.sh says so): there a skip would hide a fault suite
// that never ran, so it fails instead, as a missing redis-server does (test/support/redis-server.ts).
if (!mounted && process.env.CI) throw new Error(`disk-full: mounting a tmpfs failed in CI (${(mount.stderr || mount.error?.message || `exit ${mount.status}`).trim()}): run CI as root with CAP_SYS_ADMIN`);
const tried: string[] = [];

afterAll(() => {
  killAllSpawned();
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
  console.log(`disk full: ${mounted ? tried.join('; ') : 'not run: mounting a tmpfs needs root'}`);
  expect(findSecrets(capturedOutput)).toEqual([]);
});

/** Writes until the filesystem refuses: nothing is left, not even a page. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

test.skipIf(!mounted)('an import into a full disk: 507 that says so, every store as it was, nothing left behind; with room again it goes through', async () => {
  const stateDir = path.join(mountPoint, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  buildStateDir({ dir: stateDir, layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', -HOUR) } }, coder: { profiles: { 'anthropic:default': oauth('anthropic', -HOUR) } } } });
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir });
  const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 20_000 });
  const fresh = { access: secret('diskfull-access'), refresh: secret('diskfull-refresh'), expires: Date.now() + 8 * HOUR };
  const importFresh = () =>
    client.call('POST', '/v1/import', { sealed: seal(Buffer.from(keyHex, 'hex'), 'import:t440', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: fresh }] }) });
  try {
    const filler = path.join(mountPoint, 'filler');
    fill(filler);
    const before = snapshotTree(stateDir);
    const full = await importFresh();
    tried.push(`import into a full disk → ${full.status}`);
    expect(full.status, JSON.stringify(full.body)).toBe(507);
    const error = (full.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('disk_full');
    expect(error.message).toMatch(/no space left on the device holding .*auth-profiles\.json; the store is unchanged/);
    expect(treeChanges(before, snapshotTree(stateDir))).toEqual([]);
    // The agent is still there and still reads the stores as they were.
    const status = await client.request('GET', '/v1/status');
    expect(JSON.stringify(status)).toContain('"health":"expired"');

    rmSync(filler);
    const roomy = await importFresh();
    tried.push(`the same import with room again → ${roomy.status}`);
    expect(roomy.status).toBe(200);
    const store = JSON.parse(readFileSync(path.join(stateDir, 'agents', 'main', 'agent', 'auth-profiles.json'), 'utf8')) as { profiles: Record<string, { access: string }> };
    expect(store.profiles['anthropic:default']!.access).toBe(fresh.access);
    expect(statSync(path.join(stateDir, 'agents', 'main', 'agent', 'auth-profiles.json')).mode & 0o777).toBe(0o600);
  } finally {
    await agent.stop();
  }
});

test.skipIf(!mounted)('a refresh whose new tokens cannot be saved: 507 that says the old refresh token may be spent; with room again the next refresh saves the same tokens without spending it twice', async () => {
  const oauthServer = await startOAuthServer();
  const stateDir = path.join(mountPoint, 'refresh-state');
  mkdirSync(stateDir, { mode: 0o700 });
  const held = oauth('anthropic', 10 * 60_000);
  buildStateDir({ dir: stateDir, layout: 'split', agents: { main: { profiles: { 'anthropic:default': held } } } });
  oauthServer.issue(held.refresh);
  // Outside the full tmpfs: the agent reads it at start.
  const providers = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-providers-')), 'providers.json');
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: 'test-client', format: 'form' } }));
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_OAUTH_PROVIDERS: providers });
  const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 20_000 });
  const storeFile = path.join(stateDir, 'agents', 'main', 'agent', 'auth-profiles.json');
  try {
    const filler = path.join(mountPoint, 'refresh-filler');
    fill(filler);
    const before = snapshotTree(stateDir);
    // Not a page free: the store's lock cannot be written, so the provider is never asked.
    const full = await client.call('POST', '/v1/refresh', { profiles: ['anthropic:default'] });
    tried.push(`refresh into a full disk → ${full.status}, ${oauthServer.grants} grants`);
    expect(full.status, JSON.stringify(full.body)).toBe(507);
    expect((full.body as { error: { message: string } }).error.message).toMatch(/no space left on the device holding .*auth-profiles\.json; the store is unchanged/);
    expect(oauthServer.grants).toBe(0);
    expect(treeChanges(before, snapshotTree(stateDir))).toEqual([]);

    // One page free: room for the lock, not for the new store. The provider grants, and rotates.
    truncateSync(filler, statSync(filler).size - 4096);
    const almost = await client.call('POST', '/v1/refresh', { profiles: ['anthropic:default'] });
    tried.push(`refresh with one page free → ${almost.status}, ${oauthServer.grants} grant`);
    expect(almost.status, JSON.stringify(almost.body)).toBe(507);
    const error = (almost.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('disk_full');
    expect(error.message).toMatch(/anthropic:default: the provider granted new tokens, but there is no space left .* its refresh token may no longer work\. This agent holds the new tokens in memory .* refresh anthropic:default again now/);
    // The store as it was; at most the (empty) backups folder was made before the disk said no.
    expect(treeChanges(before, snapshotTree(stateDir)).filter((change) => change !== 'added agents/main/agent/.tokenops-backups')).toEqual([]);
    // The provider rotated: the refresh token in the store is spent (sending it again would revoke the login).
    expect(oauthServer.grants).toBe(1);

    rmSync(filler);
    const roomy = refreshResponseSchema.parse(await client.request('POST', '/v1/refresh', { profiles: ['anthropic:default'] }));
    tried.push(`the refresh again with room → ${roomy.results[0]?.outcome}, ${oauthServer.grants - 1} more grants, ${oauthServer.reuses} reuses`);
    expect(roomy.results[0]).toMatchObject({ outcome: 'refreshed', rotated: true, attempts: 0, stores: ['main'] });
    expect(oauthServer.grants).toBe(1);
    expect(oauthServer.reuses).toBe(0);
    const saved = (JSON.parse(readFileSync(storeFile, 'utf8')) as { profiles: Record<string, { refresh: string }> }).profiles['anthropic:default']!;
    expect(saved.refresh).not.toBe(held.refresh);

    // What was saved is the live token: the next refresh goes to the provider and works.
    const next = refreshResponseSchema.parse(await client.request('POST', '/v1/refresh', { profiles: ['anthropic:default'] }));
    expect(next.results[0]).toMatchObject({ outcome: 'refreshed', attempts: 1 });
    expect(oauthServer.grants).toBe(2);
    expect(oauthServer.reuses).toBe(0);
  } finally {
    await agent.stop();
    await oauthServer.stop();
  }
});
