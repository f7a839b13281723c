import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { doctorJson, type DoctorJson } from '../../../src/cli/json/output-shapes.js';
import { API_VERSION } from '../../../src/protocol/api-version.js';
import { DEFAULT_APPLICATION_ID, DEFAULT_GUILD_ID, DEFAULT_OPS_CHANNEL_ID, DEFAULT_OPS_ROLE_ID, DiscordStandin } from '../../../src/standin/discord/index.js';
import { startBot, TEST_BOT_TOKEN } from '../../support/bot-process.js';
import { jsonOf, runCli } from '../../support/cli-process.js';
import { startOtherVersionAgent, type OtherVersionAgent } from '../../support/other-version-agent.js';
import { capturedOutput, freePort, killAllSpawned, startAgent, type RunningAgent } from '../../support/processes.js';
import { redisAvailable, startRedis } from '../../support/redis-server.js';
import { findSecrets } from '../../support/secret-scan.js';
import { waitUntil } from '../../support/wait-until.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth, storePath } from '../../support/state-dir.js';

/*
 * `tokenops doctor` on the local Discord and real agents: a correct setup is all ✅ (exit 0);
 * then one fault at a time, each found with the right fix line and exit 1, and nothing
 * changed anywhere (the nodes' stores, the channel, the state).
 */

let discord: DiscordStandin;
let gateway: Server;
let older: OtherVersionAgent;
let skewed: Server;
const agents: RunningAgent[] = [];
const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex() };
const stateDirs: string[] = [];
let dir: string;
let env: Record<string, string>;

