import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_APPLICATION_ID, DEFAULT_GUILD_ID, DEFAULT_OPS_CHANNEL_ID, DEFAULT_OPS_MEMBER, DEFAULT_OPS_ROLE_ID, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, TEST_BOT_TOKEN, type RunningBot } from '../support/bot-process.js';
import { freePort, killAllSpawned, ROOT, spawnNode, startAgent, type RunningAgent, type Spawned } from '../support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * SIGTERM or SIGINT at any moment stops the bot and the agent (the installed bins, from
 * dist/) within 5 s and leaves no process behind: while starting, mid alert check, mid sync,
 * mid picture, with the agents dying at the same moment, and with the log pipe stalled (its
 * reader alive but no longer reading: before the fix, the first log line that did not fit
 * blocked the process for good and every later signal was ignored) or closed. Each case runs
 * in a loop, alternating the two signals.
 */

const ROUNDS = Number(process.env.SIGNAL_ROUNDS ?? 2);
const STOP_WITHIN_MS = 5_000;
const BOT_BIN = { file: path.join(ROOT, 'bin/tokenops-bot.js'), execArgv: [] };
const AGENT_BIN = { file: path.join(ROOT, 'bin/tokenops-agent.js'), execArgv: [] };

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

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readStat(pid));
}

function readStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Sends the signal and measures how long the process takes to be gone. */
async function stopAndTime(child: Spawned, signal: NodeJS.Signals): Promise<number> {
  const pid = child.proc.pid!;
  const at = performance.now();
  child.proc.kill(signal);
  const gone = await Promise.race([child.exited.then(() => true), sleep(STOP_WITHIN_MS + 2_000).then(() => false)]);
  const took = performance.now() - at;
  if (!gone) child.proc.kill('SIGKILL');
  expect(gone, `still running ${STOP_WITHIN_MS + 2_000} ms after ${signal}`).toBe(true);
  expect(alive(pid)).toBe(false);
  return took;
}

const signalOf = (round: number): NodeJS.Signals => (round % 2 === 0 ? 'SIGTERM' : 'SIGINT');

async function withBot(setup: Fleet, during: (bot: RunningBot) => Promise<void>, round: number): Promise<number> {
  const bot = await startBot(discord, setup.fleet, { ...setup.env, TOKENOPS_LOG_LEVEL: 'debug' }, { launch: BOT_BIN });
  await during(bot);
  return stopAndTime(bot, signalOf(round));
}

describe('the bot stops within 5 s', () => {
  let setup: Fleet;
  beforeAll(async () => {
    setup = await smallFleet();
  }, 60_000);
  afterAll(async () => {
    for (const agent of setup.agents) await agent.stop();
  });

  test('while starting', async () => {
    for (let round = 0; round < ROUNDS * 2; round++) {
      const bot = spawnNode(BOT_BIN, [], { ...setup.env });
      await sleep(100 + round * 300);
      expect(await stopAndTime(bot, signalOf(round))).toBeLessThan(STOP_WITHIN_MS);
    }
  }, 120_000);

  test('mid alert check and mid picture', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const took = await withBot(setup, async () => {
        discord.slash('tokens', { subcommand: 'timeline', member: DEFAULT_PLAIN_MEMBER.id });
        await sleep(50);
      }, round);
      expect(took).toBeLessThan(STOP_WITHIN_MS);
    }
  }, 120_000);

  test('mid sync', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const took = await withBot(setup, async () => {
        discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 'all' }, member: DEFAULT_OPS_MEMBER.id });
        await sleep(30);
      }, round);
      expect(took).toBeLessThan(STOP_WITHIN_MS);
    }
  }, 120_000);

  test('with its log pipe closed', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const took = await withBot(setup, async (bot) => {
        bot.proc.stdout!.destroy();
        discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
        await sleep(500);
      }, round);
      expect(took).toBeLessThan(STOP_WITHIN_MS);
    }
  }, 120_000);

  test('with its log pipe stalled: full, its reader alive but not reading', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pipe = stalledPipe();
      const registrations = discord.commandRegistrations.length;
      const bot = spawnWithStdout(BOT_BIN.file, pipe.fd, { ...setup.env, ...botSettings(setup) });
      // Its log cannot be read: it is up once its commands are registered.
      await discord.waitFor(() => discord.commandRegistrations.length > registrations || undefined, 20_000, 'command registration');
      discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
      await sleep(300);
      expect(await stopAndTime(bot, signalOf(round))).toBeLessThan(STOP_WITHIN_MS);
      pipe.close();
    }
  }, 120_000);
});

test('the bot stops within 5 s when its agents die at the same moment', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const setup = await smallFleet();
    const took = await withBot(setup, async () => {
      discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
      for (const agent of setup.agents) agent.proc.kill('SIGKILL');
    }, round);
    expect(took).toBeLessThan(STOP_WITHIN_MS);
  }
}, 120_000);

test('the agent stops within 5 s mid request, and with its log pipe stalled', async () => {
  for (let round = 0; round < ROUNDS * 2; round++) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', DAY) } } } });
    const env = { TOKENOPS_NODE: 'soak', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOG_LEVEL: 'debug' };
    if (round % 2 === 0) {
      const agent = await startAgent(env, { launch: AGENT_BIN });
      // Unsigned calls, each refused and logged; the last still in flight at the signal.
      await Promise.all(Array.from({ length: 100 }, () => fetch(`${agent.url}/v1/status`).catch(() => undefined)));
      void fetch(`${agent.url}/v1/status`).catch(() => undefined);
      expect(await stopAndTime(agent, signalOf(round))).toBeLessThan(STOP_WITHIN_MS);
    } else {
      const pipe = stalledPipe();
      const port = await freePort();
      const agent = spawnWithStdout(AGENT_BIN.file, pipe.fd, { ...env, TOKENOPS_LISTEN: `127.0.0.1:${port}` });
      await waitForHealth(`http://127.0.0.1:${port}`);
      await Promise.all(Array.from({ length: 100 }, () => fetch(`http://127.0.0.1:${port}/v1/status`).catch(() => undefined)));
      expect(await stopAndTime(agent, signalOf(round))).toBeLessThan(STOP_WITHIN_MS);
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
  const proc = spawn(process.execPath, [bin], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, output: [], waitFor: () => Promise.reject(new Error('no output to wait for')), stop: async () => void proc.kill('SIGKILL') };
}

function botSettings(setup: Fleet): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-signals-'));
  const fleetFile = path.join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(setup.fleet));
  return {
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
