import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyv } from 'keyv';
import type { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFleet, type Fleet } from '../../../src/config/fleet-file.js';
import { FleetClient } from '../../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../../src/fleet/node-locks.js';
import { AlertChecks } from '../../../src/jobs/alert-checks.js';
import type { PictureFile } from '../../../src/timeline/timeline-picture.js';
import { createLogger } from '../../../src/logging/logger.js';
import type { StatusResponse } from '../../../src/protocol/agent-api.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';
import { AlertStore } from '../../../src/state/alert-store.js';
import { AuditLog, type AuditRecord } from '../../../src/state/audit-log.js';
import { fleetFor, startAgentFarm, type AgentFarm, type FarmNode } from '../../support/agent-farm.js';
import { buildStateDir, DAY, HOUR, oauth, readStore, type AgentStoreSpec } from '../../support/state-dir.js';

/*
 * AlertChecks over real agents in this process (the agent farm), a fleet file read by
 * loadFleet, in-memory keyv stores, and post/edit functions that record into arrays.
 *
 * The farm's agents point at a gateway nobody runs (127.0.0.1:9), so every status says
 * "gateway not ready"; the client below reports the gateway ready, as if one ran beside
 * each agent, so the tests see only the token conditions they set up. (The gateway alert
 * itself is covered by the pure rules.)
 */

const OWNER = 'alc-000';
const FOLLOWER = 'alc-001';
const ANTHROPIC = 'anthropic:default';

class ReadyGatewayFleetClient extends FleetClient {
  override async fanOut<T extends z.ZodType>(method: string, route: string, schema: T, options: { nodes?: string[]; body?: unknown } = {}): Promise<NodeResult<z.infer<T>>[]> {
    const results = await super.fanOut(method, route, schema, options);
    if (route !== '/v1/status') return results;
    return results.map((result) => {
      if (!result.ok) return result;
      const value = result.value as StatusResponse;
      return { ...result, value: { ...value, gateway: { ...value.gateway, reachable: true, ready: true } } as z.infer<T> };
    });
  }
}

let farm: AgentFarm;
let fleetDir: string;
const clients: FleetClient[] = [];

function farmNode(name: string): FarmNode & { stateDir: string } {
  const node = farm.nodes.find((candidate) => candidate.name === name);
  if (!node?.stateDir) throw new Error(`no state dir for ${name}`);
  return node as FarmNode & { stateDir: string };
}

/** Rewrites a node's stores from scratch (one `main` agent by default). */
function writeNode(name: string, profiles: Record<string, unknown>, agents: Record<string, AgentStoreSpec> = { main: { profiles } }): void {
  const dir = farmNode(name).stateDir;
  rmSync(path.join(dir, 'agents'), { recursive: true, force: true });
  buildStateDir({ dir, layout: 'split', agents });
}

