import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { discoverStores } from '../../src/agent/store/discover-stores.js';
import { stateLockFile } from '../../src/agent/store/openclaw-state-lock.js';
import { processStartTime } from '../../src/agent/store/process-starttime.js';
import { LockBusyError } from '../../src/agent/store/sidecar-lock.js';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { importResponseSchema, statusResponseSchema } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { agentDatabase, quarantineDatabase, readRow, stateDatabase } from '../support/openclaw-sqlite.js';
import { capturedOutput, killAllSpawned, startAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

const seen: string[] = [];
afterAll(() => {
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

const STATE = { version: 1, order: { anthropic: ['anthropic:default'] }, lastGood: { anthropic: 'anthropic:default' }, usageStats: { 'anthropic:default': { lastUsed: 1771000000000, errorCount: 0 } } };

async function agentOn(stateDir: string, env: Record<string, string> = {}) {
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, ...env });
  const key = Buffer.from(keyHex, 'hex');
  const client = new AgentClient({ baseUrl: agent.url, key, timeoutMs: 20_000 });
  const importFresh = async (fields: { access: string; refresh: string; expires: number }) => {
    const sealed = seal(key, 'import:t440', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields }] });
    return client.call('POST', '/v1/import', { sealed });
  };
  return { agent, client, importFresh };
}

describe('2026.6.5: a SQLite database per agent', () => {
  test('status reads it (a leftover auth-profiles.json is ignored, as OpenClaw ignores it); an import rewrites only its row, in WAL mode, with a backup', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-sqlite-'));
    const old = oauth('anthropic', -HOUR, { email: 'ops@example.com', displayName: 'kept' });
    const file = agentDatabase(stateDir, 'main', { version: 1, profiles: { 'anthropic:default': old, 'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-sqlite-key-000000' } } }, STATE);
    writeFileSync(path.join(stateDir, 'agents', 'main', 'agent', 'auth-profiles.json'), JSON.stringify({ version: 1, profiles: { 'anthropic:leftover': oauth('anthropic', HOUR) } }));
    const node = await agentOn(stateDir);
    try {
      const status = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
      seen.push(JSON.stringify(status));
      expect(status.store).toMatchObject({ kind: 'openclaw-agent-sqlite', readable: true });
      expect(status.profiles.map((profile) => [profile.profileId, profile.health])).toEqual([
        ['anthropic:default', 'expired'],
        ['openai:default', 'ok'],
      ]);
      const stateRow = readRow(file, "SELECT state_json, updated_at FROM auth_profile_state WHERE state_key = 'primary'");
      const fresh = oauth('anthropic', 8 * HOUR);
      const answer = await node.importFresh({ access: fresh.access, refresh: fresh.refresh, expires: fresh.expires });
      expect(answer.status).toBe(200);
      const result = importResponseSchema.parse(answer.body);
      expect(result.stores[0]).toMatchObject({ agentId: 'main', path: 'agents/main/agent/openclaw-agent.sqlite#auth_profile_store/primary', outcome: 'written' });
      const row = readRow(file, "SELECT store_json, updated_at FROM auth_profile_store WHERE store_key = 'primary'")!;
      const document = JSON.parse(String(row.store_json));
      expect(document.profiles['anthropic:default']).toMatchObject({ access: fresh.access, refresh: fresh.refresh, expires: fresh.expires, email: 'ops@example.com', displayName: 'kept' });
      expect(document.profiles['openai:default'].key).toBe('sk-sqlite-key-000000');
      // OpenClaw's encoding (compact), its update time bumped, the state row and other tables untouched.
      expect(String(row.store_json)).toBe(JSON.stringify(document));
      expect(Number(row.updated_at)).toBeGreaterThan(1771000000000);
      expect(readRow(file, "SELECT state_json, updated_at FROM auth_profile_state WHERE state_key = 'primary'")).toEqual(stateRow);
      expect(readRow(file, "SELECT role, agent_id FROM schema_meta WHERE meta_key = 'primary'")).toEqual({ role: 'agent', agent_id: 'main' });
      expect(readRow(file, 'PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(readdirSync(path.join(stateDir, 'agents', 'main', 'agent', '.tokenops-backups'))).toHaveLength(1);
    } finally {
      await node.agent.stop();
    }
  });
});

