import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadFleet } from '../../src/config/fleet-file.js';
import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../src/fleet/node-locks.js';
import { auditedSync } from '../../src/fleet/operations/audited-sync.js';
import { setCapacity } from '../../src/fleet/operations/capacity.js';
import { confirmedRestart, type RestartAnswer } from '../../src/fleet/operations/confirmed-restart.js';
import type { OperationContext } from '../../src/fleet/operations/operation-context.js';
import type { NodeLockStore } from '../../src/state/node-lock-store.js';
import { AuditLog, type AuditActor, type AuditRecord } from '../../src/state/audit-log.js';
import { SqliteNodeLockStore } from '../../src/state/sqlite-node-lock-store.js';
import { openStateStore, type StateStore } from '../../src/state/state-store.js';
import { killAllSpawned } from '../support/processes.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * Interleavings of confirmed operations (issue 15), as a property: on three real agents,
 * three "processes" (two bot replicas and a CLI run, each its own NodeLocks over its own
 * connection to one SQLite state, one audit log) run restarts answered ✅ by an ops member,
 * ✅ by someone else (ignored: it runs out), ❌, nothing (expiry) or never (the replica dies
 * and stops renewing its locks), syncs and capacity changes, at random moments. Whatever
 * the interleaving:
 * - never two mutations on one node at once (watched at the agents' doors: import, capacity, restart);
 * - never a restart without a ✅ from an ops member, and one restart per node per ✅;
 * - every mutation audited exactly once.
 */

const NODES = ['pc-a', 't440', 'hp'] as const;
const LOCK_TTL_MS = 400;
let local: LocalFleet;
let fleetFile: string;
let fleetEnv: Record<string, string>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const token = oauth('anthropic', 8 * HOUR);
  const states = Object.fromEntries(NODES.map((name) => [name, buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': structuredClone(token) } } } })]));
  local = await startLocalFleet(states, { newKey: newNodeKeyHex, gatewayReadyDelayMs: 20 });
  fleetFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-interleave-')), 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify({ nodes: local.fleetNodes, owners: { 'anthropic:*': 'pc-a' } }));
  fleetEnv = local.keys;
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await local?.stop();
  killAllSpawned();
});

type Answer = 'ops_confirms' | 'other_confirms' | 'cancel' | 'expire' | 'dies';
type Action =
  | { kind: 'restart'; actor: number; target: (typeof NODES)[number] | 'all'; answer: Answer; delayMs: number; answerAfterMs: number }
  | { kind: 'sync'; actor: number; to: 't440' | 'hp'; delayMs: number }
  | { kind: 'capacity'; actor: number; node: (typeof NODES)[number]; value: number; delayMs: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('restart' as const), actor: fc.integer({ min: 0, max: 2 }), target: fc.constantFrom(...NODES, 'all' as const), answer: fc.constantFrom<Answer>('ops_confirms', 'ops_confirms', 'other_confirms', 'cancel', 'expire', 'dies'), delayMs: fc.integer({ min: 0, max: 150 }), answerAfterMs: fc.integer({ min: 0, max: 150 }) }),
  fc.record({ kind: fc.constant('sync' as const), actor: fc.integer({ min: 0, max: 2 }), to: fc.constantFrom('t440' as const, 'hp' as const), delayMs: fc.integer({ min: 0, max: 150 }) }),
  fc.record({ kind: fc.constant('capacity' as const), actor: fc.integer({ min: 0, max: 2 }), node: fc.constantFrom(...NODES), value: fc.integer({ min: 4, max: 16 }), delayMs: fc.integer({ min: 0, max: 150 }) }),
);

/** A lock store whose process can die: from then on nothing it holds is renewed (and it never releases). */
function mortal(store: NodeLockStore): NodeLockStore & { die(): void } {
  let dead = false;
  return {
    shared: store.shared,
    take: (node, record, ttlMs) => store.take(node, record, ttlMs),
    renew: async (node, token, ttlMs) => (dead ? false : store.renew(node, token, ttlMs)),
    release: async (node, token) => (dead ? undefined : store.release(node, token)),
    holder: (node) => store.holder(node),
    close: () => store.close(),
    die: () => void (dead = true),
  };
}

interface Mutation {
  node: string;
  route: string;
  startedMs: number;
  endedMs: number;
  ok: boolean;
}

