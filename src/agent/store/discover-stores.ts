import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { agentIdSchema } from '../../domain/profile.js';
import { AUTH_PROFILES_FILE, AuthProfilesJsonStore, BACKUP_DIR } from './auth-profiles-json-store.js';
import { linkedPathProblem } from './linked-paths.js';
import type { CredentialStore } from './credential-store.js';
import { openclawAgentLease } from './openclaw-agent-lease.js';
import { openclawStateLock } from './openclaw-state-lock.js';
import { keepOpen } from './sqlite-anchor.js';
import { hasTable } from './sqlite-schema.js';
import { AGENT_SQLITE, SqliteDocumentStore, STATE_SQLITE } from './sqlite-document-store.js';

export const AGENT_DATABASE = 'openclaw-agent.sqlite';
export const STATE_DATABASE = path.join('state', 'openclaw.sqlite');

/**
 * What the state database says about the era: whether OpenClaw 2026.9 keeps the shared
 * auth store there (its row `auth.sharedStore` says `{"location":"state-db"}` once a shared
 * write or `doctor --fix` moved it; until then the shared store is main's agent database),
 * and whether it leases agent databases (2026.9 on).
 */
function stateDatabaseFacts(db: Database.Database | undefined): { sharedStore: boolean; leases: boolean } {
  if (!db) return { sharedStore: false, leases: false };
  try {
    const row = hasTable(db, 'config_machine_state') ? (db.prepare("SELECT value_json AS value FROM config_machine_state WHERE state_key = 'auth.sharedStore'").get() as { value: string } | undefined) : undefined;
    const sharedStore = row !== undefined && (JSON.parse(row.value) as { location?: string }).location === 'state-db';
    return { sharedStore, leases: hasTable(db, 'agent_database_leases') };
  } catch {
    return { sharedStore: false, leases: false };
  }
}

/**
 * Every credential store on the node, whatever the OpenClaw era: the shared state database
 * first (2026.9, when it holds the store), then each agent's store, `main` first — its
 * SQLite database when there is one (a SQLite-era OpenClaw ignores a leftover
 * auth-profiles.json), else its auth-profiles.json.
 */
export async function discoverStores(stateDir: string): Promise<CredentialStore[]> {
  const stores: CredentialStore[] = [];
  const stateDb = path.join(stateDir, STATE_DATABASE);
  // A state database reached through a link is not opened at all (an agent-database write
  // would put its lease there): listed as the shared store, whose read says why, and the
  // import that a store like that refuses writes nothing anywhere.
  const stateDbLinked = existsSync(stateDb) && (await linkedPathProblem(stateDb, stateDir, BACKUP_DIR).catch(() => null)) !== null;
  const facts = stateDatabaseFacts(stateDbLinked ? undefined : keepOpen(stateDb));
  if (stateDbLinked) stores.push(new SqliteDocumentStore('shared', stateDb, stateDir, STATE_SQLITE));
  else if (facts.sharedStore) stores.push(new SqliteDocumentStore('shared', stateDb, stateDir, STATE_SQLITE, openclawStateLock(stateDb)));
  let entries: string[];
  try {
    entries = await readdir(path.join(stateDir, 'agents'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return stores;
    throw error;
  }
  const agentStores: CredentialStore[] = [];
  for (const agentId of entries.filter((name) => agentIdSchema.safeParse(name).success)) {
    const agentDir = path.join(stateDir, 'agents', agentId, 'agent');
    let files: string[];
    try {
      files = await readdir(agentDir);
    } catch {
      continue;
    }
    if (files.includes(AGENT_DATABASE)) {
      const file = path.join(agentDir, AGENT_DATABASE);
      // OpenClaw 2026.9 leases an agent database while it has it open; so do we, for a write.
      agentStores.push(new SqliteDocumentStore(agentId, file, stateDir, AGENT_SQLITE, facts.leases ? openclawAgentLease(stateDb, agentId, file, openclawStateLock(stateDb)) : undefined));
    }
    else if (files.includes(AUTH_PROFILES_FILE)) agentStores.push(new AuthProfilesJsonStore(agentId, path.join(agentDir, AUTH_PROFILES_FILE), stateDir));
  }
  agentStores.sort((a, b) => (a.agentId === 'main' ? -1 : b.agentId === 'main' ? 1 : a.agentId.localeCompare(b.agentId)));
  return [...stores, ...agentStores];
}
