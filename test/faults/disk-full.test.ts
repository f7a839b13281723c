import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
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
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mountPoint]).status === 0;
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
