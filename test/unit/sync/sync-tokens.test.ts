import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFleet } from '../../../src/config/fleet-file.js';
import { FleetClient, UnknownNodeError } from '../../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../../src/fleet/node-locks.js';
import { OperationRefusedError } from '../../../src/fleet/operation-refused.js';
import { syncTokens } from '../../../src/fleet/operations/sync-tokens.js';
import { syncChanges, syncOutcome, type SyncReport } from '../../../src/fleet/operations/sync-report.js';
import { fleetFor, startAgentFarm, type AgentFarm, type FarmNode } from '../../support/agent-farm.js';
import { findSecrets } from '../../support/secret-scan.js';
import { agentDir, buildStateDir, DAY, HOUR, oauth, readStore, type AgentStoreSpec } from '../../support/state-dir.js';

/*
 * syncTokens end to end inside this process: real agent servers on 127.0.0.1 (the agent
 * farm), a fleet file on disk read by loadFleet, a real FleetClient and NodeLocks. Each test
 * rewrites the three nodes' stores to a known state first.
 */

const SOURCE = 'sync-000';
const T1 = 'sync-001';
const T2 = 'sync-002';
const GHOST = 'sync-ghost';
const CODEX = 'openai-codex:ops@example.com';
const ANTHROPIC = 'anthropic:default';

let farm: AgentFarm;
let nodes: FarmNode[];
let fleetDir: string;
let client: FleetClient;
/** A fleet with an extra node whose port nothing listens on. */
let clientWithGhost: FleetClient;
const texts: string[] = [];

function stateDirOf(name: string): string {
  const node = nodes.find((candidate) => candidate.name === name);
  if (!node?.stateDir) throw new Error(`no state dir for ${name}`);
  return node.stateDir;
}

function writeNode(name: string, agents: Record<string, AgentStoreSpec>) {
  const dir = stateDirOf(name);
  rmSync(path.join(dir, 'agents'), { recursive: true, force: true });
  buildStateDir({ dir, layout: 'split', agents });
}

/** Every file under a node's agents/ dir, with its bytes: what "writes nothing" compares. */
function snapshotFiles(name: string): Record<string, string> {
  const root = path.join(stateDirOf(name), 'agents');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

function makeClient(fleetNodes: FarmNode[], file: string): FleetClient {
  const { fleet, env } = fleetFor(fleetNodes, { owners: { 'anthropic:*': SOURCE, 'openai-codex:*': SOURCE } });
  const at = path.join(fleetDir, file);
  writeFileSync(at, JSON.stringify(fleet, null, 2));
  const loaded = loadFleet(at, env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return new FleetClient(loaded.value, { timeoutMs: 5_000, concurrency: 8 });
}

beforeAll(async () => {
  farm = await startAgentFarm({ agents: 3, profilesPerNode: 0, prefix: 'sync' });
  nodes = farm.nodes;
  fleetDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-sync-fleet-'));
  client = makeClient(nodes, 'fleet.json');
  const hole = createServer();
  hole.listen(0, '127.0.0.1');
  await once(hole, 'listening');
  const port = (hole.address() as AddressInfo).port;
  hole.close();
  await once(hole, 'close');
  clientWithGhost = makeClient([...nodes, { name: GHOST, url: `http://127.0.0.1:${port}`, keyHex: 'ab'.repeat(32) }], 'fleet-ghost.json');
});

afterAll(async () => {
  await client?.close();
  await clientWithGhost?.close();
  await farm?.close();
  for (const node of nodes ?? []) if (node.stateDir) rmSync(node.stateDir, { recursive: true, force: true });
  if (fleetDir) rmSync(fleetDir, { recursive: true, force: true });
  // Nothing a sync returned may carry a token, refresh token or node key.
  expect(findSecrets(texts)).toEqual([]);
});

/** The incident's shape: the source fresh, both targets holding expired or older copies. */
let source: { anthropic: Record<string, unknown>; codex: Record<string, unknown> };
beforeEach(() => {
  const now = Date.now();
  source = {
    anthropic: oauth('anthropic', 8 * HOUR, { email: 'ops@example.com' }, now),
    codex: oauth('openai-codex', 10 * DAY, { accountId: 'acc-new', email: 'ops@example.com' }, now),
  };
  writeNode(SOURCE, { main: { profiles: { [ANTHROPIC]: source.anthropic, [CODEX]: source.codex } } });
  writeNode(T1, {
    main: { profiles: { [ANTHROPIC]: oauth('anthropic', -2 * HOUR, {}, now), [CODEX]: oauth('openai-codex', 1 * HOUR, { accountId: 'acc-old' }, now) } },
    coder: { profiles: { [ANTHROPIC]: oauth('anthropic', -3 * HOUR, {}, now), 'anthropic:manual': { type: 'token', provider: 'anthropic', token: 'static-setup-token-value' } } },
  });
  writeNode(T2, { main: { profiles: { [ANTHROPIC]: oauth('anthropic', -1 * HOUR, {}, now) } } });
});

async function sync(request: Partial<Parameters<typeof syncTokens>[2]> & { to: string }, locks = new NodeLocks(), fleet = client): Promise<SyncReport> {
  const report = await syncTokens(fleet, locks, { from: SOURCE, dryRun: false, by: 'tester', ...request });
  texts.push(JSON.stringify(report));
  return report;
}

async function refusal(promise: Promise<unknown>): Promise<OperationRefusedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OperationRefusedError);
  texts.push((error as Error).message);
  return error as OperationRefusedError;
}