function loadTestFleet(file: string, extra: Record<string, unknown>): Fleet {
  const { fleet, env } = fleetFor(farm.nodes, {
    owners: { 'anthropic:*': OWNER },
    // The alert mechanics as they stand without renewal (its own tests cover what it saves).
    renew: { auto: false },
    alerts: { checkEvery: '5m', warnBefore: '24h', criticalBefore: '2h', repeatEvery: '4h' },
    ...extra,
  });
  const at = path.join(fleetDir, file);
  writeFileSync(at, JSON.stringify(fleet, null, 2));
  const loaded = loadFleet(at, env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

interface Rig {
  checks: AlertChecks;
  store: AlertStore;
  audit: AuditLog;
  auditKeyv: Keyv<AuditRecord>;
  posts: string[];
  edits: Array<{ messageId: string; content: string; files?: string[] }>;
  /** With `pictures`: the file names attached to each post, in order. */
  postedFiles: string[][];
  clock: { now: number };
  discordDown: { value: boolean };
}

function rig(options: { autoFix?: boolean; startAt?: number; pictures?: boolean; draw?: (node: string, name: string) => Promise<PictureFile[]>; pictureWaitMs?: number } = {}): Rig {
  const fleet = loadTestFleet(options.autoFix ? 'fleet-autofix.json' : 'fleet.json', { sync: { autoFix: options.autoFix ?? false } });
  const fleetClient = new ReadyGatewayFleetClient(fleet, { timeoutMs: 5_000, concurrency: 8 });
  clients.push(fleetClient);
  const clock = { now: options.startAt ?? Date.now() };
  const posts: string[] = [];
  const edits: Array<{ messageId: string; content: string; files?: string[] }> = [];
  const postedFiles: string[][] = [];
  let drawn = 0;
  const discordDown = { value: false };
  const store = new AlertStore(new Keyv());
  const auditKeyv = new Keyv<AuditRecord>();
  const audit = new AuditLog(auditKeyv, () => clock.now);
  const checks = new AlertChecks({
    fleet,
    fleetClient,
    locks: new NodeLocks(),
    store,
    audit,
    post: async (content, files = []) => {
      if (discordDown.value) throw new Error('connect ECONNREFUSED discord.com');
      posts.push(content);
      postedFiles.push(files.map((file) => file.name));
      return `msg-${posts.length}`;
    },
    edit: async (messageId, content, files) => {
      if (discordDown.value) throw new Error('connect ECONNREFUSED discord.com');
      edits.push({ messageId, content, ...(files ? { files: files.map((file) => file.name) } : {}) });
    },
    // Each picture drawn gets its own name, so a test can tell a redrawn one from the first.
    ...(options.pictures
      ? {
          picture: async (_view: unknown, node: string) => {
            const name = `${node}-${++drawn}.png`;
            return options.draw ? options.draw(node, name) : [{ name, data: Buffer.from('png'), description: node }];
          },
        }
      : {}),
    ...(options.pictureWaitMs !== undefined ? { pictureWaitMs: options.pictureWaitMs } : {}),
    logger: createLogger('alert-checks-test', 'silent'),
    now: () => clock.now,
  });
  return { checks, store, audit, auditKeyv, posts, edits, postedFiles, clock, discordDown };
}

beforeAll(async () => {
  farm = await startAgentFarm({ agents: 2, profilesPerNode: 0, prefix: 'alc' });
  fleetDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-alert-checks-'));
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await farm?.close();
});

/** Healthy baseline: each node holds one long-lived token of its own, no owner involved. */
function baseline(t0: number): void {
  writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0) });
  writeNode(FOLLOWER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0) });
}

