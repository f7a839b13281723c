import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { waitUntil } from '../support/wait-until.js';
import { auditRecords as readAudit } from '../support/audit-records.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { startOAuthServer, type RotatingOAuthServer } from '../support/oauth-server.js';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { buildStateDir, newNodeKeyHex, oauth, storePath } from '../support/state-dir.js';

/*
 * Renewal end to end, on short token lifetimes: three real agents (pc-a the owner, t440 its
 * stand-in, hp a follower), the real bot on the local Discord, and a
 * token endpoint that enforces rotation (each refresh token single-use; a reuse revokes the
 * family). Each node's agent names its own client id, so the endpoint tells who asked.
 * The stores are watched every 50 ms: every copy, every moment.
 */

const EXPIRES_IN_S = 30; // the agent keeps half of so short a life: 15 s
const LIFETIME_MS = 15_000;
const NODES = ['pc-a', 't440', 'hp'] as const;
type NodeName = (typeof NODES)[number];

let oauthServer: RotatingOAuthServer;
let discord: DiscordStandin;
let bot: RunningBot;
/**
 * A gateway that is always ready: the test is about tokens. (The stand-in gateway keeps the
 * tokens it loaded at start, the incident in miniature, and would be "not ready" once the
 * first one it loaded expired, renewed or not.)
 */
let gateway: Server;
let gatewayUrl: string;
const nodes = {} as Record<NodeName, { stateDir: string; keyHex: string; agent: RunningAgent; env: Record<string, string> }>;

interface Seen {
  node: NodeName;
  atMs: number;
  access: string;
  expires: number;
}
const seen: Seen[] = [];
const expiredCopies: Seen[] = [];
let watching: NodeJS.Timeout | undefined;

function read(node: NodeName): { access: string; expires: number } | null {
  try {
    const doc = JSON.parse(readFileSync(storePath(nodes[node].stateDir, 'main'), 'utf8')) as { profiles: Record<string, { access: string; expires: number }> };
    return doc.profiles['anthropic:default'] ?? null;
  } catch {
    return null; // between a temp file and its rename
  }
}

/** Every 50 ms: each node's copy, a change noted, an expired copy noted. */
function watch(): void {
  watching = setInterval(() => {
    const now = Date.now();
    for (const node of NODES) {
      const copy = read(node);
      if (!copy) continue;
      const last = seen.findLast((entry) => entry.node === node);
      if (!last || last.access !== copy.access) seen.push({ node, atMs: now, ...copy });
      if (copy.expires <= now && !expiredCopies.some((entry) => entry.node === node && entry.access === copy.access)) expiredCopies.push({ node, atMs: now, ...copy });
    }
  }, 50);
}

const auditRecords = () => readAudit(bot.stateUrl, 500);

/** Owner's renewals as seen on disk, and how long each follower took to hold the same token. */
function propagation(since: number): { renewals: number; lagsMs: number[]; missing: string[] } {
  const owned = seen.filter((entry) => entry.atMs >= since && entry.node === 'pc-a');
  const lagsMs: number[] = [];
  const missing: string[] = [];
  for (const renewal of owned) {
    for (const follower of ['t440', 'hp'] as const) {
      const got = seen.find((entry) => entry.node === follower && entry.access === renewal.access);
      if (got) lagsMs.push(Math.max(0, got.atMs - renewal.atMs));
      else if (renewal !== owned.at(-1)) missing.push(`${follower} never held pc-a's token of ${new Date(renewal.atMs).toISOString()}`);
    }
  }
  return { renewals: owned.length, lagsMs, missing };
}

async function startNodeAgent(name: NodeName, port?: number): Promise<RunningAgent> {
  return startAgent(nodes[name].env, port ? { port } : {});
}

beforeAll(async () => {
  gateway = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}'));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
  oauthServer = await startOAuthServer();
  oauthServer.setLifetime(EXPIRES_IN_S);
  const now = Date.now();
  // One login, copied to every node (as a first sync would): a minute left (the fleet takes some
  // seconds to start), and a lifetime the bot does not know yet, so it renews at once.
  const token = oauth('anthropic', 60_000, {}, now);
  oauthServer.issue(token.refresh);
  for (const name of NODES) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': structuredClone(token) } } } });
    const providers = path.join(stateDir, 'providers.json');
    writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: `client-${name}` } }));
    const keyHex = newNodeKeyHex();
    const env = { TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_OAUTH_PROVIDERS: providers, TOKENOPS_GATEWAY_URL: gatewayUrl, TOKENOPS_POLL_EVERY: '1s' };
    nodes[name] = { stateDir, keyHex, env, agent: undefined as never };
    nodes[name].agent = await startNodeAgent(name);
  }
  watch();
  discord = await DiscordStandin.start();
  bot = await startBot(
    discord,
    {
      nodes: NODES.map((name) => ({ name, url: nodes[name].agent.url, keyEnv: `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}` })),
      owners: { 'anthropic:*': ['pc-a', 't440'] },
      renew: { before: '1/3', ownerDownFor: '3s', checkEvery: '1s' },
      alerts: { checkEvery: '2s', warnBefore: '7d', criticalBefore: '2s', repeatEvery: '4h' },
      sync: { every: '1h' },
    },
    Object.fromEntries(NODES.map((name) => [`TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`, nodes[name].keyHex])),
  );
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.RENEWAL_DEBUG) console.log(bot.output.filter((line) => /renew|sync/.test(line)).join('\n'));
  if (watching) clearInterval(watching);
  await killAllSpawned();
  gateway?.close();
  await discord?.close();
  await oauthServer?.stop();
});

