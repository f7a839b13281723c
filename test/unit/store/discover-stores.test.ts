import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthProfilesJsonStore } from '../../../src/agent/store/auth-profiles-json-store.js';
import { discoverStores } from '../../../src/agent/store/discover-stores.js';
import { cleanup, tempDir } from './helpers.js';

afterEach(cleanup);

const STORE = `${JSON.stringify({ version: 1, profiles: {} }, null, 2)}\n`;

function addAgent(stateDir: string, agentId: string, contents: string | null = STORE): string {
  const agentDir = path.join(stateDir, 'agents', agentId, 'agent');
  mkdirSync(agentDir, { recursive: true });
  if (contents !== null) writeFileSync(path.join(agentDir, 'auth-profiles.json'), contents);
  return agentDir;
}

describe('discoverStores', () => {
  it('returns [] when there is no agents dir', async () => {
    expect(await discoverStores(tempDir())).toEqual([]);
  });

  it('returns [] when the state dir itself does not exist', async () => {
    expect(await discoverStores(path.join(tempDir(), 'no-such-state'))).toEqual([]);
  });

  it('returns [] for an empty agents dir', async () => {
    const stateDir = tempDir();
    mkdirSync(path.join(stateDir, 'agents'));
    expect(await discoverStores(stateDir)).toEqual([]);
  });

  it('finds main and the other agents, main first, then alphabetically', async () => {
    const stateDir = tempDir();
    for (const id of ['writer', 'research', 'main', 'coder', 'a1', 'zeta', 'mailer']) addAgent(stateDir, id);
    const stores = await discoverStores(stateDir);
    expect(stores.map((store) => store.agentId)).toEqual(['main', 'a1', 'coder', 'mailer', 'research', 'writer', 'zeta']);
  });

  it('puts main first even when it sorts last', async () => {
    const stateDir = tempDir();
    for (const id of ['aaa', 'main', 'abc']) addAgent(stateDir, id);
    expect((await discoverStores(stateDir)).map((store) => store.agentId)).toEqual(['main', 'aaa', 'abc']);
  });

  it('builds auth-profiles.json stores with the right file and display path', async () => {
    const stateDir = tempDir();
    addAgent(stateDir, 'main');
    addAgent(stateDir, 'research');
    const stores = await discoverStores(stateDir);
    expect(stores).toHaveLength(2);
    for (const store of stores) {
      expect(store).toBeInstanceOf(AuthProfilesJsonStore);
      expect(store.kind).toBe('auth-profiles-json');
      expect(store.displayPath).toBe(path.join('agents', store.agentId, 'agent', 'auth-profiles.json'));
      expect((store as AuthProfilesJsonStore).file).toBe(path.join(stateDir, 'agents', store.agentId, 'agent', 'auth-profiles.json'));
    }
    // And they read what is on disk.
    const read = await stores[0]?.read();
    expect(read).toEqual({ ok: true, profiles: {}, layout: 'split' });
  });

  it('skips agent dirs without auth-profiles.json (only other files, or no agent/ subdir)', async () => {
    const stateDir = tempDir();
    addAgent(stateDir, 'main');
    const noStore = addAgent(stateDir, 'fresh', null);
    writeFileSync(path.join(noStore, 'auth-state.json'), '{}');
    writeFileSync(path.join(noStore, 'auth-profiles.json.lock'), '{}');
    writeFileSync(path.join(noStore, 'auth-profiles.json.bak'), STORE);
    mkdirSync(path.join(stateDir, 'agents', 'sessions-only', 'sessions'), { recursive: true });
    writeFileSync(path.join(stateDir, 'agents', 'a-file-not-a-dir'), 'x');
    expect((await discoverStores(stateDir)).map((store) => store.agentId)).toEqual(['main']);
  });

  it('skips names that are not valid agent ids', async () => {
    const stateDir = tempDir();
    addAgent(stateDir, 'main');
    for (const bad of ['.hidden', '-dash-first', '_underscore-first', 'has space', 'x'.repeat(65), 'caf\u00e9']) addAgent(stateDir, bad);
    addAgent(stateDir, 'ok.agent_name-2');
    addAgent(stateDir, 'x'.repeat(64));
    expect((await discoverStores(stateDir)).map((store) => store.agentId)).toEqual(['main', 'ok.agent_name-2', 'x'.repeat(64)]);
  });

  it('lists a store whose file is malformed, so its problem can be reported', async () => {
    const stateDir = tempDir();
    addAgent(stateDir, 'broken', '{"version": 1, "profiles": {');
    const stores = await discoverStores(stateDir);
    expect(stores.map((store) => store.agentId)).toEqual(['broken']);
    const read = await stores[0]?.read();
    expect(read?.ok).toBe(false);
  });

  it('lists a store whose file is a symlink, and its read refuses it', async () => {
    const stateDir = tempDir();
    const agentDir = addAgent(stateDir, 'linked', null);
    const elsewhere = path.join(tempDir(), 'auth-profiles.json');
    writeFileSync(elsewhere, STORE);
    symlinkSync(elsewhere, path.join(agentDir, 'auth-profiles.json'));
    const stores = await discoverStores(stateDir);
    expect(stores.map((store) => store.agentId)).toEqual(['linked']);
    const read = await stores[0]?.read();
    expect(read?.ok).toBe(false);
  });
});
