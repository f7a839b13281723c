import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { startAgentFarm } from '../support/agent-farm.js';
import { startAutoSyncRig } from '../support/auto-sync-rig.js';
import { HOUR, oauth, secret, storePath } from '../support/state-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function writeOwnerToken(stateDir: string, fields: Record<string, unknown>): void {
  const file = storePath(stateDir, 'main');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(doc.profiles['anthropic:default'], fields);
  writeFileSync(`${file}.tmp`, JSON.stringify(doc, null, 2));
  renameSync(`${file}.tmp`, file);
}

const accessOn = (stateDir: string) => (JSON.parse(readFileSync(storePath(stateDir, 'main'), 'utf8')) as { profiles: Record<string, { access: string }> }).profiles['anthropic:default']?.access;

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

test('periodic sync: an owner change missed by events reaches the followers within sync.every, audited once; a quiet run records nothing', async () => {
  const farm = await startAgentFarm({ agents: 3, profilesPerNode: 0, prefix: 'p', sharedProfiles: { 'anthropic:default': oauth('anthropic', 6 * HOUR) } });
  cleanups.push(() => farm.close());
  const [owner, ...followers] = farm.nodes;
  // Events off: only the schedule can carry the change.
  const rig = await startAutoSyncRig(farm.nodes, { owners: { 'anthropic:*': owner!.name }, sync: { every: '1s', onRefresh: false } });
  cleanups.push(() => rig.stop());
  const fresh = secret('periodic-fresh');
  writeOwnerToken(owner!.stateDir!, { access: fresh, expires: Date.now() + 8 * HOUR });
  await until(() => followers.every((node) => accessOn(node.stateDir!) === fresh), 4_000);
  await until(() => rig.records.length > 0, 2_000);
  expect(rig.records.map(({ action, target, outcome, detail }) => ({ action, target, outcome, detail }))).toEqual([
    { action: 'tokens sync', target: `${owner!.name} → followers`, outcome: 'ok', detail: `anthropic:default → ${followers[0]!.name} (main); anthropic:default → ${followers[1]!.name} (main)` },
  ]);
  // More runs with nothing to do record nothing.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(rig.records).toHaveLength(1);
  expect(rig.alerts).toEqual([]);
});

test('refresh-triggered sync through real agent watchers and event streams', async () => {
  const farm = await startAgentFarm({ agents: 3, profilesPerNode: 0, prefix: 'r', watch: true, sharedProfiles: { 'anthropic:default': oauth('anthropic', 6 * HOUR) } });
  cleanups.push(() => farm.close());
  const [owner, ...followers] = farm.nodes;
  const rig = await startAutoSyncRig(farm.nodes, { owners: { 'anthropic:*': owner!.name }, sync: { every: '1h', onRefresh: true } });
  cleanups.push(() => rig.stop());
  await until(() => farm.nodes.every((node) => rig.events.isConnected(node.name)), 5_000);
  await rig.autoSync.catchUp;
  expect(rig.records).toEqual([]);
  const fresh = secret('event-fresh');
  writeOwnerToken(owner!.stateDir!, { access: fresh, expires: Date.now() + 8 * HOUR });
  await until(() => followers.every((node) => accessOn(node.stateDir!) === fresh), 5_000);
  await until(() => rig.records.length === 1, 2_000);
  expect(rig.records[0]!.actor.name).toBe('auto-sync (refresh)');
  // A follower's own change (not the owner) triggers nothing.
  const records = rig.records.length;
  writeOwnerToken(followers[0]!.stateDir!, { expires: Date.now() + 5 * HOUR });
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(rig.records.slice(records)).toEqual([]);
});
