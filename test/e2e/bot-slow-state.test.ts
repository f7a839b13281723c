import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalFleet } from '../../src/demo/local-fleet.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin, type InteractionHandle } from '../../src/standin/discord/index.js';
import { auditRecords } from '../support/audit-records.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { killAllSpawned, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';
import { slowTcpProxy } from '../support/slow-tcp-proxy.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * The bot's state on a Redis that answers every command a second late (a real redis-server
 * behind a proxy that holds each answer 1 s). Discord refuses an interaction acknowledged
 * more than 3 s after it was sent; every command, refused ones included, must still be
 * acknowledged in time: acknowledge first, write the audit record after.
 */

const hasRedis = redisAvailable();
const DELAY_MS = 1_000;

let redis: RedisServer;
let proxy: Awaited<ReturnType<typeof slowTcpProxy>>;
let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];
const gateways: StandInGateway[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  proxy = await slowTcpProxy(redis.port, DELAY_MS);
  const pca = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 30 * HOUR) } } } });
  const t440 = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 20 * HOUR) } } } });
  const local = await startLocalFleet({ 'pc-a': pca, t440 }, { newKey: newNodeKeyHex, gatewayReadyDelayMs: 50 });
  for (const node of Object.values(local.nodes)) {
    gateways.push(node.gateway);
    agents.push(node.agent);
  }
  discord = await DiscordStandin.start({ log: () => undefined });
  const slowUrl = redis.url.replace(`:${redis.port}`, `:${proxy.port}`);
  bot = await startBot(discord, { nodes: local.fleetNodes, owners: { 'anthropic:*': 'pc-a' }, sync: { auto: false } }, local.keys, { stateUrl: slowUrl });
  await discord.waitForReady(30_000);
}, 120_000);

afterAll(async () => {
  if (!hasRedis) return;
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  for (const gateway of gateways) await gateway.stop();
  await discord?.close();
  await proxy?.close();
  await redis?.stop();
  killAllSpawned();
});

test.skipIf(!hasRedis)('with Redis answering 1 s late, every command is acknowledged within Discord\'s 3 s, and then answered', async () => {
  const ops = DEFAULT_OPS_MEMBER.id;
  const plain = DEFAULT_PLAIN_MEMBER.id;
  const commands: Array<[string, () => InteractionHandle]> = [
    ['/tokens status', () => discord.slash('tokens', { subcommand: 'status', member: plain })],
    ['/tokens sync (dry run)', () => discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440', dry_run: true }, member: ops })],
    ['/tokens sync by a member without the ops role (refused)', () => discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: plain })],
    ['/restart t440 (a plan)', () => discord.slash('restart', { options: { node: 't440' }, member: ops })],
    ['/restart by a member without the ops role (refused)', () => discord.slash('restart', { options: { node: 't440' }, member: plain })],
    ['/capacity t440', () => discord.slash('capacity', { options: { node: 't440' }, member: plain })],
    ['/alerts list', () => discord.slash('alerts', { subcommand: 'list', member: plain })],
    ['/alerts silence', () => discord.slash('alerts', { subcommand: 'silence', options: { target: 't440', duration: '1h' }, member: ops })],
    ['/audit', () => discord.slash('audit', { member: ops })],
  ];
  const latencies: string[] = [];
  for (const [label, run] of commands) {
    const handle = run();
    const callback = await handle.waitForCallback(6_000);
    latencies.push(`${label}: ${callback.latencyMs} ms`);
    expect({ label, status: callback.status, refusals: handle.refusals }).toEqual({ label, status: expect.any(Number), refusals: [] });
    expect(callback.status, `${label}: acknowledged ${callback.latencyMs} ms after it was sent`).toBeLessThan(300);
    // And then answered for real (an edit of the deferred reply, or the reply itself).
    await handle.waitForReply((state) => !/^❗ .* failed \(reference/.test(state.content) && (state.content.length > 0 || state.embeds.length > 0), 30_000);
  }
  // A refusal is audited after the member has their answer, not before: the write is the slow part.
  const records = await auditRecords(bot.stateUrl);
  for (const label of ['/tokens sync', '/restart']) {
    const refusal = records.find((record) => record.outcome === 'refused' && record.action.startsWith(label));
    const handle = discord.interactions.find((candidate) => candidate.invocation.startsWith(label) && candidate.callbacks[0]?.type === 4);
    expect(refusal, `${label}: a refusal audited`).toBeDefined();
    expect(Date.parse(refusal!.at), `${label}: audited at ${refusal!.at}, answered at ${new Date(handle!.callbacks[0]!.at).toISOString()}`).toBeGreaterThanOrEqual(handle!.callbacks[0]!.at);
  }
  const choices = await discord.autocomplete('restart', { focused: 'node', value: '', member: ops }, 3_000);
  expect(choices.map((choice) => choice.value)).toEqual(expect.arrayContaining(['pc-a', 't440']));
  console.log(`Redis ${DELAY_MS} ms late per call; acknowledged after:\n  ${latencies.join('\n  ')}`);
}, 180_000);
