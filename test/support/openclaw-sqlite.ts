import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/*
 * OpenClaw's SQLite stores as the real packages create them (schemas read from their
 * dist/: 2026.6.5 `sqlite-*.js`, 2026.9.6 `sqlite-json-*.mjs`), for tests that do not run
 * OpenClaw itself. The conformance suite checks the same against the real package.
 */

export function agentDatabase(stateDir: string, agentId: string, document: unknown, state?: unknown, options: { strict?: boolean } = {}): string {
  const dir = path.join(stateDir, 'agents', agentId, 'agent');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'openclaw-agent.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const strict = options.strict ? ' STRICT' : '';
  db.exec(`CREATE TABLE IF NOT EXISTS auth_profile_store (store_key TEXT NOT NULL PRIMARY KEY, store_json TEXT NOT NULL, updated_at INTEGER NOT NULL)${strict};
           CREATE TABLE IF NOT EXISTS auth_profile_state (state_key TEXT NOT NULL PRIMARY KEY, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL)${strict};
           CREATE TABLE IF NOT EXISTS schema_meta (meta_key TEXT NOT NULL PRIMARY KEY, role TEXT NOT NULL, agent_id TEXT)${strict};`);
  db.pragma(`user_version = ${options.strict ? 23 : 1}`);
  db.prepare("INSERT INTO schema_meta VALUES ('primary', 'agent', ?)").run(agentId);
  db.prepare("INSERT INTO auth_profile_store VALUES ('primary', ?, 1771000000000)").run(JSON.stringify(document));
  if (state) db.prepare("INSERT INTO auth_profile_state VALUES ('primary', ?, 1771000000000)").run(JSON.stringify(state));
  db.close();
  return file;
}

/** 2026.9.6's lease tables (its `openclaw-state-db` schema), where it registers agent-database opens. */
const LEASE_TABLES = `
  CREATE TABLE IF NOT EXISTS state_leases (scope TEXT NOT NULL, lease_key TEXT NOT NULL, owner TEXT NOT NULL, expires_at INTEGER, heartbeat_at INTEGER, payload_json TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (scope, lease_key)) STRICT;
  CREATE TABLE IF NOT EXISTS agent_database_leases (lease_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, path TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_start_time INTEGER, opened_at INTEGER NOT NULL) STRICT;`;

/** 2026.9.6's integrity proofs for agent databases (`state/openclaw-quarantine.sqlite`). */
export function quarantineDatabase(stateDir: string, proofs: { path: string; dev: string; ino: string }[]): string {
  const file = path.join(stateDir, 'state', 'openclaw-quarantine.sqlite');
  const db = new Database(file);
  db.exec('CREATE TABLE IF NOT EXISTS agent_integrity_verifications (path TEXT NOT NULL PRIMARY KEY, dev TEXT NOT NULL, ino TEXT NOT NULL, app_version TEXT NOT NULL, verified_at INTEGER NOT NULL, clean_close INTEGER NOT NULL CHECK (clean_close IN (0, 1))) STRICT');
  const put = db.prepare("INSERT INTO agent_integrity_verifications VALUES (?, ?, ?, '2026.9.6', 1771000000000, 1)");
  for (const proof of proofs) put.run(proof.path, proof.dev, proof.ino);
  db.close();
  return file;
}

export function stateDatabase(stateDir: string, document: unknown, state?: unknown, options: { sharedInStateDb?: boolean; leases?: boolean } = {}): string {
  const dir = path.join(stateDir, 'state');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'openclaw.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS config_machine_state (state_key TEXT NOT NULL PRIMARY KEY, value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) STRICT');
  db.exec('CREATE TABLE IF NOT EXISTS agent_databases (agent_id TEXT NOT NULL PRIMARY KEY, path TEXT NOT NULL, schema_version INTEGER, last_seen_at INTEGER, size_bytes INTEGER) STRICT');
  if (options.leases ?? true) db.exec(LEASE_TABLES);
  const put = db.prepare('INSERT INTO config_machine_state VALUES (?, ?, 1771000000000)');
  if (options.sharedInStateDb ?? true) put.run('auth.sharedStore', JSON.stringify({ location: 'state-db' }));
  put.run('authProfiles.store', JSON.stringify(document));
  if (state) put.run('authProfiles.state', JSON.stringify(state));
  put.run('gateway.instanceId', JSON.stringify({ id: 'kept-as-is' }));
  db.close();
  return file;
}

export function readRow(file: string, sql: string, ...params: unknown[]): Record<string, unknown> | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}
