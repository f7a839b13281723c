import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installedBin } from '../../src/runtime/entry-point.js';
import { DEFAULT_APPLICATION_ID, DEFAULT_GUILD_ID, DEFAULT_OPS_CHANNEL_ID, DEFAULT_OPS_MEMBER, DEFAULT_OPS_ROLE_ID, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, TEST_BOT_TOKEN, type RunningBot } from '../support/bot-process.js';
import { freePort, killAllSpawned, ROOT, spawnNode, startAgent, type RunningAgent, type Spawned } from '../support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * SIGTERM or SIGINT at any moment stops the bot and the agent (the installed bins, from
 * dist/) within 5 s, by their own handlers (exit code 0, not killed by the signal), leaving
 * no process behind: while starting, mid alert check, mid sync, mid picture, with the agents
 * dying at the same moment, and with the log pipe stalled (its reader alive but no longer
 * reading: before the fix, the first log line that did not fit blocked the process for good
 * and every later signal was ignored) or closed. Each case runs in a loop, alternating the
 * two signals.
 */

const ROUNDS = Number(process.env.SIGNAL_ROUNDS ?? 2);
const STOP_WITHIN_MS = 5_000;
const BOT_BIN = installedBin('tokenops-bot.js');
const AGENT_BIN = installedBin('tokenops-agent.js');

let discord: DiscordStandin;
beforeAll(async () => {
  discord = await DiscordStandin.start({ log: () => undefined });
});
afterAll(async () => {
  killAllSpawned();
  await discord.close();
});

interface Fleet {
  agents: RunningAgent[];
  fleet: Record<string, unknown>;
  env: Record<string, string>;
}

/** Three nodes; t440's token expires within the hour, so alert checks and pictures have work. */
async function smallFleet(): Promise<Fleet> {
  const agents: RunningAgent[] = [];
  const env: Record<string, string> = {};
  const nodes = [];
  for (const [name, expiresIn] of [['pc-a', 3 * DAY], ['t440', HOUR / 2], ['t441', 2 * HOUR]] as const) {
    const keyHex = newNodeKeyHex();
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expiresIn) } } } });
    agents.push(await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' }, { launch: AGENT_BIN }));
    const keyEnv = `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`;
    env[keyEnv] = keyHex;
    nodes.push({ name, url: agents.at(-1)!.url, keyEnv });
  }
  return { agents, env, fleet: { nodes, owners: { 'anthropic:*': 'pc-a' }, alerts: { checkEvery: '2s', warnBefore: '3h', criticalBefore: '1h' }, renew: { auto: false } } };
}

/** Every process below `pid` (children, their children), from /proc. */
function descendants(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const task of tasks) {
    const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (listed) children.push(...listed.split(/\s+/).map(Number));
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

interface Stopped {
  tookMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Sends the signal; the process and everything it started must be gone within STOP_WITHIN_MS. */
async function stop(child: Spawned, signal: NodeJS.Signals): Promise<Stopped> {
  const below = descendants(child.proc.pid!);
  const at = performance.now();
  child.proc.kill(signal);
  const exited = await Promise.race([child.exited.then(() => true), sleep(STOP_WITHIN_MS + 2_000).then(() => false)]);
  const tookMs = performance.now() - at;
  if (!exited) child.proc.kill('SIGKILL');
  expect(exited, `still running ${STOP_WITHIN_MS + 2_000} ms after ${signal}`).toBe(true);
  expect(below.filter((pid) => !gone(pid)), 'processes left behind').toEqual([]);
  expect(tookMs).toBeLessThan(STOP_WITHIN_MS);
  return { tookMs, code: child.proc.exitCode, signal: child.proc.signalCode };
}

/** Stopped by its own handler: exit code 0 (a forced stop exits 1; no handler would die of the signal). */
async function stopsCleanly(child: Spawned, signal: NodeJS.Signals): Promise<void> {
  const stopped = await stop(child, signal);
  expect([stopped.code, stopped.signal]).toEqual([0, null]);
}

const signalOf = (round: number): NodeJS.Signals => (round % 2 === 0 ? 'SIGTERM' : 'SIGINT');

/** ROUNDS bots over `setup`, each stopped (alternating the signals) once `during` has set the scene. */
async function botRounds(setup: Fleet, during: (bot: RunningBot, round: number) => Promise<void>, rounds = ROUNDS): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const bot = await startBot(discord, setup.fleet, { ...setup.env, TOKENOPS_LOG_LEVEL: 'debug' }, { launch: BOT_BIN });
    await during(bot, round);
    await stopsCleanly(bot, signalOf(round));
  }
}