function writeFleet(nodes: Array<{ name: string; url: string; keyEnv: string }>): string {
  const file = path.join(dir, `fleet-${nodes.map((node) => node.name).join('-')}.json`);
  writeFileSync(file, JSON.stringify({ nodes, owners: { 'anthropic:*': 'pc-a' } }));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-doctor-'));
  gateway = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}'));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  for (const [name, key, expires] of [['pc-a', keys.pca, 3 * DAY], ['t440', keys.t440, 20 * HOUR]] as const) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expires) } } } });
    stateDirs.push(stateDir);
    agents.push(await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gatewayUrl }));
  }
  older = await startOtherVersionAgent(agents[1]!.url, keys.t440, (answer) => ({ ...answer, agent: { version: '0.0.3', api: 0 } }));
  // A node whose clock is 10 minutes ahead refuses every signature, and says its time.
  skewed = createServer((_request, response) => response.writeHead(401, { date: new Date(Date.now() + 10 * 60_000).toUTCString(), 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"unauthorized"}}'));
  skewed.listen(0, '127.0.0.1');
  await once(skewed, 'listening');

  discord = await DiscordStandin.start({ token: TEST_BOT_TOKEN });
  // The bot registers this version's commands at its start.
  const bot = await startBot(discord, { nodes: [{ name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' }] }, { TOKENOPS_KEY_PC_A: keys.pca });
  await bot.stop();
  env = {
    DISCORD_TOKEN: TEST_BOT_TOKEN,
    DISCORD_CLIENT_ID: DEFAULT_APPLICATION_ID,
    DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
    OPS_CHANNEL_ID: DEFAULT_OPS_CHANNEL_ID,
    OPS_ROLE_ID: DEFAULT_OPS_ROLE_ID,
    DISCORD_API_BASE: discord.apiBase,
    TOKENOPS_FLEET: writeFleet([
      { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
      { name: 't440', url: agents[1]!.url, keyEnv: 'TOKENOPS_KEY_T440' },
    ]),
    TOKENOPS_STATE: `sqlite://${path.join(dir, 'data', 'state.sqlite')}`,
    TOKENOPS_KEY_PC_A: keys.pca,
    TOKENOPS_KEY_T440: keys.t440,
  };
}, 60_000);

afterAll(async () => {
  await older?.close();
  for (const agent of agents) await agent.stop();
  gateway?.close();
  skewed?.close();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

/** The stores' bytes, the channel and the state file: what "nothing changed" is checked against. */
function everything(): string {
  return JSON.stringify([stateDirs.map((stateDir) => readFileSync(storePath(stateDir, 'main'), 'utf8')), discord.channelMessages().length, existsSync(path.join(dir, 'data', 'state.sqlite'))]);
}

async function doctor(over: Record<string, string> = {}): Promise<{ code: number | null; json: DoctorJson; line: (check: string) => DoctorJson['checks'][number] | undefined }> {
  const before = everything();
  const run = await runCli(['doctor', '--json'], { ...env, ...over });
  const json = doctorJson.parse(jsonOf(run));
  expect(everything()).toBe(before);
  return { code: run.code, json, line: (check) => json.checks.find((line) => line.check === check) };
}

const failed = (json: DoctorJson) => json.checks.filter((line) => line.status === 'fail');

describe('tokenops doctor', () => {
  test('a correct setup: every line ✅, exit 0; the text says what each is', async () => {
    const { code, json, line } = await doctor();
    expect(json.checks.filter((check) => check.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
    expect(json.checks.map((check) => `${check.area} ${check.check}`)).toEqual([
      'discord token', 'discord application', 'discord server', 'discord ops channel', 'discord permissions', 'discord ops role', 'discord commands',
      'fleet pc-a agent', 'fleet pc-a clock', 'fleet pc-a store', 'fleet pc-a gateway', 'fleet pc-a capacity',
      'fleet t440 agent', 'fleet t440 clock', 'fleet t440 store', 'fleet t440 gateway', 'fleet t440 capacity',
      'fleet anthropic:default owner', 'fleet anthropic:default renewal',
      'state store',
    ]);
    expect(line('permissions')?.detail).toBe('all 6 it uses in #ops: View Channel, Send Messages, Embed Links, Attach Files, Add Reactions, Read Message History');
    expect(line('ops role')?.detail).toMatch(/^@ops, held by \d+ members?$/);
    expect(line('pc-a agent')?.detail).toMatch(new RegExp(`^reachable, key accepted, tokenops \\S+ \\(API ${API_VERSION}\\)$`));
    const text = await runCli(['doctor'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Discord\n {2}✅ token: valid: the bot user /);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('All checks passed.');
  });

  test('the bot lacks Add Reactions in the ops channel', async () => {
    discord.setChannelOverwrites(discord.opsChannelId, [{ id: discord.botUserId, type: 'member', allow: 0n, deny: P.AddReactions }]);
    try {
      const { code, json, line } = await doctor();
      expect(code).toBe(1);
      expect(failed(json).map((check) => check.check)).toEqual(['permissions']);
      expect(line('permissions')).toMatchObject({ detail: 'missing in #ops: Add Reactions (to take a confirmation (the ✅ under a plan))', fix: 'allow Add Reactions for the bot in #ops (channel settings → Permissions), or in its role' });
    } finally {
      discord.setChannelOverwrites(discord.opsChannelId, []);
    }
  });

  test('the wrong server: invite the bot there', async () => {
    const { code, json, line } = await doctor({ DISCORD_GUILD_ID: '1300000000000000777' });
    expect(code).toBe(1);
    expect(failed(json).map((check) => check.check)).toEqual(['server']);
    expect(line('server')?.fix).toMatch(/^run `npm run invite`, open the URL and pick that server/);
  });

  test('a role that is not there', async () => {
    const { code, json, line } = await doctor({ OPS_ROLE_ID: '1300000000000000999' });
    expect(code).toBe(1);
    expect(failed(json).map((check) => check.check)).toEqual(['ops role']);
    expect(line('ops role')?.detail).toBe('OPS_ROLE_ID 1300000000000000999 is not a role of tokenops-standin');
  });

  test('a token Discord refuses: nothing after it is asked', async () => {
    const { code, json } = await doctor({ DISCORD_TOKEN: 'not-the-token' });
    expect(code).toBe(1);
    expect(json.checks.filter((check) => check.area === 'discord')).toEqual([expect.objectContaining({ check: 'token', status: 'fail', detail: 'Discord refuses DISCORD_TOKEN (401 Unauthorized)' })]);
    expect(JSON.stringify(json)).not.toContain('not-the-token');
  });

  test('a node with a wrong key, one with a clock 10 minutes ahead, one on an older agent', async () => {
    const fleet = writeFleet([
      { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
      { name: 't440', url: older.url, keyEnv: 'TOKENOPS_KEY_T440' },
      { name: 'skewed', url: `http://127.0.0.1:${(skewed.address() as AddressInfo).port}`, keyEnv: 'TOKENOPS_KEY_SKEWED' },
    ]);
    const { code, json, line } = await doctor({ TOKENOPS_FLEET: fleet, TOKENOPS_KEY_PC_A: newNodeKeyHex(), TOKENOPS_KEY_SKEWED: newNodeKeyHex() });
    expect(code).toBe(1);
    expect(failed(json).map((check) => check.check)).toEqual(['pc-a key', 't440 agent', 'skewed clock']);
    expect(line('pc-a key')?.fix).toMatch(/to pc-a's TOKENOPS_AGENT_KEY/);
    expect(line('t440 agent')?.detail).toMatch(/^t440's agent speaks API 0 \(tokenops 0\.0\.3\), older than this tokenops/);
    expect(line('skewed clock')).toMatchObject({ detail: expect.stringMatching(/clock/), fix: expect.stringMatching(/timedatectl set-ntp true/) });
  });

  test('stale commands: register them again', async () => {
    const registered = (await (await fetch(`${discord.apiBase}/v10/applications/${DEFAULT_APPLICATION_ID}/guilds/${DEFAULT_GUILD_ID}/commands`, { headers: { authorization: `Bot ${TEST_BOT_TOKEN}` } })).json()) as Array<{ name: string }>;
    const put = (body: unknown) => fetch(`${discord.apiBase}/v10/applications/${DEFAULT_APPLICATION_ID}/guilds/${DEFAULT_GUILD_ID}/commands`, { method: 'PUT', headers: { authorization: `Bot ${TEST_BOT_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await put(registered.filter((command) => command.name !== 'capacity'));
    try {
      const { code, json, line } = await doctor();
      expect(code).toBe(1);
      expect(failed(json).map((check) => check.check)).toEqual(['commands']);
      expect(line('commands')).toMatchObject({ detail: 'not registered: /capacity', fix: 'run `npm run register`' });
    } finally {
      await put(registered);
    }
  });

  test('Redis down', async () => {
    const { code, json, line } = await doctor({ TOKENOPS_STATE: `redis://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    expect(failed(json).map((check) => check.check)).toEqual(['store']);
    expect(line('store')?.fix).toMatch(/^start Redis or correct TOKENOPS_STATE/);
  });

  test.skipIf(!redisAvailable())('Redis up: reachable and writable; no replica leads until a bot runs, then the one that leads is named', async () => {
    const redis = await startRedis();
    try {
      const idle = await doctor({ TOKENOPS_STATE: redis.url });
      expect(idle.code).toBe(0);
      expect(idle.line('store')).toMatchObject({ status: 'pass', detail: `redis://127.0.0.1:${redis.port}: reachable and writable` });
      expect(idle.line('leader')).toMatchObject({ status: 'warn', detail: 'no replica leads: no bot is running on this state', fix: 'start the bot (npm start, or its service)' });
      // Its token is days from expiring: the bot has nothing to post while the doctor watches the channel.
      const quiet = { nodes: [{ name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' }], alerts: { warnBefore: '1h', criticalBefore: '30m' } };
      const bot = await startBot(discord, quiet, { TOKENOPS_KEY_PC_A: keys.pca }, { stateUrl: redis.url });
      try {
        await waitUntil(() => bot.output.some((line) => line.includes('leadership acquired')), 20_000, 'the bot to lead');
        const replica = /"owner":"([^"]+)"[^\n]*leadership acquired/.exec(bot.output.join('\n'))?.[1];
        const leading = await doctor({ TOKENOPS_STATE: redis.url });
        expect(leading.code).toBe(0);
        expect(leading.line('leader')?.status).toBe('pass');
        expect(leading.line('leader')?.detail).toMatch(new RegExp(`^replica ${replica} leads \\(lease \\d+ ms left\\)$`));
        // The probe key is gone: the doctor leaves nothing behind in the bot's state.
        const keysLeft = spawnSync('redis-cli', ['-p', String(redis.port), '--no-auth-warning', '-a', new URL(redis.url).password, '--scan', '--pattern', 'tokenops:doctor:*'], { encoding: 'utf8' }).stdout.trim();
        expect(keysLeft).toBe('');
      } finally {
        await bot.stop();
      }
    } finally {
      await redis.stop();
    }
  }, 60_000);

  test('a usage error: exit 2', async () => {
    expect((await runCli(['doctor', '--fix'], env)).code).toBe(2);
  });
});
