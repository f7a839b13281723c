import type { ProfileStatus, StoreFileStatus, StoreKind } from '../protocol/agent-api.js';
import { summarizeProfile } from '../domain/profile-status.js';
import { SECRET_FIELDS } from '../domain/profile.js';
import type { CredentialStore, StoreRead } from './store/credential-store.js';
import { discoverStores } from './store/discover-stores.js';

export interface StoreSnapshot {
  store: CredentialStore;
  read: StoreRead;
}

/** Every store on the node, read once, with what status shows of each. */
export interface NodeSnapshot {
  kind: StoreKind;
  stores: StoreSnapshot[];
  storeStatuses: StoreFileStatus[];
  profiles: ProfileStatus[];
}

export async function readNodeSnapshot(stateDir: string, nowMs: number, warnBeforeMs: number): Promise<NodeSnapshot> {
  const stores = await discoverStores(stateDir);
  const snapshots = await Promise.all(stores.map(async (store) => ({ store, read: await store.read() })));
  const storeStatuses: StoreFileStatus[] = snapshots.map(({ store, read }) => ({
    agentId: store.agentId,
    path: store.displayPath,
    layout: read.ok ? read.layout : null,
    readable: read.ok,
    ...(read.ok ? {} : { reason: read.reason }),
  }));
  const profiles = snapshots.flatMap(({ store, read }) =>
    read.ok ? Object.entries(read.profiles).map(([profileId, raw]) => summarizeProfile(store.agentId, profileId, raw, nowMs, warnBeforeMs)) : [],
  );
  return { kind: stores[0]?.kind ?? 'auth-profiles-json', stores: snapshots, storeStatuses, profiles };
}

/** Every secret value held on the node, to blank out of anything that leaves it in the clear. */
export function secretValues(snapshot: NodeSnapshot): string[] {
  const values = new Set<string>();
  for (const { read } of snapshot.stores) {
    if (!read.ok) continue;
    for (const raw of Object.values(read.profiles)) {
      if (!raw || typeof raw !== 'object') continue;
      for (const field of SECRET_FIELDS) {
        const value = (raw as Record<string, unknown>)[field];
        if (typeof value === 'string' && value.length >= 6) values.add(value);
      }
    }
  }
  return [...values];
}

export function blankOut(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.map((line) => secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), line));
}
