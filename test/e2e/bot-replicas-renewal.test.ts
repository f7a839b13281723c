import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { RENEWAL_NODES as NODES, startRenewalFleet, type RenewalFleet } from '../support/renewal-fleet.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';
import { findSecrets } from '../support/secret-scan.js';
import { DEFAULT_LOCK_TTL_MS } from '../../src/fleet/node-locks.js';
import { AuditLog, type AuditRecord } from '../../src/state/audit-log.js';
import { RenewalStore } from '../../src/state/renewal-store.js';
import { openStateStore, type StateStore } from '../../src/state/state-store.js';
import { waitUntil } from '../support/wait-until.js';

/*
 * Renewal across bot replicas: two real bot processes on one real Redis, three real agents
 * (pc-a the owner, t440 its stand-in, hp a follower) and a token endpoint that enforces
 * rotation (each refresh token single-use; a reuse revokes the family). The leader is
 * SIGKILLed while its refresh request is in flight (the endpoint has spent the refresh token
 * and is slow to answer; the renewal was written down in Redis before it was sent); the
 * other replica takes over. Over the lifetimes that follow:
 * still one grant per account per cycle, no refresh token presented twice, no family
 * revoked, no copy on any node ever expired, every follower on the owner's token, nothing
 * posted. The stores are watched every 50 ms, as bot-renewal.test.ts does.
 */

const hasRedis = redisAvailable();
const LEASE_MS = 3_000;
const HEARTBEAT_MS = 1_000;
/** The grant in flight when the leader dies: answered this late (the agent's own timeout is 10 s). */
const SLOW_GRANT_MS = 4_000;
/**
 * As short as bot-renewal's 15 s, but never shorter than what a takeover needs: the dead
 * leader's lock on pc-a lapses only after its lease (DEFAULT_LOCK_TTL_MS), and the renewal
 * after the takeover waits for it; the token the slow grant brought must outlive that wait.
 */
const LIFETIME_MS = Math.max(15_000, Math.ceil((DEFAULT_LOCK_TTL_MS - SLOW_GRANT_MS + 5_000) / 5_000) * 5_000);
const EXPIRES_IN_S = (2 * LIFETIME_MS) / 1000; // the agent keeps half of so short a life
/** renew.before 1/3: a token is renewed with a third of its life left, up to a tenth of that earlier (jitter). */
const CYCLE_MS = LIFETIME_MS - LIFETIME_MS / 3;
const MIN_CYCLE_MS = CYCLE_MS - 0.1 * (LIFETIME_MS / 3);

let redis: RedisServer;
let fleet: RenewalFleet;
let discord: DiscordStandin;
const bots: RunningBot[] = [];

const leads = (bot: RunningBot) => bot.output.some((line) => line.includes('"msg":"leadership acquired'));
const alive = (bot: RunningBot) => bot.proc.exitCode === null && bot.proc.signalCode === null;

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  // One login on every node, a minute left and a lifetime the bot does not know yet: renewed at once.
  fleet = await startRenewalFleet({ expiresInS: EXPIRES_IN_S });
  discord = await DiscordStandin.start({ multipleSessions: true });
  const fleetFile = {
    nodes: fleet.fleetNodes,
    owners: { 'anthropic:*': ['pc-a', 't440'] },
    renew: { before: '1/3', ownerDownFor: '3s', checkEvery: '1s' },
    alerts: { checkEvery: '2s', warnBefore: '7d', criticalBefore: '2s', repeatEvery: '4h' },
    sync: { every: '1h' },
  };
  const env = { ...fleet.keys, TOKENOPS_LEADER_LEASE: `${LEASE_MS / 1000}s`, TOKENOPS_HEARTBEAT: `${HEARTBEAT_MS / 1000}s` };
  // Each replica its own directory (fleet file), one state: the Redis.
  for (let index = 0; index < 2; index++) {
    bots.push(await startBot(discord, fleetFile, env, { stateUrl: redis.url, dir: mkdtempSync(path.join(os.tmpdir(), `tokenops-renewal-replica-${index}-`)) }));
  }
  await discord.waitFor(() => discord.connectedSessions === 2 || undefined, 10_000, 'both replicas connected to the gateway');
}, 90_000);