test('normal operation over several lifetimes: only the owner asks, no token twice, no copy ever expires, followers within 2 s, nothing posted', async () => {
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3 * LIFETIME_MS));
  const { renewals, lagsMs, missing } = propagation(start);
  const sorted = [...lagsMs].sort((a, b) => a - b);
  console.log(`renewal, ${3 * LIFETIME_MS / 1000} s at a ${LIFETIME_MS / 1000} s lifetime: ${renewals} renewals by pc-a, ${oauthServer.grants} grants (${[...oauthServer.grantsByClient].map(([client, count]) => `${client} ${count}`).join(', ')}), ${oauthServer.reuses} reuses; followers held the new token after p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms; ${discord.channelMessages().length} channel messages`);
  expect(renewals).toBeGreaterThanOrEqual(3);
  // One renewal per lifetime (the first one, of a token of unknown lifetime, comes at once).
  expect(renewals).toBeLessThanOrEqual(5);
  expect([...oauthServer.grantsByClient.keys()]).toEqual(['client-pc-a']);
  expect(oauthServer.reuses).toBe(0);
  expect(new Set(oauthServer.presented).size).toBe(oauthServer.presented.length);
  expect(expiredCopies).toEqual([]);
  expect(missing).toEqual([]);
  expect(Math.max(...lagsMs)).toBeLessThan(2_000);
  expect(discord.channelMessages().map((message) => message.content)).toEqual([]);
}, 90_000);

test('owner down: the stand-in renews within ownerDownFor plus a check, nothing expires; the owner, back, is synced first and takes over again', async () => {
  // Right after a renewal: the stand-in has a whole lifetime to take over in.
  const before = propagation(0).renewals;
  await waitUntil(() => propagation(0).renewals > before, 2 * LIFETIME_MS, 'a renewal by pc-a');
  const port = nodes['pc-a'].agent.port;
  await nodes['pc-a'].agent.stop('SIGKILL');
  const downAt = Date.now();
  const standInGrants = () => oauthServer.grantsByClient.get('client-t440') ?? 0;
  await waitUntil(() => standInGrants() >= 2, 3 * LIFETIME_MS, 'two renewals by the stand-in t440');
  console.log(`owner down: t440 renewed twice in ${Date.now() - downAt} ms; pc-a comes back`);
  nodes['pc-a'].agent = await startNodeAgent('pc-a', port);
  const backAt = Date.now();
  const ownerGrants = oauthServer.grantsByClient.get('client-pc-a') ?? 0;
  await waitUntil(() => (oauthServer.grantsByClient.get('client-pc-a') ?? 0) > ownerGrants, 3 * LIFETIME_MS, 'pc-a renewing again');
  console.log(`owner back: pc-a renewed again ${Date.now() - backAt} ms after its return; ${oauthServer.reuses} reuses, ${expiredCopies.length} copies expired`);
  expect(oauthServer.reuses).toBe(0);
  // pc-a's own store ages while its agent is down (nothing can reach it); every other copy stays valid.
  const whileDown = (entry: Seen) => entry.node === 'pc-a' && entry.atMs >= downAt && entry.atMs <= backAt + 2_000;
  expect(expiredCopies.filter((entry) => !whileDown(entry))).toEqual([]);
  const handovers = (await auditRecords()).filter((record) => record.action === 'renewal owner').map((record) => record.detail);
  expect(handovers).toEqual([expect.stringMatching(/^renewal owner: t440 → pc-a/), expect.stringMatching(/^renewal owner: pc-a → t440 \(stand-in/)]);
  // The owner down is a person's business (node unreachable), said once; nothing about the tokens.
  const others = discord.channelMessages().map((message) => message.content ?? '').filter((content) => !/pc-a/.test(content));
  expect(others, others.join('\n---\n')).toEqual([]);
}, 120_000);

test('login revoked: one alert before the token expires, saying to log in again, and at most one more attempt', async () => {
  const posted = discord.channelMessages().length;
  const grants = oauthServer.grants;
  oauthServer.revokeAll();
  const current = read('pc-a')!;
  const alert = await waitUntil(() => discord.channelMessages().slice(posted).find((message) => /failed for good/.test(message.content ?? '')), 2 * LIFETIME_MS, 'the alert');
  const leadMs = current.expires - Date.now();
  console.log(`login revoked: alerted ${leadMs} ms before the token expires; ${oauthServer.grants - grants} more grant attempts`);
  expect(leadMs).toBeGreaterThan(0);
  expect(alert.content).toContain('renewal of anthropic:default on pc-a failed for good (invalid_grant)');
  expect(alert.content).toContain('`openclaw models auth login --provider anthropic`');
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect(oauthServer.grants - grants).toBe(1);
  expect(discord.channelMessages().slice(posted).filter((message) => /failed for good/.test(message.content ?? ''))).toHaveLength(1);
}, 60_000);
