import { afterAll, beforeAll, expect, test } from 'vitest';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { waitUntil } from '../support/wait-until.js';
import { auditRecords as readAudit } from '../support/audit-records.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { killAllSpawned } from '../support/processes.js';
import { startRenewalFleet, type RenewalFleet, type SeenCopy } from '../support/renewal-fleet.js';

/*
 * Renewal end to end, on short token lifetimes: the renewal fleet (test/support/renewal-fleet.ts:
 * pc-a the owner, t440 its stand-in, hp a follower, a token endpoint that enforces rotation,
 * every copy watched every 50 ms) and the real bot on the local Discord.
 */

const EXPIRES_IN_S = 30; // the agent keeps half of so short a life: 15 s
const LIFETIME_MS = 15_000;

let fleet: RenewalFleet;
let discord: DiscordStandin;
let bot: RunningBot;

const auditRecords = () => readAudit(bot.stateUrl, 500);

/** Owner's renewals as seen on disk, and how long each follower took to hold the same token. */
function propagation(since: number): { renewals: number; lagsMs: number[]; missing: string[] } {
  const owned = fleet.seen.filter((entry) => entry.atMs >= since && entry.node === 'pc-a');
  const lagsMs: number[] = [];
  const missing: string[] = [];
  for (const renewal of owned) {
    for (const follower of ['t440', 'hp'] as const) {
      const got = fleet.seen.find((entry) => entry.node === follower && entry.access === renewal.access);
      if (got) lagsMs.push(Math.max(0, got.atMs - renewal.atMs));
      else if (renewal !== owned.at(-1)) missing.push(`${follower} never held pc-a's token of ${new Date(renewal.atMs).toISOString()}`);
    }
  }
  return { renewals: owned.length, lagsMs, missing };
}

beforeAll(async () => {
  // A minute left (the fleet takes some seconds to start), a lifetime the bot does not know yet: renewed at once.
  fleet = await startRenewalFleet({ expiresInS: EXPIRES_IN_S });
  discord = await DiscordStandin.start();
  bot = await startBot(
    discord,
    {
      nodes: fleet.fleetNodes,
      owners: { 'anthropic:*': ['pc-a', 't440'] },
      renew: { before: '1/3', ownerDownFor: '3s', checkEvery: '1s' },
      alerts: { checkEvery: '2s', warnBefore: '7d', criticalBefore: '2s', repeatEvery: '4h' },
      sync: { every: '1h' },
    },
    fleet.keys,
  );
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.RENEWAL_DEBUG) console.log(bot.output.filter((line) => /renew|sync/.test(line)).join('\n'));
  await fleet?.stop();
  await killAllSpawned();
  await discord?.close();
});

test('normal operation over several lifetimes: only the owner asks, no token twice, no copy ever expires, followers within 2 s, nothing posted', async () => {
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3 * LIFETIME_MS));
  const { renewals, lagsMs, missing } = propagation(start);
  const sorted = [...lagsMs].sort((a, b) => a - b);
  console.log(`renewal, ${3 * LIFETIME_MS / 1000} s at a ${LIFETIME_MS / 1000} s lifetime: ${renewals} renewals by pc-a, ${fleet.oauthServer.grants} grants (${[...fleet.oauthServer.grantsByClient].map(([client, count]) => `${client} ${count}`).join(', ')}), ${fleet.oauthServer.reuses} reuses; followers held the new token after p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms; ${discord.channelMessages().length} channel messages`);
  expect(renewals).toBeGreaterThanOrEqual(3);
  // One renewal per lifetime (the first one, of a token of unknown lifetime, comes at once).
  expect(renewals).toBeLessThanOrEqual(5);
  expect([...fleet.oauthServer.grantsByClient.keys()]).toEqual(['client-pc-a']);
  expect(fleet.oauthServer.reuses).toBe(0);
  expect(new Set(fleet.oauthServer.presented).size).toBe(fleet.oauthServer.presented.length);
  expect(fleet.expiredCopies).toEqual([]);
  expect(missing).toEqual([]);
  expect(Math.max(...lagsMs)).toBeLessThan(2_000);
  expect(discord.channelMessages().map((message) => message.content)).toEqual([]);
}, 90_000);

