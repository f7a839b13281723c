import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AgentClient } from '../src/fleet/agent-client.js';
import { entryPoint } from '../src/runtime/entry-point.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../src/standin/discord/index.js';
import { fleetFor, startAgentFarm } from '../test/support/agent-farm.js';
import { startBot } from '../test/support/bot-process.js';
import { killAllSpawned, startAgent } from '../test/support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth, secret } from '../test/support/state-dir.js';

/*
 * Load (issue 9). 100 agents on loopback with 15 profiles each, behind the real bot on the
 * local Discord: `/tokens status`, a sync to all, and an alert cycle (every node's expiring
 * tokens raised, then resolved by that sync), with the bot's memory and CPU. Then one agent
 * process under 1,000 status calls a minute for LOAD_MINUTES (default 5): its memory over
 * time and the calls that failed. Figures, not pass/fail.
 *
 * Knobs: LOAD_NODES, LOAD_MINUTES (0 skips the soak), LOAD_SETTLE_S (idle before the second
 * RSS reading), LOAD_TRACE=1 (the bot's own timeline of its start and alert checks),
 * LOAD_PROFILE=<dir> (CPU profile and heap snapshot of the bot), LOAD_BOT_ENV and
 * LOAD_AGENT_ENV (JSON: extra environment for the bot and the soaked agent). A V8 setting
 * tried through NODE_OPTIONS loses to the one src/runtime/node-flags.ts puts on the command
 * line: change it there to compare.
 */

const NODES = Number(process.env.LOAD_NODES ?? 100);
const PROFILES = 15;
const SETTLE_S = Number(process.env.LOAD_SETTLE_S ?? 30);
const MINUTES = Number(process.env.LOAD_MINUTES ?? 5);
/**
 * `LOAD_PROFILE=<dir>`: the bot runs with `--cpu-prof` into that folder, and a heap snapshot
 * is written there after the run (read them with `npm run bench:heap -- <file>` or Chrome's
 * DevTools), to see where the bot's time and memory go at 100 nodes.
 */
const PROFILE_DIR = process.env.LOAD_PROFILE ? path.resolve(process.env.LOAD_PROFILE) : null;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface LoadFigures {
  nodes: number;
  statusMedianMs: number;
  syncAllMs: number;
  alertsPostedMs: number;
  alertsResolvedMs: number;
  botRssMiB: number;
  /** The same over the SETTLE_S seconds after: the median of a reading a second, and its range. */
  botSettledRssMiB: number;
  botSettledRangeMiB: [number, number];
  botCpuSeconds: number;
  /** What the agents add to this process: its RSS after starting them less before (they run in it). */
  agentsRssMiB: number;
  /** CPU this process (the agents, and the local Discord) spent on the sync to all and its checks. */
  agentsCpuSeconds: number;
}

