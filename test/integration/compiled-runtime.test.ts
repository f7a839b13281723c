import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installedBin } from '../../src/runtime/entry-point.js';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot } from '../support/bot-process.js';
import { heavyLoaded, MODULE_TRACE_PRELOAD, readModuleTrace, type LoadedModules } from '../support/module-trace.js';
import { killAllSpawned, ROOT, startAgent, type RunningAgent } from '../support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * The installed bins run the compiled dist/ (rebuilt for the run by the global setup), never
 * tsx, and each loads only what it uses at start: the CLI and the agent never load
 * discord.js, ECharts, resvg, Redis clients or prom-client; the bot loads discord.js, and
 * prom-client only with metrics on.
 */

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'tokenops-compiled-'));
/** A bin as its first line starts it, under the module trace. */
const traced = (bin: string) => {
  const { file, execArgv } = installedBin(bin);
  return { file, execArgv: [...execArgv, '--require', MODULE_TRACE_PRELOAD] };
};

function run(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { file, execArgv } = traced(bin);
  const child = spawn(process.execPath, [...execArgv, file, ...args], { cwd: tmp(), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Our own files the trace saw (the tracer's left out). */
const ownFiles = (loaded: LoadedModules) => [...loaded.own].filter((file) => !file.startsWith('test/support/module-trace/'));

function expectCompiledOnly(trace: string): LoadedModules {
  const loaded = readModuleTrace(trace);
  const own = ownFiles(loaded);
  // The bin alone would not do: the program itself ran from dist/.
  expect(own.some((file) => file.startsWith('dist/src/') || file.startsWith('dist/bin/'))).toBe(true);
  expect(own.filter((file) => !file.startsWith('dist/') && !file.startsWith('bin/'))).toEqual([]);
  expect(loaded.packages.has('tsx')).toBe(false);
  return loaded;
}

afterAll(() => killAllSpawned());

describe('the CLI and the agent from dist/', () => {
  const agents: RunningAgent[] = [];
  let env: Record<string, string>;
  let agentTrace: string;

  beforeAll(async () => {
    env = {};
    const nodes = [];
    agentTrace = path.join(tmp(), 'agent.trace');
    for (const name of ['pc-a', 't440']) {
      const keyHex = newNodeKeyHex();
      const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', name === 'pc-a' ? 2 * DAY : 5 * HOUR) } } } });
      // The first through the bin, traced; the second as the tests start agents.
      const agent = await startAgent(
        { TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', ...(name === 'pc-a' ? { TOKENOPS_MODULE_TRACE: agentTrace } : {}) },
        name === 'pc-a' ? { launch: traced('tokenops-agent.js') } : {},
      );
      agents.push(agent);
      env[`TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`] = keyHex;
      nodes.push({ name, url: agent.url, keyEnv: `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}` });
    }
    const dir = tmp();
    writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ nodes, owners: { 'anthropic:*': 'pc-a' }, alerts: { warnBefore: '3h', criticalBefore: '1h' } }));
    env = { ...env, TOKENOPS_FLEET: path.join(dir, 'fleet.json'), TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}` };
  }, 60_000);

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
  });

  test('`tokenops status` answers from dist/ and loads no heavy package', async () => {
    const trace = path.join(tmp(), 'cli.trace');
    const status = await run('tokenops.js', ['status', '--json'], { ...env, TOKENOPS_MODULE_TRACE: trace });
    expect(status.stderr).toBe('');
    // 1: the gateways are not ready (nothing listens there); what matters is the answer.
    expect(status.code).toBe(1);
    expect((JSON.parse(status.stdout) as { nodes: Array<{ name: string }> }).nodes.map((node) => node.name)).toEqual(['pc-a', 't440']);
    const loaded = expectCompiledOnly(trace);
    expect(heavyLoaded(loaded.packages)).toEqual([]);
    // Its bundle: one file (and the chunks it imports), not the ~170 modules of src/.
    expect(ownFiles(loaded).filter((file) => file.startsWith('dist/src/'))).toEqual([]);
    expect(ownFiles(loaded)).toContain('dist/bin/tokenops.js');
  });

  test('the agent bin answers from its bundle, loads no heavy package, and stops on SIGTERM', async () => {
    const agent = agents[0]!;
    expect((await fetch(`${agent.url}/v1/health`)).status).toBe(200);
    await agent.stop();
    expect(agent.proc.exitCode).toBe(0);
    const loaded = expectCompiledOnly(agentTrace);
    expect(heavyLoaded(loaded.packages)).toEqual([]);
    expect(ownFiles(loaded).filter((file) => file.startsWith('dist/src/'))).toEqual([]);
    expect(ownFiles(loaded)).toContain('dist/bin/tokenops-agent.js');
  });

  test('no heavy package is bundled into the CLI or the agent, where a trace could not see it', () => {
    const bundled = JSON.parse(readFileSync(path.join(ROOT, 'dist/bin/bundled-packages.json'), 'utf8')) as Record<string, string[]>;
    expect(Object.keys(bundled)).toEqual(expect.arrayContaining(['tokenops.js', 'tokenops-agent.js']));
    expect(heavyLoaded(new Set(Object.values(bundled).flat()))).toEqual([]);
  });

  test('the stand-in openclaw bin runs from dist/', async () => {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: {} } } });
    const trace = path.join(tmp(), 'standin.trace');
    const set = await run('tokenops-standin-openclaw.js', ['config', 'set', 'agents.defaults.maxConcurrent', '8', '--state', stateDir], { TOKENOPS_MODULE_TRACE: trace });
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('Updated agents.defaults.maxConcurrent');
    expectCompiledOnly(trace);
  });
});

/** What the bot is for: discord.js and what it brings. */
const DISCORD = ['discord.js', '@discordjs/rest', '@discordjs/ws', 'undici'];

describe('the bot from dist/', () => {
  let discord: DiscordStandin;
  beforeAll(async () => {
    discord = await DiscordStandin.start({ log: () => undefined });
  });
  afterAll(async () => {
    await discord.close();
  });

  /** The bot bin over one node whose token expires in `expiresInMs`; `whileUp` runs before it is stopped. */
  async function botLoads(extraEnv: Record<string, string>, expiresInMs = 2 * DAY, whileUp: () => Promise<void> = async () => undefined) {
    const trace = path.join(tmp(), 'bot.trace');
    const keyHex = newNodeKeyHex();
    const agent = await startAgent({ TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expiresInMs) } } } }), TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' });
    const fleet = { nodes: [{ name: 'pc-a', url: agent.url, keyEnv: 'TOKENOPS_KEY_PC_A' }], alerts: { warnBefore: '3h', criticalBefore: '1h', checkEvery: '1h' } };
    const bot = await startBot(discord, fleet, { TOKENOPS_KEY_PC_A: keyHex, TOKENOPS_MODULE_TRACE: trace, ...extraEnv }, { launch: traced('tokenops-bot.js') });
    await whileUp();
    await bot.stop();
    await agent.stop();
    expect(bot.proc.exitCode).toBe(0);
    return expectCompiledOnly(trace);
  }

  test('connected and registered, it has loaded discord.js and nothing else heavy (no pictures, Redis or metrics yet)', async () => {
    const loaded = await botLoads({});
    expect(loaded.packages.has('discord.js')).toBe(true);
    expect(heavyLoaded(loaded.packages, DISCORD)).toEqual([]);
  });

  test('with TOKENOPS_METRICS=on it loads prom-client, and still no picture code', async () => {
    const loaded = await botLoads({ TOKENOPS_METRICS: 'on', TOKENOPS_METRICS_LISTEN: '127.0.0.1:0' });
    expect(heavyLoaded(loaded.packages, DISCORD)).toEqual(['prom-client']);
  });

  test('an expiry alert draws its picture from dist/: ECharts and resvg load then, in the drawing worker', async () => {
    const before = discord.channelMessages().length;
    const loaded = await botLoads({}, 2 * HOUR, async () => {
      await discord.waitFor(() => discord.channelMessages().slice(before).find((message) => /^🟡 \*\*pc-a\*\*/.test(message.content) && message.attachments.length > 0), 30_000, 'the alert with its picture');
    });
    expect(heavyLoaded(loaded.packages, DISCORD)).toEqual(['echarts', 'zrender', '@resvg/resvg-js']);
    // Drawn off the main thread: it never loads them.
    expect(heavyLoaded(loaded.mainThreadPackages, DISCORD)).toEqual([]);
  }, 60_000);
});