describe('syncTokens: refusals', () => {
  it('from = to is refused and nothing is written', async () => {
    const before = snapshotFiles(SOURCE);
    const error = await refusal(sync({ to: SOURCE }));
    expect(error.message).toContain('same node');
    expect(error.message).toContain(SOURCE);
    expect(snapshotFiles(SOURCE)).toEqual(before);
  });

  it('an unknown node is named', async () => {
    await expect(sync({ to: 'nope' })).rejects.toBeInstanceOf(UnknownNodeError);
    await expect(syncTokens(client, new NodeLocks(), { from: 'nope', to: T1, dryRun: false, by: 'tester' })).rejects.toThrow(/unknown node "nope"/);
  });

  it('a source holding only expired credentials is refused, naming them; nothing is written', async () => {
    const now = Date.now();
    writeNode(SOURCE, { main: { profiles: { [ANTHROPIC]: oauth('anthropic', -1 * HOUR, {}, now), [CODEX]: oauth('openai-codex', -5 * HOUR, {}, now) } } });
    const before = [snapshotFiles(T1), snapshotFiles(T2)];
    const error = await refusal(sync({ to: 'all' }));
    expect(error.message).toContain(ANTHROPIC);
    expect(error.message).toContain(CODEX);
    expect(error.message).toMatch(/expired/);
    expect(error.message).toContain(SOURCE);
    expect([snapshotFiles(T1), snapshotFiles(T2)]).toEqual(before);
  });

  it('an unreachable source is refused, naming it', async () => {
    const error = await refusal(syncTokens(clientWithGhost, new NodeLocks(), { from: GHOST, to: T1, dryRun: false, by: 'tester' }));
    expect(error.message).toContain(GHOST);
    expect(error.message).toMatch(/unreachable|ECONNREFUSED/);
  });
});

