import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyv } from 'keyv';
import type { z } from 'zod';
import { afterEach, describe, expect, test } from 'vitest';
import { leftoverPlans } from '../../../src/bot/pending-plan-expiry.js';
import { LeaderJobs } from '../../../src/bot/leader-jobs.js';
import { loadFleet, type Fleet } from '../../../src/config/fleet-file.js';
import { FleetClient } from '../../../src/fleet/fleet-client.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';
import { NodeLocks } from '../../../src/fleet/node-locks.js';
import { createLogger } from '../../../src/logging/logger.js';
import { RenewalStore } from '../../../src/state/renewal-store.js';
import { AlertStore } from '../../../src/state/alert-store.js';
import { AuditLog, type AuditRecord } from '../../../src/state/audit-log.js';
import type { Leadership } from '../../../src/state/coordination.js';
import type { LeadershipChange } from '../../../src/state/leader-lease.js';
import type { PendingPlan } from '../../../src/state/pending-plans.js';
import { newNodeKeyHex } from '../../support/state-dir.js';

/*
 * The scheduled jobs follow leadership: started on gain, stopped on loss, built afresh on the
 * next gain; a post after leadership is gone is refused (the alert stays unposted for the
 * leader); a follower's raise goes to the leader. One node nobody answers (127.0.0.1:9)
 * gives an alert after two checks.
 */

class FakeLeadership extends EventEmitter<{ change: [LeadershipChange] }> implements Leadership {
  readonly owner = 'test-replica';
  isLeader = false;
  start(): void {}
  async stop(): Promise<void> {}
}

function unreachableFleet(): Fleet {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-leader-jobs-'));
  const file = path.join(dir, 'fleet.json');
  writeFileSync(file, JSON.stringify({ nodes: [{ name: 'gone', url: 'http://127.0.0.1:9', keyEnv: 'TOKENOPS_KEY_GONE' }], alerts: { checkEvery: '1s' }, sync: { auto: false } }));
  const loaded = loadFleet(file, { TOKENOPS_KEY_GONE: newNodeKeyHex() });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

const running: LeaderJobs[] = [];
afterEach(async () => {
  for (const jobs of running.splice(0)) await jobs.shutdown();
});

/** Records when each fan-out to the nodes begins and ends, to tell concurrent ones from one after another. */
class RecordingFleetClient extends FleetClient {
  readonly fanOuts: string[] = [];
  override async fanOut<T extends z.ZodType>(method: string, route: string, schema: T, options: { nodes?: string[]; body?: unknown } = {}): Promise<NodeResult<z.infer<T>>[]> {
    this.fanOuts.push(`begin ${route}`);
    try {
      return await super.fanOut(method, route, schema, options);
    } finally {
      this.fanOuts.push(`end ${route}`);
    }
  }
}

function rig(level: 'info' | 'debug' = 'info', options: { post?: (content: string) => Promise<string> } = {}) {
  const fleet = unreachableFleet();
  const leadership = new FakeLeadership();
  const lines: string[] = [];
  const logger = createLogger('leader-jobs-test', level, { write: (line: string) => void lines.push(line) });
  const posts: string[] = [];
  const calls = { expirePlans: 0, requestAlertCheck: 0 };
  const fleetClient = new RecordingFleetClient(fleet, { timeoutMs: 500, concurrency: 4 });
  const jobs = new LeaderJobs({
    fleet,
    fleetClient,
    locks: new NodeLocks(),
    audit: new AuditLog(new Keyv<AuditRecord>()),
    alertStore: new AlertStore(new Keyv()),
    post:
      options.post ??
      (async (content) => {
        posts.push(content);
        return String(posts.length);
      }),
    edit: async () => undefined,
    logger,
    renewals: new RenewalStore(new Keyv()),
    leadership,
    requestAlertCheck: async () => void calls.requestAlertCheck++,
    expirePlans: async () => void calls.expirePlans++,
  });
  running.push(jobs);
  const checks = () => lines.filter((line) => line.includes('"msg":"alert check"')).length;
  return { jobs, leadership, lines, posts, calls, checks, fanOuts: fleetClient.fanOuts };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A leader whose first alert post Discord holds (a rate limit that does not end) until `release`. */
async function leaderWithHeldPost() {
  const held: string[] = [];
  let release = (): void => undefined;
  const discordAnswers = new Promise<void>((resolve) => (release = resolve));
  const { jobs, leadership, lines } = rig('info', {
    post: async (content) => {
      held.push(content);
      await discordAnswers;
      return String(held.length);
    },
  });
  leadership.isLeader = true;
  await jobs.follow({ leader: true });
  await until(() => held.length >= 1, 5_000, 'the alert post');
  return { jobs, lines, held, release: () => release() };
}

describe('LeaderJobs', () => {
  test('a follower runs nothing and forwards raises to the leader', async () => {
    const { jobs, leadership, posts, calls, checks } = rig();
    await jobs.follow({ leader: false });
    expect(jobs.isRunning).toBe(false);
    await jobs.raise({ key: 'k', severity: 'critical', node: 'gone', title: 't', action: 'a' });
    expect(calls.requestAlertCheck).toBe(1);
    jobs.checkSoon();
    // A change the follower hears about before its lease says so is not acted on either.
    await jobs.follow({ leader: true });
    expect(leadership.isLeader).toBe(false);
    expect(jobs.isRunning).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(checks()).toBe(0);
    expect(posts).toEqual([]);
    expect(calls.expirePlans).toBe(0);
  });

  test('gain → jobs run (plans expired first); a post after the lease is gone is refused and kept for the next leader; regain → posted once', async () => {
    const { jobs, leadership, lines, posts, calls, checks } = rig();
    leadership.isLeader = true;
    await jobs.follow({ leader: true });
    expect(jobs.isRunning).toBe(true);
    expect(calls.expirePlans).toBe(1);
    // First check at start: unreachable once, nothing to post yet.
    await until(() => checks() >= 1, 3_000, 'the first check');
    // The lease runs out (the change event is not delivered yet): the second check would post.
    leadership.isLeader = false;
    await until(() => lines.some((line) => line.includes('alert notification failed; will retry')), 3_000, 'the refused post');
    expect(lines.find((line) => line.includes('alert notification failed'))).toContain('this bot replica is no longer the leader');
    expect(posts).toEqual([]);
    await jobs.follow({ leader: false });
    expect(jobs.isRunning).toBe(false);
    expect(lines.some((line) => line.includes('"msg":"jobs stopped"'))).toBe(true);

    // Leader again: fresh jobs, the alert posted once from the shared state.
    leadership.isLeader = true;
    await jobs.follow({ leader: true });
    expect(calls.expirePlans).toBe(2);
    await until(() => posts.length >= 1, 3_000, 'the alert');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/^🔴 \*\*gone\*\*/);
    // A raise on the leader checks soon, locally.
    await jobs.raise({ key: 'k', severity: 'critical', node: 'gone', title: 't', action: 'a' });
    expect(calls.requestAlertCheck).toBe(0);
  });

  test("at gain the first alert check asks the nodes alone: renewal's first plan asks after it has", async () => {
    const { jobs, leadership, lines, fanOuts } = rig('debug');
    leadership.isLeader = true;
    await jobs.follow({ leader: true });
    await until(() => lines.some((line) => line.includes('"msg":"renewal plan"')), 5_000, "renewal's first plan");
    // The check's status fan-out ends before renewal's begins.
    expect(fanOuts.slice(0, 3)).toEqual(['begin /v1/status', 'end /v1/status', 'begin /v1/status']);
  });

  test('a loss before the first check ends: what waits for it never starts', async () => {
    const { jobs, leadership, lines } = rig('debug');
    leadership.isLeader = true;
    await jobs.follow({ leader: true });
    leadership.isLeader = false;
    await jobs.follow({ leader: false });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(lines.filter((line) => line.includes('"msg":"renewal plan"'))).toEqual([]);
  });

  test('shutdown waits for a check stuck posting (Discord holding it in a rate limit) only so long; nothing posts after', async () => {
    const { jobs, lines, held, release } = await leaderWithHeldPost();
    const started = performance.now();
    const stopped = await Promise.race([jobs.shutdown(300).then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 3_000))]);
    expect(stopped, 'shutdown still waiting for the held post after 3 s').toBe(true);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(lines.find((line) => line.includes('"msg":"jobs stopped"'))).toContain('"abandoned":["alert check"]');
    // Discord answers after the stop: the check goes on to nothing more (the next leader posts).
    release();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(held).toHaveLength(1);
  });

  test('a lost lease waits for the check stuck posting, however long: the next leader must not overlap with it', async () => {
    const { jobs, lines, held, release } = await leaderWithHeldPost();
    let followed = false;
    const following = jobs.follow({ leader: false }).then(() => (followed = true));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(followed).toBe(false);
    release();
    await following;
    expect(lines.find((line) => line.includes('"msg":"jobs stopped"'))).not.toContain('abandoned');
  });

  test('after shutdown a late gain starts nothing', async () => {
    const { jobs, leadership } = rig();
    leadership.isLeader = true;
    await jobs.shutdown();
    await jobs.follow({ leader: true });
    expect(jobs.isRunning).toBe(false);
  });
});