describe('2026.9: the shared store in the state database', () => {
  test('status reads the shared row; an import rewrites only it, under OpenClaw\'s cross-process state lock', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-sqlite-'));
    const old = oauth('anthropic', -HOUR);
    const file = stateDatabase(stateDir, { version: 1, profiles: { 'anthropic:default': old } }, STATE);
    agentDatabase(stateDir, 'main', { version: 1, profiles: {} }, undefined, { strict: true });
    const node = await agentOn(stateDir, { TOKENOPS_LOCK_WAIT: '700ms' });
    try {
      const status = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
      expect(status.store.kind).toBe('openclaw-state-sqlite');
      expect(status.profiles).toMatchObject([{ agentId: 'shared', profileId: 'anthropic:default', health: 'expired' }]);

      // OpenClaw holds its state lock: our write waits, then answers 409, writing nothing.
      const lockFile = stateLockFile(file);
      const holder = spawn(process.execPath, ['-e', `const D=require('better-sqlite3');const fs=require('fs');fs.mkdirSync(${JSON.stringify(path.dirname(lockFile))},{recursive:true});const d=new D(${JSON.stringify(lockFile)});d.pragma('journal_mode = MEMORY');d.exec('BEGIN EXCLUSIVE');console.log('locked');setInterval(()=>{},1000)`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      const fresh = oauth('anthropic', 8 * HOUR);
      const before = readRow(file, "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'");
      const busy = await node.importFresh({ access: fresh.access, refresh: fresh.refresh, expires: fresh.expires });
      expect(busy.status).toBe(409);
      expect(readRow(file, "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'")).toEqual(before);
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));

      const ok = await node.importFresh({ access: fresh.access, refresh: fresh.refresh, expires: fresh.expires });
      expect(ok.status).toBe(200);
      const store = JSON.parse(String(readRow(file, "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'")!.value_json));
      expect(store.profiles['anthropic:default'].access).toBe(fresh.access);
      expect(JSON.parse(String(readRow(file, "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.state'")!.value_json))).toEqual(STATE);
      expect(readRow(file, "SELECT value_json FROM config_machine_state WHERE state_key = 'gateway.instanceId'")).toEqual({ value_json: JSON.stringify({ id: 'kept-as-is' }) });
    } finally {
      await node.agent.stop();
    }
  });

  test('until OpenClaw moves the shared store (no auth.sharedStore row), the agent databases are the stores', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-sqlite-'));
    stateDatabase(stateDir, { version: 1, profiles: { 'anthropic:stale': oauth('anthropic', HOUR) } }, undefined, { sharedInStateDb: false });
    agentDatabase(stateDir, 'main', { version: 1, profiles: { 'anthropic:default': oauth('anthropic', 5 * HOUR) } }, undefined, { strict: true });
    const node = await agentOn(stateDir);
    try {
      const status = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
      expect(status.store.kind).toBe('openclaw-agent-sqlite');
      expect(status.profiles.map((profile) => `${profile.agentId}/${profile.profileId}`)).toEqual(['main/anthropic:default']);
    } finally {
      await node.agent.stop();
    }
  });

  describe("an agent database is leased while we write it, as OpenClaw 2026.9 leases its opens", () => {
    const update = { lockWaitMs: 5000, dryRun: false, backupsKeep: 3 };
    const setUp = () => {
      const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-lease-'));
      const stateDb = stateDatabase(stateDir, { version: 1, profiles: {} }, undefined, { sharedInStateDb: false });
      const agentDb = agentDatabase(stateDir, 'Worker-1', { version: 1, profiles: { 'anthropic:default': oauth('anthropic', HOUR) } }, undefined, { strict: true });
      return { stateDir, stateDb, agentDb };
    };
    const leases = (stateDb: string) => {
      const db = new Database(stateDb, { readonly: true });
      try {
        return db.prepare('SELECT agent_id, path, owner_pid, owner_start_time FROM agent_database_leases').all();
      } finally {
        db.close();
      }
    };

    test('the lease row names the database, our pid and start time while we write, and is gone after; the integrity proof of that file is dropped, others kept', async () => {
      const { stateDir, stateDb, agentDb } = setUp();
      const file = statSync(agentDb, { bigint: true });
      quarantineDatabase(stateDir, [
        { path: realpathSync(agentDb), dev: String(file.dev), ino: String(file.ino) },
        { path: '/elsewhere/openclaw-agent.sqlite', dev: '1', ino: '2' },
      ]);
      const store = (await discoverStores(stateDir)).find((candidate) => candidate.agentId === 'Worker-1')!;
      let during: unknown[] = [];
      await store.update((profiles) => {
        during = leases(stateDb);
        profiles['anthropic:default'] = oauth('anthropic', 5 * HOUR);
        return { write: true, result: null };
      }, update);
      expect(during).toEqual([{ agent_id: 'worker-1', path: agentDb, owner_pid: process.pid, owner_start_time: processStartTime(process.pid) }]);
      expect(leases(stateDb)).toEqual([]);
      const proofs = readRow(path.join(stateDir, 'state', 'openclaw-quarantine.sqlite'), 'SELECT group_concat(path) AS paths FROM agent_integrity_verifications');
      expect(proofs).toEqual({ paths: '/elsewhere/openclaw-agent.sqlite' });
    });

    test('while OpenClaw maintenance holds its lease, the write is refused with a message naming it, and nothing changes', async () => {
      const { stateDir, stateDb, agentDb } = setUp();
      const db = new Database(stateDb);
      db.prepare("INSERT INTO state_leases VALUES ('core:agent-database-maintenance', 'global', 'doctor', ?, ?, NULL, ?, ?)").run(Date.now() + 60_000, Date.now(), Date.now(), Date.now());
      db.close();
      const before = readRow(agentDb, "SELECT store_json FROM auth_profile_store WHERE store_key = 'primary'");
      const store = (await discoverStores(stateDir)).find((candidate) => candidate.agentId === 'Worker-1')!;
      const attempt = store.update((profiles) => {
        profiles['anthropic:default'] = oauth('anthropic', 5 * HOUR);
        return { write: true, result: null };
      }, update);
      await expect(attempt).rejects.toThrow(/OpenClaw is maintaining its agent databases .*openclaw-agent\.sqlite was not written/);
      await expect(attempt).rejects.toBeInstanceOf(LockBusyError);
      expect(readRow(agentDb, "SELECT store_json FROM auth_profile_store WHERE store_key = 'primary'")).toEqual(before);
      expect(leases(stateDb)).toEqual([]);
    });

    test('an expired maintenance lease does not stop us, and a state database without lease tables (before 2026.9) gets no lease', async () => {
      const { stateDir, stateDb } = setUp();
      const db = new Database(stateDb);
      db.prepare("INSERT INTO state_leases VALUES ('core:agent-database-maintenance', 'global', 'doctor', ?, ?, NULL, ?, ?)").run(Date.now() - 1000, Date.now(), Date.now(), Date.now());
      db.close();
      const store = (await discoverStores(stateDir)).find((candidate) => candidate.agentId === 'Worker-1')!;
      const outcome = await store.update((profiles) => {
        profiles['anthropic:default'] = oauth('anthropic', 5 * HOUR);
        return { write: true, result: null };
      }, update);
      expect(outcome.written).toBe(true);

      const older = mkdtempSync(path.join(os.tmpdir(), 'tokenops-lease-'));
      const olderStateDb = stateDatabase(older, { version: 1, profiles: {} }, undefined, { sharedInStateDb: false, leases: false });
      agentDatabase(older, 'main', { version: 1, profiles: { 'anthropic:default': oauth('anthropic', HOUR) } });
      const olderStore = (await discoverStores(older))[0]!;
      expect((await olderStore.update((profiles) => {
        profiles['anthropic:default'] = oauth('anthropic', 5 * HOUR);
        return { write: true, result: null };
      }, update)).written).toBe(true);
      expect(readRow(olderStateDb, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'agent_database_leases'")).toEqual({ n: 0 });
    });
  });
});