describe('syncTokens: to all', () => {
  it('targets every node but the source and writes the fresh credentials where the profiles are held', async () => {
    const locks = new NodeLocks();
    const sourceBefore = snapshotFiles(SOURCE);
    const report = await sync({ to: 'all' }, locks);
    expect(report.from).toBe(SOURCE);
    expect(report.targets.map((target) => target.node).sort()).toEqual([T1, T2]);
    expect(report.targets.every((target) => target.ok)).toBe(true);
    expect(syncOutcome(report)).toBe('ok');
    expect(report.exported.map((profile) => profile.profileId).sort()).toEqual([ANTHROPIC, CODEX]);

    // Every agent store on the targets that held the profile now holds the source's tokens.
    for (const [node, agent] of [[T1, 'main'], [T1, 'coder'], [T2, 'main']] as const) {
      const stored = readStore(stateDirOf(node), agent).profiles[ANTHROPIC];
      expect(stored?.access).toBe(source.anthropic.access);
      expect(stored?.refresh).toBe(source.anthropic.refresh);
      expect(stored?.expires).toBe(source.anthropic.expires);
    }
    const t1Main = readStore(stateDirOf(T1), 'main').profiles;
    expect(t1Main[CODEX]?.access).toBe(source.codex.access);
    expect(t1Main[CODEX]?.accountId).toBe('acc-new');
    // Sync never adds a profile, and leaves other profiles alone.
    expect(readStore(stateDirOf(T2), 'main').profiles[CODEX]).toBeUndefined();
    expect(readStore(stateDirOf(T1), 'coder').profiles['anthropic:manual']?.token).toBe('static-setup-token-value');
    const t2 = report.targets.find((target) => target.node === T2);
    expect(t2?.ok && t2.value.notHeld).toEqual([CODEX]);

    expect(syncChanges(report).map((change) => `${change.node} ${change.profileId} ${change.agents.sort().join(',')}`).sort()).toEqual([
      `${T1} ${ANTHROPIC} coder,main`,
      `${T1} ${CODEX} main`,
      `${T2} ${ANTHROPIC} main`,
    ]);
    // The source is only read; the node locks are all released afterwards.
    expect(snapshotFiles(SOURCE)).toEqual(sourceBefore);
    for (const name of [SOURCE, T1, T2]) expect(await locks.holder(name)).toBeUndefined();
  });

  it('a second run has nothing to change', async () => {
    await sync({ to: 'all' });
    const again = await sync({ to: 'all' });
    expect(syncChanges(again)).toEqual([]);
    for (const target of again.targets) {
      expect(target.ok).toBe(true);
      if (target.ok) for (const store of target.value.stores) expect(store.outcome).toBe('unchanged');
    }
  });

  it('only the requested profiles travel', async () => {
    const report = await sync({ to: T1, profiles: [CODEX] });
    expect(report.exported.map((profile) => profile.profileId)).toEqual([CODEX]);
    expect(readStore(stateDirOf(T1), 'main').profiles[CODEX]?.access).toBe(source.codex.access);
    expect(readStore(stateDirOf(T1), 'main').profiles[ANTHROPIC]?.access).not.toBe(source.anthropic.access);
  });

  it('a target whose node lock is held is reported busy, naming the holder; the others are synced', async () => {
    const locks = new NodeLocks();
    const release = await locks.tryAcquire(T2, 'restart', 'alice');
    const t2Before = snapshotFiles(T2);
    const report = await sync({ to: 'all' }, locks);
    const busy = report.targets.find((target) => target.node === T2);
    expect(busy?.ok).toBe(false);
    if (busy && !busy.ok) {
      expect(busy.error.code).toBe('busy');
      expect(busy.error.message).toContain('restart');
      expect(busy.error.message).toContain('alice');
    }
    const done = report.targets.find((target) => target.node === T1);
    expect(done?.ok).toBe(true);
    expect(readStore(stateDirOf(T1), 'main').profiles[ANTHROPIC]?.access).toBe(source.anthropic.access);
    expect(snapshotFiles(T2)).toEqual(t2Before);
    expect(syncOutcome(report)).toBe('partial');
    // The refused sync did not take or drop alice's lock.
    expect((await locks.holder(T2))?.by).toBe('alice');
    expect((await locks.holder(T1))).toBeUndefined();
    await release();
  });

  it('with waitForLocksMs, a busy target is synced once its holder lets go', async () => {
    const locks = new NodeLocks();
    const release = await locks.tryAcquire(T2, 'restart', 'alice');
    setTimeout(() => void release(), 50);
    const report = await sync({ to: 'all', waitForLocksMs: 5_000 }, locks);
    expect(report.targets.every((target) => target.ok)).toBe(true);
    expect(readStore(stateDirOf(T2), 'main').profiles[ANTHROPIC]?.access).toBe(source.anthropic.access);
  });

  it('with waitForLocksMs, a holder that never lets go makes that target busy after the wait', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire(T2, 'restart', 'alice');
    const report = await sync({ to: T2, waitForLocksMs: 50 }, locks);
    expect(report.targets[0]?.ok).toBe(false);
    expect(report.targets[0]?.ok === false && report.targets[0].error.code).toBe('busy');
  });

  it('locksHeld: a target whose lock the caller already holds is synced, and the lock stays with the caller', async () => {
    const locks = new NodeLocks();
    const release = await locks.tryAcquire(T1, 'restart', 'alice');
    const report = await sync({ to: T1, by: 'alice', locksHeld: [T1] }, locks);
    expect(report.targets[0]?.ok).toBe(true);
    expect(readStore(stateDirOf(T1), 'main').profiles[ANTHROPIC]?.access).toBe(source.anthropic.access);
    expect((await locks.holder(T1))).toMatchObject({ operation: 'restart', by: 'alice' });
    await release();
  });

  it('an unreachable target is one failed entry; the others are synced', async () => {
    const report = await sync({ to: 'all' }, new NodeLocks(), clientWithGhost);
    expect(report.targets.map((target) => target.node).sort()).toEqual([GHOST, T1, T2].sort());
    const ghost = report.targets.find((target) => target.node === GHOST);
    expect(ghost?.ok === false && ghost.error.kind).toBe('unreachable');
    expect(report.targets.filter((target) => target.ok)).toHaveLength(2);
    expect(syncOutcome(report)).toBe('partial');
  });
});