afterAll(async () => {
  if (!hasRedis) return;
  if (process.env.RENEWAL_DEBUG) for (const [index, bot] of bots.entries()) console.log(`--- replica ${index}\n${bot.output.filter((line) => /renew|sync|leader|lock/.test(line)).join('\n')}`);
  for (const bot of bots) if (alive(bot)) await bot.stop();
  await fleet?.stop();
  await killAllSpawned();
  await discord?.close();
  await redis?.stop();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

/** What the bots share in Redis, read as a replica would. */
async function shared<T>(use: (state: StateStore) => Promise<T>): Promise<T> {
  const state = await openStateStore(redis.url);
  try {
    return await use(state);
  } finally {
    await state.close();
  }
}

/** When pc-a's node lock lapses, as Redis has it now (null: nobody holds it). */
async function lockLapsesAt(): Promise<number | null> {
  const client = new Redis(redis.url);
  try {
    const ttl = await client.pttl('tokenops:lock:pc-a');
    return ttl > 0 ? Date.now() + ttl : null;
  } finally {
    client.disconnect();
  }
}

test.skipIf(!hasRedis)('the leader killed mid-renewal: the other replica takes over; one grant per cycle, no refresh token twice, no copy expires, followers on the owner’s token, nothing posted', async () => {
  await waitUntil(() => bots.filter(leads).length === 1, 10_000, 'one replica to lead');
  const leader = bots.find(leads)!;
  const survivor = bots.find((bot) => bot !== leader)!;
  // The first renewal comes at once (the lifetime was unknown); the next, on schedule, is the one cut short.
  await waitUntil(() => fleet.oauthServer.grants >= 1, LIFETIME_MS, 'the first renewal');
  const slowGrant = fleet.oauthServer.slowNextGrant(SLOW_GRANT_MS);
  await Promise.race([slowGrant, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no renewal on schedule')), 2 * LIFETIME_MS))]);
  // The endpoint has spent pc-a's refresh token; its answer is on the way: the leader dies now.
  const grantsAtKill = fleet.oauthServer.grants;
  const pcaBefore = fleet.read('pc-a')!.access;
  const killedAt = Date.now();
  leader.proc.kill('SIGKILL');
  await leader.exited;
  const lockLapse = await lockLapsesAt();
  // The dead leader wrote its renewal down in Redis before sending it: the next leader knows.
  const inflight = await shared((state) => new RenewalStore(state.namespace<unknown>('renewal')).accounts()).then((accounts) => accounts.get('anthropic:default')?.inflight);
  await survivor.waitFor(/"msg":"leadership acquired/, LEASE_MS + 10_000);
  const takeoverMs = Date.now() - killedAt;
  // The agent finished the grant its dead caller asked for: pc-a holds the token the endpoint issued.
  const slowLanded = await waitUntil(() => fleet.seen.find((entry) => entry.node === 'pc-a' && entry.atMs >= killedAt && entry.access !== pcaBefore), SLOW_GRANT_MS + 5_000, "the slow grant's token on pc-a");
  const lockFreeMs = lockLapse === null ? 0 : lockLapse - killedAt;

  // Several lifetimes under the new leader.
  const runMs = 3 * LIFETIME_MS;
  await new Promise((resolve) => setTimeout(resolve, runMs));
  const endAt = Date.now();

  const gaps = fleet.grantTimes.slice(1).map((atMs, index) => atMs - fleet.grantTimes[index]!);
  const cycles = (endAt - fleet.grantTimes[0]!) / CYCLE_MS;
  const afterKill = fleet.grantTimes.filter((atMs) => atMs > killedAt + 100);
  // Converged: every node on pc-a's token (a renewal may be propagating this very moment).
  const onOwner = () => NODES.filter((node) => fleet.read(node)?.access === fleet.read('pc-a')?.access);
  const followersOn = await waitUntil(() => onOwner().length === NODES.length && onOwner(), 2_000, 'every node on the owner’s token').catch(() => onOwner());
  // Every token pc-a held from the slow grant on reached both followers (the last one may still be on its way).
  const ownerTokens = fleet.seen.filter((entry) => entry.node === 'pc-a' && entry.atMs >= slowLanded.atMs);
  const missing = ownerTokens.slice(0, -1).flatMap((token) => (['t440', 'hp'] as const).filter((follower) => !fleet.seen.some((entry) => entry.node === follower && entry.access === token.access)).map((follower) => `${follower} never held pc-a's token of ${new Date(token.atMs).toISOString()}`));
  const renewals = (await shared((state) => new AuditLog(state.namespace<AuditRecord>('audit')).since(killedAt))).filter((record) => record.action === 'renewal');
  const posted = discord.channelMessages().map((message) => message.content ?? '');
  console.log(
    `replicas, leader SIGKILLed with a grant in flight (answered ${SLOW_GRANT_MS} ms late): the other replica led ${takeoverMs} ms later (lease ${LEASE_MS} ms), the dead leader's lock on pc-a lapsed after ${lockFreeMs} ms (lock lease ${DEFAULT_LOCK_TTL_MS} ms); ` +
      `${fleet.oauthServer.grants} grants in ${cycles.toFixed(2)} renewal cycles of ${(CYCLE_MS / 1000).toFixed(1)} s (${LIFETIME_MS / 1000} s lifetime; the first renewal at once), ${grantsAtKill} by the first leader, ${afterKill.length} by the new one in ${((endAt - killedAt) / CYCLE_MS).toFixed(2)} cycles; ` +
      `gaps between grants ${Math.min(...gaps)}–${Math.max(...gaps)} ms; new leader's renewals: ${renewals.map((record) => (record.detail ?? '').split(',')[0]).join(' · ')}; ` +
      `${fleet.oauthServer.reuses} reuses; ${fleet.expiredCopies.length} copies expired; ${followersOn.length}/${NODES.length} nodes on the owner's token; ${posted.length} channel messages`,
  );
  if (process.env.RENEWAL_DEBUG) console.log({ killedAt, grants: fleet.grantTimes.map((atMs) => atMs - killedAt), seen: fleet.seen.map((entry) => ({ node: entry.node, atMs: entry.atMs - killedAt, expires: entry.expires - killedAt, token: entry.access.slice(-6) })), posted });

  expect(inflight).toMatchObject({ node: 'pc-a' });
  expect(lockLapse).not.toBeNull(); // the dead leader held pc-a
  expect(fleet.oauthServer.reuses).toBe(0); // a reuse is what revokes a family
  expect(new Set(fleet.oauthServer.presented).size).toBe(fleet.oauthServer.presented.length);
  expect([...fleet.oauthServer.grantsByClient.keys()]).toEqual(['client-pc-a']);
  // One grant per cycle: never two within one, never a cycle without one (the one across the
  // kill waits for the slow answer, and at most for the dead leader's lock).
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_CYCLE_MS - 200);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(Math.max(SLOW_GRANT_MS + CYCLE_MS, lockFreeMs) + 2_000);
  expect(afterKill.length).toBeGreaterThanOrEqual(Math.floor((endAt - killedAt - lockFreeMs) / CYCLE_MS));
  expect(fleet.expiredCopies).toEqual([]);
  expect(missing).toEqual([]);
  expect(followersOn).toEqual([...NODES]);
  expect(posted, posted.join('\n---\n')).toEqual([]);
}, 240_000);