describe('the bot stops within 5 s', () => {
  let setup: Fleet;
  beforeAll(async () => {
    setup = await smallFleet();
  }, 60_000);
  afterAll(async () => {
    for (const agent of setup.agents) await agent.stop();
  });

  test('while starting: loading its code (the default action stops it), then by its handler, before its commands are registered', async () => {
    for (let round = 0; round < ROUNDS * 2; round++) {
      const registrations = discord.commandRegistrations.length;
      const bot = spawnNode(BOT_BIN, [], botSettings(setup));
      if (round % 2 === 0) {
        // Still loading its modules: no handler yet, so the signal's own action stops it.
        await sleep(50);
        const stopped = await stop(bot, signalOf(round));
        expect(stopped.code === 0 || stopped.signal === signalOf(round), JSON.stringify(stopped)).toBe(true);
      } else {
        // main() has begun: its handler stops it, cleanly, before the client is ready.
        await bot.waitFor(/"msg":"bot starting"/, 15_000);
        await stopsCleanly(bot, signalOf(round));
        expect(discord.commandRegistrations.length).toBe(registrations);
      }
    }
  }, 120_000);

  test('mid alert check and mid picture', async () => {
    await botRounds(setup, async (bot) => {
      // The first check has posted t440's alert with its picture; the next is due within 2 s,
      // and a full timeline is being drawn when the signal comes.
      await bot.waitFor(/"msg":"alert check"/, 15_000);
      discord.slash('tokens', { subcommand: 'timeline', member: DEFAULT_PLAIN_MEMBER.id });
      await sleep(50);
    });
  }, 120_000);

  test('mid sync', async () => {
    await botRounds(setup, async () => {
      discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 'all' }, member: DEFAULT_OPS_MEMBER.id });
      await sleep(30);
    });
  }, 120_000);

  test('with its log pipe closed', async () => {
    await botRounds(setup, async (bot) => {
      bot.proc.stdout!.destroy();
      discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
      await sleep(500);
    });
  }, 120_000);

  test('with its log pipe stalled: full, its reader alive but not reading', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pipe = stalledPipe();
      const registrations = discord.commandRegistrations.length;
      const bot = spawnWithStdout(BOT_BIN.file, pipe.fd, botSettings(setup));
      // Its log cannot be read: it is up once its commands are registered.
      await discord.waitFor(() => discord.commandRegistrations.length > registrations || undefined, 20_000, 'command registration');
      discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
      await sleep(300);
      await stopsCleanly(bot, signalOf(round));
      pipe.close();
    }
  }, 120_000);
});

test('the bot stops within 5 s when its agents die at the same moment', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const setup = await smallFleet();
    await botRounds(
      setup,
      async () => {
        discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
        for (const agent of setup.agents) agent.proc.kill('SIGKILL');
      },
      1,
    );
  }
}, 120_000);

test('the agent stops within 5 s mid request, and with its log pipe stalled', async () => {
  for (let round = 0; round < ROUNDS * 2; round++) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', DAY) } } } });
    const env = { TOKENOPS_NODE: 'soak', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOG_LEVEL: 'debug' };
    if (round % 2 === 0) {
      const agent = await startAgent(env, { launch: AGENT_BIN });
      // Unsigned calls, each refused and logged; more sent as the signal goes.
      await Promise.all(Array.from({ length: 100 }, () => fetch(`${agent.url}/v1/status`).catch(() => undefined)));
      for (let i = 0; i < 20; i++) void fetch(`${agent.url}/v1/status`).catch(() => undefined);
      await stopsCleanly(agent, signalOf(round));
    } else {
      const pipe = stalledPipe();
      const port = await freePort();
      const agent = spawnWithStdout(AGENT_BIN.file, pipe.fd, { ...env, TOKENOPS_LISTEN: `127.0.0.1:${port}` });
      await waitForHealth(`http://127.0.0.1:${port}`);
      await Promise.all(Array.from({ length: 100 }, () => fetch(`http://127.0.0.1:${port}/v1/status`).catch(() => undefined)));
      await stopsCleanly(agent, signalOf(round));
      pipe.close();
    }
  }
}, 120_000);

/**
 * A FIFO already full, whose reader is open but never reads: what a log pipe looks like when
 * journald, a container runtime or a harness stops reading. The child gets a blocking
 * descriptor of it, as a child's stdout is.
 */
function stalledPipe(): { fd: number; close(): void } {
  const fifo = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-fifo-')), 'log');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const filler = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const chunk = Buffer.alloc(4096, 'x');
  for (;;) {
    try {
      writeSync(filler, chunk);
    } catch {
      break;
    }
  }
  closeSync(filler);
  const fd = openSync(fifo, constants.O_WRONLY);
  return {
    fd,
    close: () => {
      closeSync(fd);
      closeSync(reader);
    },
  };
}

function spawnWithStdout(bin: string, stdout: number, env: Record<string, string>): Spawned {
  const proc = spawn(process.execPath, [bin], { cwd: os.tmpdir(), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, output: [], waitFor: () => Promise.reject(new Error('no output to wait for')), stop: async () => void proc.kill('SIGKILL') };
}

/** Everything the bot needs to start against the local Discord, as startBot gives it. */
function botSettings(setup: Fleet): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-signals-'));
  const fleetFile = path.join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(setup.fleet));
  return {
    ...setup.env,
    DISCORD_TOKEN: TEST_BOT_TOKEN,
    DISCORD_CLIENT_ID: DEFAULT_APPLICATION_ID,
    DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
    OPS_CHANNEL_ID: DEFAULT_OPS_CHANNEL_ID,
    OPS_ROLE_ID: DEFAULT_OPS_ROLE_ID,
    DISCORD_API_BASE: discord.apiBase,
    TOKENOPS_FLEET: fleetFile,
    TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}`,
    TOKENOPS_LOG_LEVEL: 'debug',
  };
}

async function waitForHealth(url: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (await fetch(`${url}/v1/health`).then((response) => response.ok, () => false)) return;
    await sleep(50);
  }
  throw new Error(`${url} never answered /v1/health`);
}