describe('syncTokens: expired source and force', () => {
  it('without force, an expired source profile is skipped at the source with the reason; the fresh one still goes', async () => {
    const now = Date.now();
    const expired = oauth('anthropic', -1 * HOUR, {}, now);
    writeNode(SOURCE, { main: { profiles: { [ANTHROPIC]: expired, [CODEX]: source.codex } } });
    const report = await sync({ to: T1 });
    expect(report.skippedAtSource).toEqual([{ profileId: ANTHROPIC, reason: expect.stringMatching(new RegExp(`expired on ${SOURCE} <t:\\d+:R>`)) }]);
    expect(readStore(stateDirOf(T1), 'main').profiles[ANTHROPIC]?.access).not.toBe(expired.access);
    expect(readStore(stateDirOf(T1), 'main').profiles[CODEX]?.access).toBe(source.codex.access);
  });

  it('force:true sends expired credentials anyway and the target takes them', async () => {
    const now = Date.now();
    const expired = oauth('anthropic', -1 * HOUR, {}, now);
    writeNode(SOURCE, { main: { profiles: { [ANTHROPIC]: expired } } });
    const report = await sync({ to: T2, force: true });
    expect(report.force).toBe(true);
    expect(report.skippedAtSource).toEqual([]);
    const t2 = report.targets[0];
    expect(t2?.ok).toBe(true);
    if (t2?.ok) {
      const plan = t2.value.stores[0]?.profiles[0];
      expect(plan?.action).toBe('update');
      expect(plan?.reason).toBe('forced');
    }
    expect(readStore(stateDirOf(T2), 'main').profiles[ANTHROPIC]?.access).toBe(expired.access);
  });
});

describe('syncTokens: dry run', () => {
  it('writes nothing (byte for byte, no backups) and reports the plan', async () => {
    const before = { [T1]: snapshotFiles(T1), [T2]: snapshotFiles(T2), [SOURCE]: snapshotFiles(SOURCE) };
    const report = await sync({ to: 'all', dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(syncOutcome(report)).toBe('planned');
    for (const target of report.targets) {
      expect(target.ok).toBe(true);
      if (target.ok) for (const store of target.value.stores) expect(store.outcome).toBe('planned');
    }
    expect(syncChanges(report)).toHaveLength(3);
    expect({ [T1]: snapshotFiles(T1), [T2]: snapshotFiles(T2), [SOURCE]: snapshotFiles(SOURCE) }).toEqual(before);
    expect(existsSync(path.join(agentDir(stateDirOf(T1), 'main'), '.tokenops-backups'))).toBe(false);
  });

  it('takes no node lock: it runs beside a held lock and leaves it as it was', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire(T1, 'restart', 'alice');
    const tryAcquire = vi.spyOn(locks, 'tryAcquire');
    const acquire = vi.spyOn(locks, 'acquire');
    const report = await sync({ to: 'all', dryRun: true }, locks);
    expect(report.targets.every((target) => target.ok)).toBe(true);
    expect(tryAcquire).not.toHaveBeenCalled();
    expect(acquire).not.toHaveBeenCalled();
    expect((await locks.holder(T1))?.by).toBe('alice');
    expect((await locks.holder(T2))).toBeUndefined();
  });

  it('a dry run with waitForLocksMs does not wait for a held lock either', async () => {
    const locks = new NodeLocks();
    await locks.tryAcquire(T1, 'restart', 'alice');
    const started = Date.now();
    const report = await sync({ to: T1, dryRun: true, waitForLocksMs: 10_000 }, locks);
    expect(report.targets[0]?.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
