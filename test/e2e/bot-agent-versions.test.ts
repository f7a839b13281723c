import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_VERSION } from '../../src/protocol/api-version.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { startOtherVersionAgent, type OtherVersionAgent } from '../support/other-version-agent.js';
import { capturedOutput, killAllSpawned, ROOT, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, readStore } from '../support/state-dir.js';

/*
 * Nodes are upgraded one at a time. The current bot beside two real agents answering as other
 * versions would: `old` says API 0 (older than any this bot writes), `new` says API 3 (newer)
 * and sends fields this bot does not know, in its status and in each profile. Reads work on
 * both; a write to either is refused before anything is sent, naming both versions and what
 * to upgrade; the bot carries on.
 */

const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];
const proxies: Record<'old' | 'new', OtherVersionAgent> = {} as never;
const stateDirs: Record<string, string> = {};

beforeAll(async () => {
  const keys = { pca: newNodeKeyHex(), old: newNodeKeyHex(), new: newNodeKeyHex() };
  for (const [name, expires] of [['pc-a', 20 * HOUR], ['old', 3 * HOUR], ['new', 3 * HOUR]] as const) {
    stateDirs[name] = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expires) } } } });
    agents.push(await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: name === 'pc-a' ? keys.pca : keys[name], OPENCLAW_STATE_DIR: stateDirs[name]!, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' }));
  }
  proxies.old = await startOtherVersionAgent(agents[1]!.url, keys.old, (answer) => ({ ...answer, agent: { version: '0.0.3', api: 0 } }));
  proxies.new = await startOtherVersionAgent(agents[2]!.url, keys.new, (answer) => ({
    ...answer,
    agent: { version: '9.0.0', api: API_VERSION + 1 },
    futureTopLevel: { anything: [1, 2, 3] },
    ...(Array.isArray(answer.profiles) ? { profiles: (answer.profiles as Array<Record<string, unknown>>).map((profile) => ({ ...profile, futureProfileField: 'x' })) } : {}),
  }));
  discord = await DiscordStandin.start();
  bot = await startBot(
    discord,
    {
      nodes: [
        { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
        { name: 'old', url: proxies.old.url, keyEnv: 'TOKENOPS_KEY_OLD' },
        { name: 'new', url: proxies.new.url, keyEnv: 'TOKENOPS_KEY_NEW' },
      ],
      owners: { 'anthropic:*': 'pc-a' },
      sync: { auto: false },
      renew: { auto: false },
      alerts: { checkEvery: '1h' },
    },
    { TOKENOPS_KEY_PC_A: keys.pca, TOKENOPS_KEY_OLD: keys.old, TOKENOPS_KEY_NEW: keys.new },
  );
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  for (const proxy of Object.values(proxies)) await proxy?.close();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

const status = () => discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 15_000);
const sync = (from: string, to: string) => discord.slash('tokens', { subcommand: 'sync', options: { from, to }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0 || s.content.length > 0, 15_000);
const shown = (reply: { content: string; embeds: unknown[] }) => `${reply.content}\n${JSON.stringify(reply.embeds)}`;

describe('agents of other versions', () => {
  test('an agent says its version and API in its health and status answers', async () => {
    const health = (await (await fetch(`${agents[0]!.url}/v1/health`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ ok: true, version: VERSION, api: API_VERSION });
  });

  test('reads work on every node: /tokens status shows the older and the newer agent with their profiles', async () => {
    const text = shown(await status());
    for (const node of ['pc-a', 'old', 'new']) expect(text).toContain(node);
    expect(text).toContain('anthropic:default');
    expect(text).not.toMatch(/does not match the API|bad response/i);
  });

  test('a write to the older agent is refused before it is sent, naming both versions and the upgrade', async () => {
    const before = readFileSync(path.join(stateDirs.old!, 'agents/main/agent/auth-profiles.json'), 'utf8');
    const text = shown(await sync('pc-a', 'old'));
    expect(text).toContain(`old's agent speaks API 0 (tokenops 0.0.3), older than this tokenops (${VERSION}) writes API 1–${API_VERSION}: upgrade tokenops on old`);
    expect(proxies.old.passed.filter((request) => request.startsWith('POST'))).toEqual([]);
    expect(readFileSync(path.join(stateDirs.old!, 'agents/main/agent/auth-profiles.json'), 'utf8')).toBe(before);
  });

  test('a write to the newer agent, or an export from it, is refused: upgrade the bot', async () => {
    expect(shown(await sync('pc-a', 'new'))).toContain(`new's agent speaks API ${API_VERSION + 1} (tokenops 9.0.0), newer than this tokenops (${VERSION}) writes API 1–${API_VERSION}: upgrade the bot and the CLI`);
    expect(shown(await sync('new', 'pc-a'))).toContain(`new's agent speaks API ${API_VERSION + 1}`);
    expect(proxies.new.passed.filter((request) => request.startsWith('POST'))).toEqual([]);
    expect(readStore(stateDirs['pc-a']!, 'main').profiles['anthropic:default']).toBeDefined();
  });

  test('the bot carries on: status still answers, and nothing it logged was an error', async () => {
    expect(shown(await status())).toContain('old');
    expect(bot.proc.exitCode).toBeNull();
    expect(bot.output.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