describe('AlertChecks', () => {
  let t0: number;
  beforeEach(() => {
    t0 = Date.now();
    baseline(t0);
  });

  it('a raise after stop runs no check (a renewal left running by a bounded shutdown may still raise)', async () => {
    const { checks, posts } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    await checks.stop();
    await checks.raise();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(posts).toEqual([]);
  });

  it('a quiet fleet posts nothing', async () => {
    const { checks, posts, edits } = rig({ startAt: t0 });
    const summary = await checks.check();
    expect(summary).toMatchObject({ posted: 0, edited: 0, resolved: 0, autoFixed: 0 });
    expect(posts).toEqual([]);
    expect(edits).toEqual([]);
  });

  it('an expiring token: one post naming the node, the profile and what to do; a second check posts nothing new', async () => {
    const { checks, store, posts, edits, clock } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });

    const first = await checks.check();
    expect(first.posted).toBe(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain(`🟡 **${OWNER}**: 1 alert`);
    expect(posts[0]).toContain(ANTHROPIC);
    expect(posts[0]).toContain(`/tokens refresh node:${OWNER} profile:${ANTHROPIC}`);
    const state = await store.node(OWNER);
    expect(state.messageId).toBe('msg-1');
    expect(state.alerts.map((alert) => alert.key)).toEqual([`${OWNER}/token_expiring/${ANTHROPIC}`]);
    expect((await store.node(FOLLOWER)).alerts).toEqual([]);

    clock.now += 5 * 60_000;
    const second = await checks.check();
    expect(second).toMatchObject({ posted: 0, edited: 0, resolved: 0 });
    expect(posts).toHaveLength(1);
    expect(edits).toEqual([]);
  });

  it('over hours: an added alert edits the message, a warning is not repeated, a rise to critical posts again, and critical is repeated after repeatEvery', async () => {
    const { checks, posts, edits, clock } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 7 * HOUR, {}, t0) });
    await checks.check();
    expect(posts).toHaveLength(1);

    // A second profile starts expiring: the same message is edited to list both.
    clock.now = t0 + HOUR;
    writeNode(OWNER, {
      'zeta:default': oauth('zeta', 10 * DAY, {}, t0),
      [ANTHROPIC]: oauth('anthropic', 7 * HOUR, {}, t0),
      'anthropic:ops': oauth('anthropic', 20 * HOUR, {}, t0),
    });
    expect((await checks.check()).edited).toBe(1);
    expect(edits).toHaveLength(1);
    expect(edits[0]?.messageId).toBe('msg-1');
    expect(edits[0]?.content).toContain('2 alerts');
    expect(edits[0]?.content).toContain('anthropic:ops');
    expect(posts).toHaveLength(1);

    // Checks every five minutes until repeatEvery: nothing.
    for (clock.now = t0 + HOUR + 5 * 60_000; clock.now < t0 + 4 * HOUR; clock.now += 30 * 60_000) await checks.check();
    expect(posts).toHaveLength(1);
    expect(edits).toHaveLength(1);

    // repeatEvery after the post, still a warning: not said again (it will be when it turns critical).
    clock.now = t0 + 4 * HOUR;
    expect((await checks.check()).posted).toBe(0);

    // An hour later anthropic:default comes within criticalBefore: a new post, now critical.
    clock.now = t0 + 5 * HOUR + 5 * 60_000;
    expect((await checks.check()).posted).toBe(1);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatch(/^🔴 .*\(now critical\)/);

    // Critical and still there repeatEvery later: posted again, as still active.
    clock.now = t0 + 9 * HOUR;
    expect((await checks.check()).posted).toBe(0);
    clock.now = t0 + 9 * HOUR + 5 * 60_000;
    expect((await checks.check()).posted).toBe(1);
    expect(posts[2]).toContain('(still active)');
  });

  it('concurrent checks share one run: one post', async () => {
    const { checks, posts } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    const [a, b] = await Promise.all([checks.check(), checks.check()]);
    expect(a).toBe(b);
    expect(posts).toHaveLength(1);
  });

  it('a token renewed on disk: the message is edited to resolved and a resolved notice is posted', async () => {
    const { checks, store, posts, edits, clock } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 90 * 60_000, {}, t0) });
    await checks.check();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('🔴');

    // Someone logs in again on the owner: a fresh token (well beyond warnBefore) lands in the store.
    clock.now += 5 * 60_000;
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 32 * HOUR, {}, t0) });
    const summary = await checks.check();
    expect(summary.resolved).toBe(1);
    expect(edits).toEqual([{ messageId: 'msg-1', content: `✅ **${OWNER}**: resolved <t:${Math.floor(clock.now / 1000)}:R>` }]);
    expect(posts).toEqual([posts[0], `✅ **${OWNER}**: all alerts resolved.`]);
    expect(await store.node(OWNER)).toMatchObject({ alerts: [], messageId: null, lastNotifiedAt: null });

    // And stays quiet afterwards.
    clock.now += 5 * 60_000;
    await checks.check();
    expect(posts).toHaveLength(2);
    expect(edits).toHaveLength(1);
  });

  it('the picture follows the text: drawn for the post, redrawn when the message is edited, removed when resolved', async () => {
    const { checks, posts, postedFiles, edits, clock } = rig({ startAt: t0, pictures: true });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 7 * HOUR, {}, t0) });
    await checks.check();
    expect(postedFiles).toEqual([[`${OWNER}-1.png`]]);

    clock.now = t0 + HOUR;
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 7 * HOUR, {}, t0), 'anthropic:ops': oauth('anthropic', 20 * HOUR, {}, t0) });
    expect((await checks.check()).edited).toBe(1);
    expect(edits.at(-1)).toMatchObject({ messageId: 'msg-1', files: [`${OWNER}-2.png`] });

    clock.now += 5 * 60_000;
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 32 * HOUR, {}, t0), 'anthropic:ops': oauth('anthropic', 40 * HOUR, {}, t0) });
    expect((await checks.check()).resolved).toBe(1);
    expect(edits.at(-1)).toEqual({ messageId: 'msg-1', content: `✅ **${OWNER}**: resolved <t:${Math.floor(clock.now / 1000)}:R>`, files: [] });
    // The resolved notice is text only.
    expect(posts.at(-1)).toBe(`✅ **${OWNER}**: all alerts resolved.`);
    expect(postedFiles.at(-1)).toEqual([]);
  });

  it("one check's pictures are drawn side by side, not one after another", async () => {
    let inFlight = 0;
    let most = 0;
    const draw = async (node: string, name: string): Promise<PictureFile[]> => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight--;
      return [{ name, data: Buffer.from('png'), description: node }];
    };
    const { checks, postedFiles } = rig({ startAt: t0, pictures: true, draw });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    writeNode(FOLLOWER, { 'zeta:default': oauth('zeta', 9 * HOUR, {}, t0) });
    expect((await checks.check()).posted).toBe(2);
    expect(most).toBe(2);
    expect(postedFiles.map((files) => files.length)).toEqual([1, 1]);
  });

  it('a picture drawn late: the text goes out first, the picture is edited in with the same text, and the check ends after it', async () => {
    let release: () => void = () => undefined;
    const drawn = new Promise<void>((resolve) => (release = resolve));
    const draw = async (node: string, name: string): Promise<PictureFile[]> => {
      await drawn;
      return [{ name, data: Buffer.from('png'), description: node }];
    };
    const { checks, posts, postedFiles, edits } = rig({ startAt: t0, pictures: true, draw, pictureWaitMs: 20 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    let ended = false;
    const check = checks.check().then((summary) => ((ended = true), summary));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(postedFiles).toEqual([[]]);
    expect(edits).toEqual([]);
    expect(ended).toBe(false);
    release();
    expect((await check).posted).toBe(1);
    expect(edits).toEqual([{ messageId: 'msg-1', content: posts[0], files: [`${OWNER}-1.png`] }]);
  });

  it('a picture that fails: the alert goes out without it', async () => {
    const { checks, posts, postedFiles, edits } = rig({ startAt: t0, pictures: true, draw: () => Promise.reject(new Error('resvg: out of memory')) });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    expect((await checks.check()).posted).toBe(1);
    expect(posts[0]).toContain(ANTHROPIC);
    expect(postedFiles).toEqual([[]]);
    expect(edits).toEqual([]);
  });

  it('Discord down during the first check loses nothing: the next check posts it', async () => {
    const { checks, store, posts, discordDown, clock } = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    discordDown.value = true;
    const first = await checks.check();
    expect(first.posted).toBe(0);
    expect(posts).toEqual([]);
    // Tracked, not marked as shown.
    const tracked = await store.node(OWNER);
    expect(tracked.alerts).toHaveLength(1);
    expect(tracked).toMatchObject({ messageId: null, lastNotifiedAt: null, notifiedDigest: null });

    discordDown.value = false;
    clock.now += 5 * 60_000;
    const second = await checks.check();
    expect(second.posted).toBe(1);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain(ANTHROPIC);
    // `since` is from the first check, when it was first seen.
    expect((await store.node(OWNER)).alerts[0]?.since).toBe(t0);
  });

  it('a silence on the node: the alert is tracked but nothing is posted', async () => {
    const { checks, store, posts, edits, clock } = rig({ startAt: t0 });
    await store.addSilence({ id: 's1', target: OWNER, until: t0 + 2 * HOUR, by: 'ops#1', createdAt: t0 }, t0);
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    const summary = await checks.check();
    expect(summary.posted).toBe(0);
    expect(summary.active).toBe(1);
    expect(posts).toEqual([]);
    expect(edits).toEqual([]);
    expect((await store.node(OWNER)).alerts.map((alert) => alert.key)).toEqual([`${OWNER}/token_expiring/${ANTHROPIC}`]);

    // When the silence ends, it is posted.
    clock.now = t0 + 2 * HOUR;
    await checks.check();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain(ANTHROPIC);
  });

  it('alert state survives a restart: a new AlertChecks over the same store posts nothing again', async () => {
    const first = rig({ startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 10 * HOUR, {}, t0) });
    await first.checks.check();
    expect(first.posts).toHaveLength(1);
    const restarted = new AlertChecks({
      fleet: loadTestFleet('fleet.json', { sync: { autoFix: false } }),
      fleetClient: clients.at(-1)!,
      locks: new NodeLocks(),
      store: first.store,
      audit: first.audit,
      post: async (content) => {
        first.posts.push(content);
        return 'msg-after-restart';
      },
      edit: async (messageId, content) => void first.edits.push({ messageId, content }),
      logger: createLogger('alert-checks-test', 'silent'),
      now: () => t0 + 10 * 60_000,
    });
    expect(await restarted.check()).toMatchObject({ posted: 0, edited: 0, resolved: 0 });
    expect(first.posts).toHaveLength(1);
  });

  it('auto-fix: a follower expiring while the owner holds a fresher token is synced, audited, and posts nothing', async () => {
    const { checks, store, posts, auditKeyv } = rig({ autoFix: true, startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 48 * HOUR, {}, t0) });
    writeNode(FOLLOWER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 3 * HOUR, {}, t0) });
    const ownerToken = readStore(farmNode(OWNER).stateDir, 'main').profiles[ANTHROPIC]!;

    const summary = await checks.check();
    expect(summary.autoFixed).toBe(1);

    const followerToken = readStore(farmNode(FOLLOWER).stateDir, 'main').profiles[ANTHROPIC]!;
    expect(followerToken.access).toBe(ownerToken.access);
    expect(followerToken.refresh).toBe(ownerToken.refresh);
    expect(followerToken.expires).toBe(ownerToken.expires);

    // Normal operation: nothing in the channel.
    expect(posts).toEqual([]);
    expect((await store.node(FOLLOWER)).alerts.filter((alert) => alert.profileId === ANTHROPIC)).toEqual([]);
    expect((await store.node(OWNER)).alerts).toEqual([]);

    // Audited as the scheduler's sync.
    const records: AuditRecord[] = [];
    for await (const [, value] of auditKeyv.iterator!(undefined)) records.push(value as AuditRecord);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ actor: { via: 'scheduler', name: 'auto-fix' }, action: 'tokens sync', outcome: 'ok' });
    expect(records[0]?.target).toContain(FOLLOWER);
    expect(records[0]?.detail).toMatch(/^auto-fix: anthropic:default was expiring/);
    // The record never carries token values.
    expect(JSON.stringify(records)).not.toContain(String(ownerToken.access));

    // Nothing more to fix on the next check.
    expect((await checks.check()).autoFixed).toBe(0);
    expect(posts).toEqual([]);
  });

  it('with auto-fix off, the same follower gets an alert telling to sync from the owner', async () => {
    const { checks, posts, store } = rig({ autoFix: false, startAt: t0 });
    writeNode(OWNER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 48 * HOUR, {}, t0) });
    writeNode(FOLLOWER, { 'zeta:default': oauth('zeta', 10 * DAY, {}, t0), [ANTHROPIC]: oauth('anthropic', 3 * HOUR, {}, t0) });
    const summary = await checks.check();
    expect(summary).toMatchObject({ autoFixed: 0, posted: 1 });
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain(`**${FOLLOWER}**`);
    expect(posts[0]).toContain(`/tokens sync from:${OWNER} to:${FOLLOWER} profile:${ANTHROPIC}`);
    expect((await store.node(FOLLOWER)).alerts.map((alert) => alert.key)).toEqual([`${FOLLOWER}/token_expiring/${ANTHROPIC}`]);
  });
});
