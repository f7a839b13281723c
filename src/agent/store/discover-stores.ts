import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { agentIdSchema } from '../../domain/profile.js';
import { AUTH_PROFILES_FILE, AuthProfilesJsonStore } from './auth-profiles-json-store.js';
import type { CredentialStore } from './credential-store.js';

/** Every agent's store under `<state>/agents/*\/agent/`, `main` first, then by name. */
export async function discoverStores(stateDir: string): Promise<CredentialStore[]> {
  let entries: string[];
  try {
    entries = await readdir(path.join(stateDir, 'agents'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stores: CredentialStore[] = [];
  for (const agentId of entries.filter((name) => agentIdSchema.safeParse(name).success)) {
    const agentDir = path.join(stateDir, 'agents', agentId, 'agent');
    let files: string[];
    try {
      files = await readdir(agentDir);
    } catch {
      continue;
    }
    if (files.includes(AUTH_PROFILES_FILE)) {
      stores.push(new AuthProfilesJsonStore(agentId, path.join(agentDir, AUTH_PROFILES_FILE), stateDir));
    }
  }
  return stores.sort((a, b) => (a.agentId === 'main' ? -1 : b.agentId === 'main' ? 1 : a.agentId.localeCompare(b.agentId)));
}