async function fleetLoad(): Promise<LoadFigures> {
  const shared: Record<string, unknown> = {};
  for (let p = 0; p < PROFILES; p++) shared[`provider${p}:ops@example.com`] = oauth(`provider${p}`, 3 * HOUR);
  // One gateway that is always ready stands in for every node's, so the only alerts are the tokens'.
  const gateway = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}'));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  const rssBefore = rssMiB(process.pid);
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const farm = await startAgentFarm({ agents: NODES, profilesPerNode: 0, sharedProfiles: shared, prefix: 'n', gatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}` });
  // The source holds fresher copies of every account (as its owner would after a refresh).
  const source = farm.nodes[0]!;
  const storeFile = path.join(source.stateDir!, 'agents', 'main', 'agent', 'auth-profiles.json');
  const store = JSON.parse(readFileSync(storeFile, 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
  for (const profile of Object.values(store.profiles)) Object.assign(profile, { access: secret('load-access'), refresh: secret('load-refresh'), expires: Date.now() + 9 * DAY });
  writeFileSync(storeFile, JSON.stringify(store, null, 2), { mode: 0o600 });

  const discord = await DiscordStandin.start({ log: () => undefined });
  const { fleet, env } = fleetFor(farm.nodes, {
    owners: Object.fromEntries(Array.from({ length: PROFILES }, (_, p) => [`provider${p}:*`, source.name])),
    alerts: { checkEvery: '5s', warnBefore: '24h', criticalBefore: '1h', repeatEvery: '4h' },
    sync: { auto: false },
  });
  const started = performance.now();
  const compiled = entryPoint('src/bot/main.ts');
  const launch = PROFILE_DIR ? { launch: { ...compiled, execArgv: [...compiled.execArgv, '--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${PROFILE_DIR}`] } } : {};
  const bot = await startBot(discord, fleet, { ...env, TOKENOPS_LOG_LEVEL: 'info', ...(process.env.LOAD_BOT_ENV ? JSON.parse(process.env.LOAD_BOT_ENV) : {}) }, launch);
  try {
    await discord.waitForReady(30_000);
    // Every expiring node alerted: by a message of its own, or, since a condition on more than a
    // few nodes is one fleet-wide message, by one per account naming all of them.
    const ownAlerts = () => discord.channelMessages().filter((message) => /^(🟡|🔴) \*\*n-\d+\*\*/.test(message.content)).length;
    const fleetWide = () => new Set(discord.channelMessages().flatMap((message) => new RegExp(`^(?:🟡|🔴) \\*\\*${NODES - 1} nodes\\*\\*: token expiring of \`(provider\\d+)`).exec(message.content)?.slice(1) ?? [])).size;
    await discord.waitFor(() => (ownAlerts() >= NODES - 1 || fleetWide() === PROFILES ? true : undefined), 120_000, 'every expiring node alerted');
    const alertsPostedMs = performance.now() - started;
    const alertedAt = Date.now();

    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const at = performance.now();
      await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 60_000);
      times.push(performance.now() - at);
    }
    const cpuBefore = cpuSeconds(bot.proc.pid!);
    const ownCpuBefore = cpuSeconds(process.pid);
    const syncAt = performance.now();
    await discord.slash('tokens', { subcommand: 'sync', options: { from: source.name, to: 'all' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0 || s.content.startsWith('❗'), 300_000);
    const syncAllMs = performance.now() - syncAt;
    const before = discord.channelMessages().length;
    const resolved = () => discord.channelMessages().slice(before).filter((message) => /^✅ \*\*(n-\d+\*\*: all alerts resolved\.|fleet-wide\*\*: .* resolved on every node\.)/.test(message.content)).length;
    await discord.waitFor(() => (resolved() >= (ownAlerts() >= NODES - 1 ? NODES - 1 : PROFILES) ? true : undefined), 120_000, 'every alert resolved');
    const alertsResolvedMs = performance.now() - syncAt;
    const botRssMiB = rssMiB(bot.proc.pid!);
    // And over the next SETTLE_S seconds, once a second: with no command running, only the
    // alert check every 5 s (it asks all 100 nodes) allocates; the median is the bot's
    // resting size, the range how far its garbage swings between collections.
    const settled: number[] = [];
    for (let second = 0; second < SETTLE_S; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      settled.push(rssMiB(bot.proc.pid!));
    }
    const botSettledRssMiB = settled.length > 0 ? median(settled) : botRssMiB;
    const botSettledRangeMiB: [number, number] = settled.length > 0 ? [Math.min(...settled), Math.max(...settled)] : [botRssMiB, botRssMiB];
    // LOAD_TRACE=1: the bot's own account of its start and its alert checks, on the bench's clock.
    if (process.env.LOAD_TRACE) {
      const origin = performance.timeOrigin + started;
      console.log(`bot spawned at 0 ms; every expiring node alerted at ${(alertedAt - origin).toFixed(0)} ms`);
      for (const line of bot.output.filter((entry) => /"msg":"(bot starting|bot ready|guild commands registered|jobs started|alert check)"/.test(entry))) {
        const { time, msg, ...rest } = JSON.parse(line) as { time: string; msg: string; level?: number; pid?: number; name?: string };
        delete rest.level, delete rest.pid, delete rest.name;
        console.log(`${(Date.parse(time) - origin).toFixed(0).padStart(6)} ms ${msg} ${JSON.stringify(rest)}`);
      }
    }
    if (PROFILE_DIR) console.log(`heap snapshot: ${await heapSnapshot(bot.proc.pid!, PROFILE_DIR)}`);
    return {
      nodes: NODES,
      statusMedianMs: median(times),
      syncAllMs,
      alertsPostedMs,
      alertsResolvedMs,
      botRssMiB,
      botSettledRssMiB,
      botSettledRangeMiB,
      botCpuSeconds: cpuSeconds(bot.proc.pid!) - cpuBefore,
      agentsRssMiB: rssMiB(process.pid) - rssBefore,
      agentsCpuSeconds: cpuSeconds(process.pid) - ownCpuBefore,
    };
  } catch (error) {
    // What the bot said about it, for whoever runs the bench.
    console.error(bot.output.filter((line) => /"level":(40|50|60)/.test(line)).slice(-10).join('\n'));
    throw error;
  } finally {
    await bot.stop();
    await discord.close();
    await farm.close();
    gateway.close();
  }
}

