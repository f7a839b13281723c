import { AgentClient } from '../src/fleet/agent-client.js';
import { startBot } from '../test/support/bot-process.js';
import { DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../src/standin/discord/index.js';
import { fleetFor, startAgentFarm, type FarmNode } from '../test/support/agent-farm.js';
import { killAllSpawned } from '../test/support/processes.js';
import { delayingProxy } from './delaying-proxy.js';

/*
 * `/tokens status` over 50 agents on loopback, through the real bot and the local Discord:
 * from the command to the complete reply. Then with 5 of the 50 not answering (they accept
 * the connection and hang), which the per-node timeout (3 s) must bound. Each is compared
 * with asking the same nodes one after another.
 */

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function sequential(nodes: readonly FarmNode[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (const node of nodes) {
    await new AgentClient({ baseUrl: node.url, key: Buffer.from(node.keyHex, 'hex'), timeoutMs })
      .request('GET', '/v1/status')
      .catch(() => undefined);
  }
  return performance.now() - started;
}

async function measure(label: string, agents: number, hung: number, latencyMs = 0): Promise<{ label: string; median: number; worst: number; sequential: number }> {
  const farm = await startAgentFarm({ agents: agents - hung, blackHoles: hung, profilesPerNode: 3, prefix: 'n' });
  const proxies = latencyMs > 0 ? await Promise.all(farm.nodes.map((node) => delayingProxy(node.url, latencyMs))) : [];
  const nodes = latencyMs > 0 ? farm.nodes.map((node, index) => ({ ...node, url: proxies[index]!.url })) : farm.nodes;
  const discord = await DiscordStandin.start();
  const { fleet, env } = fleetFor(nodes);
  const bot = await startBot(discord, fleet, env);
  await discord.waitForReady();
  try {
    // One warm-up: the first call pays for connection set-up and module loading.
    await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 20_000);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 20_000);
      times.push(performance.now() - started);
    }
    const oneByOne = await sequential(nodes, 3000);
    return { label, median: median(times), worst: Math.max(...times), sequential: oneByOne };
  } finally {
    await bot.stop();
    await discord.close();
    await farm.close();
    for (const proxy of proxies) proxy.server.close();
  }
}

export async function benchStatus(): Promise<void> {
  const rows = [await measure('50 agents, all answering', 50, 0), await measure('50 agents, 5 not answering', 50, 5), await measure('50 agents, 40 ms round trip each', 50, 0, 40)];
  console.log('\n/tokens status over 50 agents on loopback (command → complete reply, median of 5)');
  console.log('The round trip is injected by a delaying proxy in front of each agent (bench/delaying-proxy.ts): it holds each request 40 ms.');
  console.log('| case | median | worst | one after another | ratio | target |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const targets = ['< 1000 ms', '≤ 3300 ms (timeout 3 s + 0.3 s)', '< 300 ms, ≥ 10× one after another'];
  rows.forEach((row, index) => {
    console.log(`| ${row.label} | ${row.median.toFixed(0)} ms | ${row.worst.toFixed(0)} ms | ${row.sequential.toFixed(0)} ms | ${(row.sequential / row.median).toFixed(1)}× | ${targets[index]} |`);
  });
  killAllSpawned();
}
