import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedBin } from '../src/runtime/entry-point.js';
import { DiscordStandin } from '../src/standin/discord/index.js';
import { startBot } from '../test/support/bot-process.js';
import { killAllSpawned, startAgent, type RunningAgent } from '../test/support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../test/support/state-dir.js';

/*
 * Issue 18's footprint figures, of the installed bins (compiled dist/, as a user runs them):
 * `tokenops status` wall time over two nodes, an agent's start and memory, the bot's start
 * and memory over two idle nodes. Medians of RUNS; figures, not pass/fail.
 */

const RUNS = 7;
/** A bin as its first line starts it (with the V8 flags it carries). */
const BIN = installedBin;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

async function twoAgents(): Promise<{ agents: RunningAgent[]; env: Record<string, string>; nodes: Array<{ name: string; url: string; keyEnv: string }> }> {
  const agents: RunningAgent[] = [];
  const env: Record<string, string> = {};
  const nodes = [];
  for (const [name, expiresIn] of [['pc-a', 3 * DAY], ['t440', 5 * HOUR]] as const) {
    const keyHex = newNodeKeyHex();
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expiresIn) } } } });
    agents.push(await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOG_LEVEL: 'info' }, { launch: BIN('tokenops-agent.js') }));
    const keyEnv = `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`;
    env[keyEnv] = keyHex;
    nodes.push({ name, url: agents.at(-1)!.url, keyEnv });
  }
  return { agents, env, nodes };
}

export async function benchFootprint(): Promise<void> {
  const { agents, env, nodes } = await twoAgents();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-footprint-'));
  writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ nodes, owners: { 'anthropic:*': 'pc-a' } }));
  const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, TOKENOPS_FLEET: path.join(dir, 'fleet.json'), TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}` };

  const statusMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const status = spawnSync(process.execPath, [BIN('tokenops.js').file, 'status'], { cwd: dir, env: cliEnv, encoding: 'utf8' });
    statusMs.push(performance.now() - started);
    if (!/pc-a/.test(status.stdout)) throw new Error(`tokenops status: ${status.stderr}`);
  }

  // An agent from spawn to its first /v1/health answer.
  const startMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const agent = await startAgent({ TOKENOPS_NODE: 'probe', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles: {} } } }), TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOG_LEVEL: 'info' }, { launch: BIN('tokenops-agent.js') });
    while (!(await fetch(`${agent.url}/v1/health`).then((response) => response.ok, () => false)));
    startMs.push(performance.now() - started);
    await agent.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const agentIdle = median(agents.map((agent) => rssMiB(agent.proc.pid!)));

  const discord = await DiscordStandin.start({ log: () => undefined });
  const botStartMs: number[] = [];
  const botRss: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const bot = await startBot(discord, { nodes, owners: { 'anthropic:*': 'pc-a' } }, { ...env, TOKENOPS_LOG_LEVEL: 'info' }, { launch: BIN('tokenops-bot.js') });
    botStartMs.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    botRss.push(rssMiB(bot.proc.pid!));
    await bot.stop();
  }
  await discord.close();
  for (const agent of agents) await agent.stop();
  killAllSpawned();

  console.log('\nFootprint of the installed bins (compiled dist/; medians)');
  console.log('| figure | measured | target |');
  console.log('| --- | --- | --- |');
  console.log(`| \`tokenops status\`, 2 nodes, wall time of the bin (median of ${RUNS}) | ${(median(statusMs) / 1000).toFixed(2)} s | < 0.3 s |`);
  console.log(`| agent RSS idle | ${agentIdle.toFixed(0)} MiB | < 65 MiB |`);
  console.log(`| agent start → \`/v1/health\` (median of ${RUNS}) | ${(median(startMs) / 1000).toFixed(2)} s | < 0.3 s |`);
  console.log(`| bot RSS, 2 nodes idle (5 s after registering) | ${median(botRss).toFixed(0)} MiB | < 110 MiB |`);
  console.log(`| bot start → connected, commands registered | ${(median(botStartMs) / 1000).toFixed(2)} s | < 1.5 s |`);
  console.log('Agent RSS after the 5-minute soak, bot RSS after the 100-node load run and the 100-node alert time: `npm run bench load` (the same compiled bins).');
}