/** Asks the bot for a heap snapshot (`--heapsnapshot-signal`) and waits until it is written whole. */
async function heapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let last = -1;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    // Written in one go by the process; done once its size holds still and it ends its JSON.
    const size = statSync(path.join(dir, file)).size;
    if (size === last && size > 0) return path.join(dir, file);
    last = size;
  }
  throw new Error(`no heap snapshot from the bot in ${dir} within 2 minutes`);
}

export interface SoakFigures {
  minutes: number;
  calls: number;
  failed: number;
  rssMiB: number[];
  p50Ms: number;
  p99Ms: number;
}

async function agentSoak(): Promise<SoakFigures> {
  const profiles: Record<string, unknown> = {};
  for (let p = 0; p < PROFILES; p++) profiles[`provider${p}:ops@example.com`] = oauth(`provider${p}`, (8 + p) * HOUR);
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 'soak', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles } } }), TOKENOPS_LOG_LEVEL: 'info', ...(process.env.LOAD_AGENT_ENV ? JSON.parse(process.env.LOAD_AGENT_ENV) : {}) });
  const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 5000 });
  const rss = [rssMiB(agent.proc.pid!)];
  const latencies: number[] = [];
  let failed = 0;
  try {
    // 1,000 a minute: one every 60 ms, each awaited so that a slow answer shows as latency.
    const end = Date.now() + MINUTES * 60_000;
    let nextMinute = Date.now() + 60_000;
    while (Date.now() < end) {
      const at = performance.now();
      await client.request('GET', '/v1/status').catch(() => void failed++);
      const took = performance.now() - at;
      latencies.push(took);
      if (Date.now() >= nextMinute) {
        rss.push(rssMiB(agent.proc.pid!));
        nextMinute += 60_000;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60 - took)));
    }
    rss.push(rssMiB(agent.proc.pid!));
  } finally {
    await agent.stop();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return { minutes: MINUTES, calls: latencies.length, failed, rssMiB: rss, p50Ms: sorted[Math.floor(sorted.length * 0.5)]!, p99Ms: sorted[Math.floor(sorted.length * 0.99)]! };
}

export async function benchLoad(): Promise<{ fleet: LoadFigures; soak: SoakFigures | null }> {
  const fleet = await fleetLoad();
  console.log(`\nLoad: ${fleet.nodes} agents × ${PROFILES} profiles on loopback, through the real bot and the local Discord`);
  console.log('| measure | value |');
  console.log('| --- | --- |');
  console.log(`| \`/tokens status\` (median of 5) | ${fleet.statusMedianMs.toFixed(0)} ms |`);
  console.log(`| \`/tokens sync\` to all ${fleet.nodes - 1} (${PROFILES} profiles each) | ${(fleet.syncAllMs / 1000).toFixed(1)} s |`);
  console.log(`| alert cycle: bot start → every expiring node alerted (its own message or a fleet-wide one) | ${(fleet.alertsPostedMs / 1000).toFixed(1)} s |`);
  console.log(`| alert cycle: sync → every alert resolved | ${(fleet.alertsResolvedMs / 1000).toFixed(1)} s |`);
  console.log(`| bot RSS after all that | ${fleet.botRssMiB.toFixed(0)} MiB; over the next ${SETTLE_S} s (no commands, the 5 s alert check running) median ${fleet.botSettledRssMiB.toFixed(0)} MiB, ${fleet.botSettledRangeMiB.map((value) => value.toFixed(0)).join('–')} |`);
  console.log(`| bot CPU for the sync to all and the resolving checks | ${fleet.botCpuSeconds.toFixed(1)} s |`);
  console.log(`| the ${fleet.nodes} agents (one process): RSS they add | ${fleet.agentsRssMiB.toFixed(0)} MiB (${((fleet.agentsRssMiB * 1024) / fleet.nodes).toFixed(0)} KiB each) |`);
  console.log(`| the agents' CPU (with the local Discord) for the same | ${fleet.agentsCpuSeconds.toFixed(1)} s |`);
  killAllSpawned();
  if (MINUTES === 0) return { fleet, soak: null };
  const soak = await agentSoak();
  console.log(`\nOne agent (${PROFILES} profiles), 1,000 status calls a minute for ${soak.minutes} min`);
  console.log(`| calls | failed | p50 | p99 | RSS each minute (MiB) |`);
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| ${soak.calls} | ${soak.failed} | ${soak.p50Ms.toFixed(1)} ms | ${soak.p99Ms.toFixed(1)} ms | ${soak.rssMiB.map((value) => value.toFixed(0)).join(' → ')} |`);
  killAllSpawned();
  return { fleet, soak };
}