describe('leftover restart plans', () => {
  const plan = (messageId: string, createdAt: string, owner?: string): PendingPlan => ({ messageId, channelId: '1', nodes: ['t440'], requestedBy: { id: '2', name: 'ops-alice' }, createdAt, ...(owner ? { owner } : {}) });
  const nowMs = Date.parse('2026-02-14T09:01:30.000Z');
  const plans = [plan('old', '2026-02-14T09:00:00.000Z', 'replica-a'), plan('young', '2026-02-14T09:01:00.000Z', 'replica-b')];
  const options = { liveOwners: new Set<string>(), ownerlessAfterMs: 60_000, nowMs };

  test('one replica, at start: every plan left is a leftover, whoever owned it', () => {
    expect(leftoverPlans(plans, { ...options, scope: 'all', liveOwners: new Set(['replica-a', 'replica-b']) }).map((p) => p.messageId)).toEqual(['old', 'young']);
    // But never this process's own, which it is waiting on.
    expect(leftoverPlans(plans, { ...options, scope: 'all', self: 'replica-b' }).map((p) => p.messageId)).toEqual(['old']);
  });

  test("replicas: a plan whose replica stopped beating is a leftover however young; a live replica's is not however old", () => {
    expect(leftoverPlans(plans, { ...options, scope: 'orphaned', liveOwners: new Set(['replica-a']) }).map((p) => p.messageId)).toEqual(['young']);
    expect(leftoverPlans(plans, { ...options, scope: 'orphaned', liveOwners: new Set(['replica-b']) }).map((p) => p.messageId)).toEqual(['old']);
    expect(leftoverPlans(plans, { ...options, scope: 'orphaned', liveOwners: new Set(['replica-a', 'replica-b']) })).toEqual([]);
  });

  test('replicas: a plan that names no owner falls back to its age', () => {
    const ownerless = [plan('old', '2026-02-14T09:00:00.000Z'), plan('young', '2026-02-14T09:01:00.000Z')];
    expect(leftoverPlans(ownerless, { ...options, scope: 'orphaned' }).map((p) => p.messageId)).toEqual(['old']);
    expect(leftoverPlans(ownerless, { ...options, scope: 'orphaned', ownerlessAfterMs: 120_000 })).toEqual([]);
  });
});
