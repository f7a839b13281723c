import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { startHostileNode, type HostileNode } from '../support/hostile-node.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { HOUR, buildStateDir, newNodeKeyHex, oauth, openclawJson5 } from '../support/state-dir.js';

/*
 * Issue 16, item 5, as the ops channel meets it: the real bot, its leader holding every
 * agent's event stream, the local Discord stand-in. t440's agent is real, but what answers
 * at its address sends, on /v1/events, bytes with no event boundary, as fast as the bot
 * reads them (its 200 and headers are not signed: anyone on the path can); `bloat` answers
 * /v1/status with 256 MiB. Before, the bot read both whole: /tokens status did not answer
 * within 20 s and the bot grew past 400 MiB. Now each is cut at its limit, named in status
 * with the reason, and not asked again for a while; the rest of the fleet answers as usual.
 */

const MiB = 1024 * 1024;
let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];
let flood: HostileNode;
let bloat: HostileNode;

/** The bot process's resident memory, from /proc. */
function botRss(): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${bot.proc.pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex(), bloat: newNodeKeyHex() };
  const state = (agentIds: string[]) => buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 8 * HOUR) } } }, openclawJson5: openclawJson5(agentIds, 4) });
  agents.push(await startAgent({ TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keys.pca, OPENCLAW_STATE_DIR: state(['main']) }));
  agents.push(await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keys.t440, OPENCLAW_STATE_DIR: state(['main']) }));
  flood = await startHostileNode({ upstream: agents[1]!.url, events: 'endless-frame', armed: false });
  bloat = await startHostileNode({ status: 'declared' });
  const fleet = {
    nodes: [
      { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
      { name: 't440', url: flood.url, keyEnv: 'TOKENOPS_KEY_T440' },
      { name: 'bloat', url: bloat.url, keyEnv: 'TOKENOPS_KEY_BLOAT' },
    ],
    owners: { 'anthropic:*': 'pc-a' },
    sync: { auto: false },
    renew: { auto: false },
  };
  discord = await DiscordStandin.start();
  bot = await startBot(discord, fleet, { TOKENOPS_KEY_PC_A: keys.pca, TOKENOPS_KEY_T440: keys.t440, TOKENOPS_KEY_BLOAT: keys.bloat });
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await flood?.close();
  await bloat?.close();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

test('a node flooding its event stream and one answering 256 MiB: /tokens status answers in time, the bot stays small, both named with the reason', async () => {
  // The leader holds t440's stream open; it is quiet until armed.
  await discord.waitFor(() => flood.connections.events > 0 || undefined, 10_000, "the bot to open t440's event stream");
  const rssBefore = botRss();
  let rssPeak = rssBefore;
  const latencies: number[] = [];
  let reply;
  flood.arm();
  const figures = () =>
    `bot under a hostile node: /tokens status answered in ${latencies.join(', ') || '(none)'} ms; bot memory ${(rssBefore / MiB).toFixed(0)} → ${(rssPeak / MiB).toFixed(0)} MiB at peak; ` +
    `the flood got ${(flood.sent.events / MiB).toFixed(1)} MiB into ${flood.connections.events} stream(s), bloat ${(bloat.sent.status / MiB).toFixed(1)} MiB into ${bloat.connections.status} answer(s)`;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, botRss())), 100);
  let afterFirst = { events: 0, status: 0 };
  try {
    for (let round = 0; round < 3; round++) {
      const asked = performance.now();
      reply = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((state) => state.embeds.length > 0, 20_000);
      latencies.push(Math.round(performance.now() - asked));
      if (round === 0) afterFirst = { ...flood.connections, status: bloat.connections.status };
      await sleep(300);
    }
  } finally {
    clearInterval(sampler);
    console.log(figures());
  }
  expect(Math.max(...latencies)).toBeLessThan(5_000);
  expect(rssPeak - rssBefore).toBeLessThan(100 * MiB);
  // Held, not retried: once cut off, neither is asked anything more (no stream reopened, no status asked).
  expect(flood.connections.events).toBe(1);
  expect(bloat.connections.status).toBeGreaterThan(0);
  expect({ events: flood.connections.events, status: bloat.connections.status }).toEqual({ events: afterFirst.events, status: afterFirst.status });

  const fields = reply!.embeds.flatMap((embed) => embed.fields ?? []);
  const field = (name: string) => fields.find((f) => f.name.includes(` ${name} `) || f.name.endsWith(` ${name}`));
  expect(field('t440')?.name).toMatch(/t440 · bad_response/);
  expect(field('t440')?.value).toMatch(/^sent an event frame over 64 KiB \(at \d\d:\d\d:\d\d UTC\); not asked again before \d\d:\d\d:\d\d UTC$/);
  expect(field('bloat')?.value).toMatch(/^sent an answer over 4 MiB \(at /);
  expect(field('pc-a')?.value).toMatch(/`anthropic:default` · expires <t:\d+:R>/);
  // The operator reading the bot's log at its default level sees the cut and why, once per cut.
  const cuts = bot.output.filter((line) => line.includes('event stream down; reconnecting') && line.includes('64 KiB'));
  expect(cuts.length).toBeGreaterThan(0);
  for (const line of cuts) expect(JSON.parse(line)).toMatchObject({ level: 40, node: 't440' });
  expect(bot.proc.exitCode).toBeNull();
});
