import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { fleetFor, startAgentFarm, type AgentFarm } from '../support/agent-farm.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { HOUR, oauth } from '../support/state-dir.js';

/*
 * A hundred nodes alerting at once, on a local Discord that rate-limits as Discord does
 * (5 messages per 5 s in a channel): every alert reaches the channel, no request fails,
 * the critical ones go out first, and the cost (messages, seconds, 429s answered) is
 * printed. Four accounts shared by every node expire (each one fleet-wide message), two
 * within the hour, two within the day; eight nodes also hold an account of their own that
 * expires (a message each), four within the hour, four within the day.
 */

const NODES = 100;
const SHARED = 4;
const OWN = 8;

let farm: AgentFarm | undefined;
let gateway: Server | undefined;
let discord: DiscordStandin | undefined;
let bot: RunningBot | undefined;

afterAll(async () => {
  await bot?.stop();
  await discord?.close();
  await farm?.close();
  gateway?.close();
});

test(`${NODES} nodes alerting at once: every alert reaches the channel through Discord's rate limits, no request failed`, async () => {
  const shared: Record<string, unknown> = {};
  // Even accounts critical (under criticalBefore), odd ones a warning.
  const expiresIn = (index: number) => (index % 2 === 0 ? 30 * 60_000 : 3 * HOUR);
  for (let p = 0; p < SHARED; p++) shared[`shared${p}:ops@example.com`] = oauth(`shared${p}`, expiresIn(p));
  // One gateway, always ready, stands in for every node's: the only alerts are the tokens'.
  gateway = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}'));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  farm = await startAgentFarm({ agents: NODES, profilesPerNode: 0, sharedProfiles: shared, prefix: 'n', gatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}` });
  const withOwn = farm.nodes.slice(0, OWN);
  for (const [index, node] of withOwn.entries()) {
    const file = path.join(node.stateDir!, 'agents', 'main', 'agent', 'auth-profiles.json');
    const store = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, unknown> };
    store.profiles[`own:${node.name}`] = oauth('own', expiresIn(index));
    writeFileSync(file, JSON.stringify(store, null, 2), { mode: 0o600 });
  }

  discord = await DiscordStandin.start({ log: () => undefined });
  const { fleet, env } = fleetFor(farm.nodes, {
    alerts: { checkEvery: '1h', warnBefore: '24h', criticalBefore: '1h', repeatEvery: '4h' },
    sync: { auto: false },
    renew: { auto: false },
  });
  const started = Date.now();
  bot = await startBot(discord, fleet, env);
  await discord.waitForReady(30_000);

  const fleetWide = () => discord!.channelMessages().filter((message) => new RegExp(`^(🟡|🔴) \\*\\*${NODES} nodes\\*\\*: token expiring of \`shared\\d:`).test(message.content));
  const own = () => discord!.channelMessages().filter((message) => /^(🟡|🔴) \*\*n-\d+\*\*/.test(message.content));
  await discord.waitFor(() => (fleetWide().length >= SHARED && own().length >= OWN ? true : undefined), 120_000, `${SHARED} fleet-wide alerts and ${OWN} of nodes`);
  const tookS = (Date.now() - started) / 1000;

  expect(new Set(fleetWide().map((message) => /`(shared\d):/.exec(message.content)?.[1])).size).toBe(SHARED);
  expect(own().map((message) => /\*\*(n-\d+)\*\*/.exec(message.content)?.[1]).sort()).toEqual(withOwn.map((node) => node.name).sort());
  // Let late pictures land, then: nothing Discord refused, nothing the bot gave up on.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const requests = discord.requests.filter((request) => request.at >= started);
  const failed = requests.filter((request) => request.status >= 400 && request.status !== 429);
  expect(failed.map((request) => `${request.method} ${request.path} → ${request.status}`)).toEqual([]);
  const rateLimited = requests.filter((request) => request.status === 429);
  const sent = requests.filter((request) => request.method === 'POST' && request.path === `/v10/channels/${discord!.opsChannelId}/messages` && request.status === 200).length;
  const messages = discord.channelMessages().length;
  console.log(`${NODES} nodes alerting at once: ${messages} messages in #ops (${sent} sent, ${requests.length} requests, ${rateLimited.length} answered 429 and retried by discord.js) ${tookS.toFixed(1)} s after the bot started`);
  expect(messages).toBe(SHARED + OWN);
  // Each waits its turn in the channel's bucket: the critical ones (🔴) all went out before any warning.
  const order = discord.channelMessages().map((message) => (message.content.startsWith('🔴') ? 'critical' : 'warning'));
  expect(order).toEqual([...Array(SHARED / 2 + OWN / 2).fill('critical'), ...Array(SHARED / 2 + OWN / 2).fill('warning')]);
  expect(bot.output.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
}, 180_000);