async function runInterleaving(actions: readonly Action[], run: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tokenops-interleave-${run}-`));
  const stateFile = path.join(dir, 'state.sqlite');
  const state: StateStore = await openStateStore(`sqlite://${stateFile}`);
  const audit = new AuditLog(state.namespace<AuditRecord>('audit'));
  const loaded = loadFleet(fleetFile, fleetEnv);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const fleetClient = new FleetClient(loaded.value, { timeoutMs: 5_000, concurrency: 8 });
  // Every mutating call, at the agents' doors.
  const mutations: Mutation[] = [];
  const call = fleetClient.call.bind(fleetClient);
  fleetClient.call = (async (name: string, method: string, route: string, schema: never, body?: unknown, timeoutMs?: number) => {
    const mutating = method === 'POST' && ['/v1/import', '/v1/capacity', '/v1/restart', '/v1/refresh'].includes(route) && !(route === '/v1/import' && (body as { dryRun?: boolean })?.dryRun);
    if (!mutating) return call(name, method, route, schema, body, timeoutMs);
    const entry: Mutation = { node: name, route, startedMs: Date.now(), endedMs: Number.POSITIVE_INFINITY, ok: false };
    mutations.push(entry);
    try {
      const result = await call(name, method, route, schema, body, timeoutMs);
      entry.ok = true;
      return result;
    } finally {
      entry.endedMs = Date.now();
    }
  }) as typeof fleetClient.call;

  const processes = [0, 1, 2].map((index) => {
    const store = mortal(new SqliteNodeLockStore(stateFile));
    const context: OperationContext = { fleetClient, locks: new NodeLocks(store, { owner: `process-${index}`, ttlMs: LOCK_TTL_MS, pollMs: 20 }), audit };
    return { store, context, actor: { via: index === 2 ? 'cli' : 'discord', id: `ops-${index}`, name: `ops-${index}` } as AuditActor };
  });
  const confirmedBy: Array<{ nodes: readonly string[]; atMs: number }> = [];
  const dying: Array<Promise<unknown>> = [];

  const perform = async (action: Action) => {
    await new Promise((resolve) => setTimeout(resolve, action.delayMs));
    const process = processes[action.actor]!;
    if (action.kind === 'sync') return auditedSync(process.context, process.actor, { from: 'pc-a', to: action.to, dryRun: false });
    if (action.kind === 'capacity') return setCapacity(process.context, process.actor, action.node, action.value);
    const nodes = action.target === 'all' ? [...NODES] : [action.target];
    return confirmedRestart(process.context, { target: action.target, nodes, force: false, raiseCapacity: false, actor: process.actor }, {
      showNoGo: async () => undefined,
      offer: async () => undefined,
      answer: async (): Promise<RestartAnswer> => {
        await new Promise((resolve) => setTimeout(resolve, action.answerAfterMs));
        switch (action.answer) {
          case 'ops_confirms':
            confirmedBy.push({ nodes, atMs: Date.now() });
            return { result: 'confirmed', by: { via: 'discord', id: 'ops-alice', name: 'ops-alice' } };
          case 'cancel':
            return { result: 'cancelled', by: { via: 'discord', id: 'ops-alice', name: 'ops-alice' } };
          case 'other_confirms':
          case 'expire':
            // A ✅ from someone without the role is ignored by the watch: the plan runs out.
            return { result: 'expired' };
          case 'dies':
            // The replica is gone: it never answers, never releases, stops renewing.
            process.store.die();
            return new Promise<RestartAnswer>(() => undefined);
        }
      },
      progress: async () => undefined,
    });
  };

  const settled = await Promise.allSettled(
    actions.map((action) => {
      const done = perform(action);
      if (action.kind === 'restart' && action.answer === 'dies') {
        // Never settles if it got as far as its plan; refused before that, it is just a refusal.
        dying.push(done.catch(() => undefined));
        return Promise.resolve('died');
      }
      return done;
    }),
  );
  // Anything but a refusal (busy, no plan) is a failure of the test's own making.
  for (const outcome of settled) if (outcome.status === 'rejected') expect((outcome.reason as Error).name, (outcome.reason as Error).message).toBe('OperationRefusedError');

  const records = (await audit.latest(1_000)).filter((record) => record.at >= '');
  // Never two mutations on one node at once.
  for (const node of NODES) {
    const onNode = mutations.filter((mutation) => mutation.node === node).sort((a, b) => a.startedMs - b.startedMs);
    for (let index = 1; index < onNode.length; index++) {
      expect(onNode[index]!.startedMs, `${node}: ${onNode[index - 1]!.route} and ${onNode[index]!.route} at once`).toBeGreaterThanOrEqual(onNode[index - 1]!.endedMs);
    }
  }
  // Never a restart without a ✅ from an ops member before it; one restart per node per ✅.
  for (const node of NODES) {
    const restarts = mutations.filter((mutation) => mutation.node === node && mutation.route === '/v1/restart');
    const confirmations = confirmedBy.filter((confirmation) => confirmation.nodes.includes(node));
    expect(restarts.length, `${node} restarted ${restarts.length} times for ${confirmations.length} ✅`).toBeLessThanOrEqual(confirmations.length);
    for (const restart of restarts) expect(confirmations.some((confirmation) => confirmation.atMs <= restart.startedMs)).toBe(true);
  }
  // Every mutation audited exactly once.
  const count = (predicate: (record: AuditRecord) => boolean) => records.filter(predicate).length;
  for (const node of NODES) {
    const calls = (route: string) => mutations.filter((mutation) => mutation.node === node && mutation.route === route).length;
    expect(count((record) => record.action === 'restart' && record.target === node && (record.outcome === 'ok' || record.outcome === 'failed')), `${node} restarts audited`).toBe(calls('/v1/restart'));
    expect(count((record) => record.action === 'capacity set' && record.target === node && (record.outcome === 'ok' || record.outcome === 'failed')), `${node} capacity changes audited`).toBe(calls('/v1/capacity'));
    // A sync found busy never reached the agent: audited (as failed, "busy"), not a mutation.
    const reached = (record: AuditRecord) => record.outcome !== 'refused' && !new RegExp(`(^|; )${node}: busy`).test(record.detail ?? '');
    expect(count((record) => record.action === 'tokens sync' && (record.target ?? '').replace(/ \(.*\)$/, '') === `pc-a → ${node}` && reached(record)), `${node} syncs audited`).toBe(calls('/v1/import'));
  }
  cleanups.push(async () => {
    for (const process of processes) await process.store.close();
    await fleetClient.close();
    await state.close();
  });
  void dying;
}

test('interleavings of plans, ✅, ❌, expiry, a dying replica, syncs and capacity changes on 3 nodes: no two mutations on a node at once, no restart without an ops ✅, every mutation audited once', async () => {
  let run = 0;
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(actionArb, { minLength: 2, maxLength: 6 }), async (actions) => {
      await runInterleaving(actions, run++);
    }),
    { numRuns: 25, seed: 1506, endOnFailure: true },
  );
  console.log(`${run} interleavings on 3 real agents in ${Math.round((Date.now() - started) / 1000)} s`);
}, 600_000);
