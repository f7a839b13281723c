import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { runCli } from '../support/cli-process.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';
import { startRestartFleet, type RestartFleet } from '../support/restart-fleet.js';
import { findSecrets } from '../support/secret-scan.js';

/*
 * A node with a restart plan waiting for its ✅ is busy for everyone (issue 15.3): two bot
 * replicas on one Redis and the CLI pointed at the same state. Every other mutation of t440,
 * whichever replica answers it, and the CLI's, is refused naming the holder; the ✅ then
 * restarts t440 exactly once.
 */

const hasRedis = redisAvailable();
let redis: RedisServer;
let discord: DiscordStandin;
let fleetOnLoopback: RestartFleet;
let cliEnv: Record<string, string>;
const bots: RunningBot[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  fleetOnLoopback = await startRestartFleet();
  const fleet = { nodes: fleetOnLoopback.local.fleetNodes, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' }, renew: { auto: false }, sync: { auto: false } };
  discord = await DiscordStandin.start({ multipleSessions: true });
  const env = { ...fleetOnLoopback.local.keys, CONFIRM_TIMEOUT: '60s', TOKENOPS_LEADER_LEASE: '3s', TOKENOPS_HEARTBEAT: '1s' };
  for (let index = 0; index < 2; index++) bots.push(await startBot(discord, fleet, env, { stateUrl: redis.url, dir: mkdtempSync(path.join(os.tmpdir(), `tokenops-locks-replica-${index}-`)) }));
  await discord.waitFor(() => discord.connectedSessions === 2 || undefined, 10_000, 'both replicas connected to the gateway');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-locks-cli-'));
  const fleetFile = path.join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(fleet));
  cliEnv = { ...fleetOnLoopback.local.keys, TOKENOPS_FLEET: fleetFile, TOKENOPS_STATE: redis.url };
}, 90_000);

afterAll(async () => {
  if (!hasRedis) return;
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  for (const bot of bots) await bot.stop();
  await fleetOnLoopback?.local.stop();
  await discord?.close();
  await redis?.stop();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

/** Which replica answered an interaction (the other logs that it stood back). */
function answeredBy(interactionId: string): number {
  const stoodBack = (bot: RunningBot) => bot.output.some((line) => line.includes(`"interaction":"${interactionId}"`) && line.includes('answered by another replica'));
  return bots.findIndex((bot) => !stoodBack(bot));
}

test.skipIf(!hasRedis)('a plan waiting for its ✅ holds t440 for both replicas and the CLI; the ✅ restarts it once', async () => {
  const pid = fleetOnLoopback.gateway('t440').pid();
  const plan = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
  const offered = await plan.waitForReply((s) => /React ✅|❗/.test(s.content), 20_000);
  expect(offered.content).toMatch(/React ✅/);
  const busy = /t440 is busy: restart \(ops-alice's plan\) by ops-alice, started <t:\d+:R>/;

  // A second /restart t440, a sync into it and a capacity change, several times so that both replicas answer some.
  const answerers = new Set<number>();
  for (let round = 0; round < 3; round++) {
    const again = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    expect((await again.waitForReply((s) => s.content.length > 0, 20_000)).content).toMatch(busy);
    answerers.add(answeredBy(again.id));
    const sync = discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    const synced = await sync.waitForReply((s) => s.content.length > 0 || s.embeds.length > 0, 20_000);
    expect(JSON.stringify([synced.content, synced.embeds])).toMatch(/busy/);
    answerers.add(answeredBy(sync.id));
    const capacity = discord.slash('capacity', { options: { node: 't440', max_concurrent: 12 }, member: DEFAULT_OPS_MEMBER.id });
    expect((await capacity.waitForReply((s) => s.content.length > 0, 20_000)).content).toMatch(busy);
    answerers.add(answeredBy(capacity.id));
  }
  console.log(`pending plan on t440: 9 other mutations refused, answered by replicas ${[...answerers].sort().join(' and ')}`);

  // The CLI, on the same state: refused too, naming the holder.
  const cliRestart = await runCli(['restart', 't440', '--yes', '--force-noninteractive'], cliEnv);
  expect(cliRestart.code).not.toBe(0);
  expect(cliRestart.stderr + cliRestart.stdout).toMatch(/t440 is busy: restart \(ops-alice's plan\) by ops-alice/);
  const cliSync = await runCli(['sync', 'pc-a', 't440'], cliEnv);
  expect(cliSync.stderr + cliSync.stdout).toMatch(/busy/);
  expect(fleetOnLoopback.gateway('t440').pid()).toBe(pid);

  // The ✅: t440 restarted, once.
  discord.react(offered.original!.id, '✅', DEFAULT_OPS_MEMBER.id);
  const done = await plan.waitForReply((s) => /^(✅ (?!Confirmed).*ready\. Confirmed|❌)/.test(s.content), 60_000);
  expect(done.content).toBe('✅ t440 ready. Confirmed by ops-alice.');
  const restarted = fleetOnLoopback.gateway('t440').pid();
  expect(restarted).not.toBe(pid);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(fleetOnLoopback.gateway('t440').pid()).toBe(restarted);

  // Free again for everyone: the CLI now syncs.
  const after = await runCli(['sync', 'pc-a', 't440'], cliEnv);
  expect(after.stderr + after.stdout).not.toMatch(/busy/);
}, 180_000);
