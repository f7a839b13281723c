import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startBot, TEST_BOT_TOKEN } from '../support/bot-process.js';
import { DEFAULT_APPLICATION_ID, DEFAULT_GUILD_ID, DEFAULT_OPS_CHANNEL_ID, DEFAULT_OPS_ROLE_ID, DiscordStandin } from '../../src/standin/discord/index.js';
import { killAllSpawned, spawnTs } from '../support/processes.js';
import { newNodeKeyHex } from '../support/state-dir.js';

afterAll(() => killAllSpawned());

const baseEnv = (fleetFile: string) => ({
  DISCORD_TOKEN: TEST_BOT_TOKEN,
  DISCORD_CLIENT_ID: DEFAULT_APPLICATION_ID,
  DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
  OPS_CHANNEL_ID: DEFAULT_OPS_CHANNEL_ID,
  OPS_ROLE_ID: DEFAULT_OPS_ROLE_ID,
  TOKENOPS_FLEET: fleetFile,
  TOKENOPS_STATE: `sqlite://${path.join(path.dirname(fleetFile), 'state.sqlite')}`,
});

function tempFleet(content: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-fleet-')), 'fleet.json');
  writeFileSync(file, content);
  return file;
}

async function runToExit(env: Record<string, string>, script = 'src/bot/main.ts'): Promise<{ code: number | null; lines: string[] }> {
  const bot = spawnTs(script, [], env);
  const code = await bot.exited;
  return { code, lines: bot.output.filter((line) => line.trim() !== '') };
}

test('missing settings: one line per problem naming the variable, exit 2, no stack trace', async () => {
  const { code, lines } = await runToExit({ DISCORD_TOKEN: TEST_BOT_TOKEN, DISCORD_CLIENT_ID: 'abc' });
  expect(code).toBe(2);
  expect(lines).toEqual([
    'tokenops-bot: DISCORD_CLIENT_ID: expected a Discord id (17–20 digits): the application id',
    'tokenops-bot: DISCORD_GUILD_ID: is required (the ops server, where commands are registered)',
    'tokenops-bot: OPS_CHANNEL_ID: is required (the channel alerts and reports go to)',
    'tokenops-bot: OPS_ROLE_ID: is required (the role allowed to change anything)',
  ]);
  expect(lines.join('\n')).not.toContain(TEST_BOT_TOKEN);
});

test('a fleet file that fails its schema: one line per problem, e.g. fleet.json: nodes[1].url: Invalid URL', async () => {
  const fleetFile = tempFleet(
    JSON.stringify({
      nodes: [
        { name: 'pc-a', url: 'http://127.0.0.1:7420', keyEnv: 'TOKENOPS_KEY_PC_A' },
        { name: 't440', url: 'not a url', keyEnv: 'TOKENOPS_KEY_T440' },
      ],
      owners: { 'anthropic:*': 'pc-b' },
    }),
  );
  const { code, lines } = await runToExit(baseEnv(fleetFile));
  expect(code).toBe(2);
  expect(lines).toEqual([
    expect.stringMatching(/^tokenops-bot: fleet\.json: nodes\[1\]\.url: Invalid URL/),
    'tokenops-bot: fleet.json: owners.anthropic:*: names node "pc-b", which is not in nodes',
  ]);
});

test('a key variable that is not set names the node; the value of a short key is never shown', async () => {
  const shortKey = 'c2hvcnQ=';
  const fleetFile = tempFleet(JSON.stringify({ nodes: [{ name: 'pc-a', url: 'http://127.0.0.1:7420', keyEnv: 'TOKENOPS_KEY_PC_A' }, { name: 't440', url: 'http://127.0.0.1:7421', keyEnv: 'TOKENOPS_KEY_T440' }] }));
  const { code, lines } = await runToExit({ ...baseEnv(fleetFile), TOKENOPS_KEY_T440: shortKey });
  expect(code).toBe(2);
  expect(lines[0]).toBe('tokenops-bot: fleet.json: nodes[0].keyEnv: TOKENOPS_KEY_PC_A is not set (the key of node "pc-a")');
  expect(lines[1]).toMatch(/^tokenops-bot: fleet\.json: nodes\[1\]\.keyEnv: TOKENOPS_KEY_T440 \(the key of node "t440"\) decodes to 5 bytes/);
  expect(lines.join('\n')).not.toContain(shortKey);
});

test('npm run register registers the commands alone; the bot shuts down cleanly on SIGTERM', async () => {
  const discord = await DiscordStandin.start();
  try {
    const key = newNodeKeyHex();
    const fleet = { nodes: [{ name: 'pc-a', url: 'http://127.0.0.1:9', keyEnv: 'TOKENOPS_KEY_PC_A' }] };
    const fleetFile = tempFleet(JSON.stringify(fleet));
    const register = await runToExit({ ...baseEnv(fleetFile), DISCORD_API_BASE: discord.apiBase, TOKENOPS_KEY_PC_A: key }, 'src/bot/register.ts');
    expect(register.code).toBe(0);
    expect(register.lines).toEqual([`registered 5 commands in guild ${DEFAULT_GUILD_ID}: /alerts, /audit, /capacity, /restart, /tokens`]);
    expect(discord.registeredCommands.map((command) => command.name).sort()).toEqual(['alerts', 'audit', 'capacity', 'restart', 'tokens']);

    const bot = await startBot(discord, fleet, { TOKENOPS_KEY_PC_A: key });
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output.some((line) => line.includes('"msg":"bot stopped"'))).toBe(true);
  } finally {
    await discord.close();
  }
});