test('owner down: the stand-in renews within ownerDownFor plus a check, nothing expires; the owner, back, is synced first and takes over again', async () => {
  // Right after a renewal: the stand-in has a whole lifetime to take over in.
  const before = propagation(0).renewals;
  await waitUntil(() => propagation(0).renewals > before, 2 * LIFETIME_MS, 'a renewal by pc-a');
  const port = fleet.nodes['pc-a'].agent.port;
  await fleet.nodes['pc-a'].agent.stop('SIGKILL');
  const downAt = Date.now();
  const standInGrants = () => fleet.oauthServer.grantsByClient.get('client-t440') ?? 0;
  await waitUntil(() => standInGrants() >= 2, 3 * LIFETIME_MS, 'two renewals by the stand-in t440');
  console.log(`owner down: t440 renewed twice in ${Date.now() - downAt} ms; pc-a comes back`);
  await fleet.restartAgent('pc-a', port);
  const backAt = Date.now();
  const ownerGrants = fleet.oauthServer.grantsByClient.get('client-pc-a') ?? 0;
  await waitUntil(() => (fleet.oauthServer.grantsByClient.get('client-pc-a') ?? 0) > ownerGrants, 3 * LIFETIME_MS, 'pc-a renewing again');
  console.log(`owner back: pc-a renewed again ${Date.now() - backAt} ms after its return; ${fleet.oauthServer.reuses} reuses, ${fleet.expiredCopies.length} copies expired`);
  expect(fleet.oauthServer.reuses).toBe(0);
  // pc-a's own store ages while its agent is down (nothing can reach it); every other copy stays valid.
  const whileDown = (entry: SeenCopy) => entry.node === 'pc-a' && entry.atMs >= downAt && entry.atMs <= backAt + 2_000;
  expect(fleet.expiredCopies.filter((entry) => !whileDown(entry))).toEqual([]);
  const handovers = (await auditRecords()).filter((record) => record.action === 'renewal owner').map((record) => record.detail);
  expect(handovers).toEqual([expect.stringMatching(/^renewal owner: t440 → pc-a/), expect.stringMatching(/^renewal owner: pc-a → t440 \(stand-in/)]);
  // The owner down is a person's business (node unreachable), said once; nothing about the tokens.
  const others = discord.channelMessages().map((message) => message.content ?? '').filter((content) => !/pc-a/.test(content));
  // A resolved alert shows only its last words: the transcript keeps what it said first.
  expect(others, discord.transcript(undefined, { versions: true })).toEqual([]);
}, 120_000);

test('login revoked: one alert before the token expires, saying to log in again, and at most one more attempt', async () => {
  const posted = discord.channelMessages().length;
  const grants = fleet.oauthServer.grants;
  fleet.oauthServer.revokeAll();
  const current = fleet.read('pc-a')!;
  const alert = await waitUntil(() => discord.channelMessages().slice(posted).find((message) => /failed for good/.test(message.content ?? '')), 2 * LIFETIME_MS, 'the alert');
  const leadMs = current.expires - Date.now();
  console.log(`login revoked: alerted ${leadMs} ms before the token expires; ${fleet.oauthServer.grants - grants} more grant attempts`);
  expect(leadMs).toBeGreaterThan(0);
  expect(alert.content).toContain('renewal of anthropic:default on pc-a failed for good (invalid_grant)');
  expect(alert.content).toContain('`openclaw models auth login --provider anthropic`');
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect(fleet.oauthServer.grants - grants).toBe(1);
  expect(discord.channelMessages().slice(posted).filter((message) => /failed for good/.test(message.content ?? ''))).toHaveLength(1);
}, 60_000);
