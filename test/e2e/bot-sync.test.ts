import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import type { RestartResponse } from '../../src/protocol/agent-api.js';
import { waitUntil } from '../support/wait-until.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startOAuthServer, type RotatingOAuthServer } from '../support/oauth-server.js';
import { capturedOutput, freePort, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { agentDir, buildStateDir, DAY, HOUR, listBackups, newNodeKeyHex, oauth, readStore, secret, storePath } from '../support/state-dir.js';

/*
 * The incident and its lesson on the local Discord: sync by command, refresh on the owner,
 * and the automatic paths (refresh-triggered, reconnect catch-up) with rotation conflicts.
 */

let discord: DiscordStandin;
let bot: RunningBot;
let oauthServer: RotatingOAuthServer;
let gateway: StandInGateway;
const nodes: Record<'pca' | 't440', { stateDir: string; keyHex: string; agent: RunningAgent; port: number; env: Record<string, string> }> = {} as never;

/** Writes a profile's fields as OpenClaw would: the whole file, by temp file and rename. */
function writeProfile(stateDir: string, agentId: string, profileId: string, fields: Record<string, unknown>): void {
  const file = storePath(stateDir, agentId);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  Object.assign(doc.profiles[profileId], fields);
  writeFileSync(`${file}.oc.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${file}.oc.tmp`, file);
}

/** t440 as in the incident: every token expired, three agent stores, legacy layout. */
function expiredT440(dir?: string): string {
  const now = Date.now();
  const stateDir = buildStateDir({
    ...(dir ? { dir } : {}),
    layout: 'legacy',
    agents: {
      main: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, { displayName: 'kept' }, now), 'openai-codex:ops@example.com': oauth('openai-codex', -1 * HOUR, { accountId: 'acc-1' }, now) } },
      coder: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now) } },
      writer: { profiles: { 'openai:default': { type: 'api_key', provider: 'openai', key: secret('writer-key') } } },
    },
  });
  writeFileSync(path.join(agentDir(stateDir, 'coder'), 'auth-state.json'), '{\n  "version": 1\n}\n');
  for (const agent of ['main', 'coder', 'writer']) rmSync(path.join(agentDir(stateDir, agent), '.tokenops-backups'), { recursive: true, force: true });
  return stateDir;
}

beforeAll(async () => {
  oauthServer = await startOAuthServer();
  const now = Date.now();
  // Issued an hour ago: a refresh now yields a later expiry, as it does in the field.
  const pcaAnthropic = oauth('anthropic', 7 * HOUR, { email: 'ops@example.com' }, now);
  oauthServer.issue(pcaAnthropic.refresh);
  const pcaState = buildStateDir({
    layout: 'split',
    agents: { main: { profiles: { 'anthropic:default': pcaAnthropic, 'openai-codex:ops@example.com': oauth('openai-codex', 9 * DAY, { accountId: 'acc-1' }, now) } } },
  });
  const t440State = expiredT440();
  gateway = await startStandInGateway(t440State, 150);
  const providers = path.join(pcaState, 'providers.json');
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: 'test' }, 'openai-codex': { tokenUrl: `http://127.0.0.1:${await freePort()}/token`, clientId: 'x' } }));
  for (const [name, stateDir, extra] of [
    ['pca', pcaState, { TOKENOPS_NODE: 'pc-a', TOKENOPS_OAUTH_PROVIDERS: providers }],
    ['t440', t440State, { TOKENOPS_NODE: 't440', TOKENOPS_GATEWAY_URL: gateway.url, TOKENOPS_RESTART_CMD: gateway.restartCmd }],
  ] as const) {
    const keyHex = newNodeKeyHex();
    const env = { ...extra, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_POLL_EVERY: '2s' };
    const agent = await startAgent(env);
    nodes[name] = { stateDir, keyHex, agent, port: agent.port, env };
  }
  discord = await DiscordStandin.start();
  bot = await startBot(
    discord,
    {
      nodes: [
        { name: 'pc-a', url: nodes.pca.agent.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
        { name: 't440', url: nodes.t440.agent.url, keyEnv: 'TOKENOPS_KEY_T440' },
      ],
      owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' },
      // The alert check's auto-fix would repair t440 behind the manual tests' backs.
      sync: { every: '1h', onRefresh: true, autoFix: false },
      // The commands and automatic syncs as they are; renewal's own tests are in bot-renewal.
      renew: { auto: false },
    },
    { TOKENOPS_KEY_PC_A: nodes.pca.keyHex, TOKENOPS_KEY_T440: nodes.t440.keyHex },
  );
  await discord.waitForReady();
  await bot.waitFor(/"node":"pc-a","reconnect":false,"msg":"event stream connected"/, 10_000);
  await bot.waitFor(/"node":"t440","reconnect":false,"msg":"event stream connected"/, 10_000);
  // At start the bot catches up: the owner's tokens go to the follower on their own.
  await waitUntil(() => readStore(t440State, 'coder').profiles['anthropic:default']?.access === pcaAnthropic.access, 10_000, 'the catch-up sync');
  // Back to the incident, to do by hand what the bot just did by itself.
  expiredT440(t440State);
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  await nodes.pca?.agent.stop();
  await nodes.t440?.agent.stop();
  await gateway?.stop();
  await discord?.close();
  await oauthServer?.stop();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

const sync = (options: Record<string, string | boolean>, member = DEFAULT_OPS_MEMBER.id) =>
  discord.slash('tokens', { subcommand: 'sync', options, member }).waitForReply((s) => s.embeds.length > 0 || s.content.length > 0, 15_000);

describe('/tokens sync', () => {
  test('refusals: no ops role, same node, unknown node, an expired source', async () => {
    expect((await sync({ from: 'pc-a', to: 't440' }, DEFAULT_PLAIN_MEMBER.id)).content).toBe(`This needs the <@&${discord.opsRoleId}> role.`);
    expect((await sync({ from: 'pc-a', to: 'pc-a' })).content).toMatch(/from and to are the same node/);
    expect((await sync({ from: 'pc-a', to: 'nope' })).content).toMatch(/unknown node "nope"/);
    const expired = await sync({ from: 't440', to: 'pc-a' });
    expect(expired.content).toMatch(/^❗ nothing to sync from t440: anthropic:default: expired on t440 <t:\d+:R>; openai-codex:ops@example\.com: expired on t440/);
  });

  test('autocomplete offers all for to', async () => {
    expect(await discord.autocomplete('tokens', { subcommand: 'sync', focused: 'to', value: '', member: DEFAULT_OPS_MEMBER.id })).toEqual([
      { name: 'all', value: 'all' },
      { name: 'pc-a', value: 'pc-a' },
      { name: 't440', value: 't440' },
    ]);
  });

  test('a dry run shows the plan and writes nothing, byte for byte', async () => {
    const files = ['main', 'coder', 'writer'].map((agent) => storePath(nodes.t440.stateDir, agent));
    const before = files.map((file) => readFileSync(file, 'utf8'));
    const reply = await sync({ from: 'pc-a', to: 't440', dry_run: true });
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Sync pc-a → t440 · dry run, nothing written');
    expect(embed.fields?.[0]?.name).toBe('📝 t440 · would update 2 profiles');
    expect(embed.fields?.[0]?.value).toMatch(/📝 `anthropic:default` → main, coder · <t:\d+:R> → <t:\d+:R>/);
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(before);
    expect(listBackups(nodes.t440.stateDir, 'main')).toEqual([]);
  });

  test('the incident: pc-a → t440 copies the tokens into every store that had them, keeps the rest; the gateway comes back ready', async () => {
    const authState = readFileSync(path.join(agentDir(nodes.t440.stateDir, 'coder'), 'auth-state.json'), 'utf8');
    const writer = readFileSync(storePath(nodes.t440.stateDir, 'writer'), 'utf8');
    const legacy = readStore(nodes.t440.stateDir, 'main');
    const reply = await sync({ from: 'pc-a', to: 't440' });
    expect(reply.embeds[0]?.fields?.[0]?.name).toBe('✅ t440 · updated 2 profiles');
    const source = readStore(nodes.pca.stateDir, 'main').profiles;
    const main = readStore(nodes.t440.stateDir, 'main');
    const coder = readStore(nodes.t440.stateDir, 'coder');
    for (const id of ['anthropic:default', 'openai-codex:ops@example.com']) expect(main.profiles[id]?.access).toBe(source[id]?.access);
    expect(coder.profiles['anthropic:default']?.refresh).toBe(source['anthropic:default']?.refresh);
    expect(main.profiles['anthropic:default']?.displayName).toBe('kept');
    for (const field of ['order', 'lastGood', 'usageStats']) expect(main[field]).toEqual(legacy[field]);
    expect(readFileSync(path.join(agentDir(nodes.t440.stateDir, 'coder'), 'auth-state.json'), 'utf8')).toBe(authState);
    expect(readFileSync(storePath(nodes.t440.stateDir, 'writer'), 'utf8')).toBe(writer);
    expect(listBackups(nodes.t440.stateDir, 'main')).toHaveLength(1);
    expect(listBackups(nodes.t440.stateDir, 'coder')).toHaveLength(1);

    const client = new AgentClient({ baseUrl: nodes.t440.agent.url, key: Buffer.from(nodes.t440.keyHex, 'hex'), timeoutMs: 30_000 });
    const restart = (await client.request('POST', '/v1/restart', {})) as RestartResponse;
    expect(restart.outcome).toBe('ready');

    const audit = await discord.slash('audit', { member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    expect(audit.embeds[0]?.description).toMatch(/✅ <t:\d+:f> \*\*tokens sync\*\* pc-a → t440 · ok · ops-alice \(discord\) — t440: updated anthropic:default, openai-codex:ops@example.com/);
  });

  test('a sync that would downgrade is refused: the target keeps its newer token', async () => {
    // t440 now holds an older but still valid Codex token than pc-a.
    writeProfile(nodes.t440.stateDir, 'main', 'openai-codex:ops@example.com', { access: secret('older-codex'), expires: Date.now() + 2 * DAY });
    const before = readFileSync(storePath(nodes.pca.stateDir, 'main'), 'utf8');
    const reply = await sync({ from: 't440', to: 'pc-a', profile: 'openai-codex:ops@example.com' });
    expect(reply.embeds[0]?.fields?.[0]?.value).toMatch(/⏭ `openai-codex:ops@example\.com` \(main\): target already holds a newer one/);
    expect(readFileSync(storePath(nodes.pca.stateDir, 'main'), 'utf8')).toBe(before);
  });
});

describe('refresh ownership and automatic sync', () => {
  test('a follower is told who the owner is', async () => {
    const reply = await discord.slash('tokens', { subcommand: 'refresh', options: { node: 't440', profile: 'anthropic:default' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(reply.content).toBe('❗ t440 does not own anthropic:default: only pc-a refreshes it (the owner), t440 receives it by sync. Use /tokens refresh node:pc-a.');
  });

  test('/tokens refresh on the owner rotates against the OAuth server and the follower gets it at once', async () => {
    const grants = oauthServer.grants;
    const reply = await discord
      .slash('tokens', { subcommand: 'refresh', options: { node: 'pc-a', profile: 'anthropic:default' }, member: DEFAULT_OPS_MEMBER.id })
      .waitForReply((s) => s.embeds.length > 0, 20_000);
    expect(oauthServer.grants).toBe(grants + 1);
    expect(reply.embeds[0]?.description).toMatch(/✅ `anthropic:default` refreshed · now expires <t:\d+:R> · new refresh token saved · main/);
    const owner = readStore(nodes.pca.stateDir, 'main').profiles['anthropic:default']!;
    await waitUntil(() => readStore(nodes.t440.stateDir, 'coder').profiles['anthropic:default']?.refresh === owner.refresh, 5_000, 'the follower to hold the new token');
    expect(readStore(nodes.t440.stateDir, 'main').profiles['anthropic:default']?.access).toBe(owner.access);
  });

  test('an owner refreshing on its own (OpenClaw) reaches the follower without any command, and posts nothing', async () => {
    const fresh = { access: secret('openclaw-refreshed'), refresh: secret('openclaw-refresh'), expires: Date.now() + 9 * HOUR };
    writeProfile(nodes.pca.stateDir, 'main', 'anthropic:default', fresh);
    const everyStore = () => ['main', 'coder'].every((agent) => readStore(nodes.t440.stateDir, agent).profiles['anthropic:default']?.access === fresh.access);
    await waitUntil(everyStore, 5_000, 'automatic sync into every store');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(discord.channelMessages().filter((message) => /🔄|After a refresh/.test(message.content))).toEqual([]);
  });

  test('a follower that refreshed on its own: a rotation-conflict alert, nothing overwritten', async () => {
    const rogue = { access: secret('rogue-access'), refresh: secret('rogue-refresh'), expires: Date.now() + 12 * HOUR };
    writeProfile(nodes.t440.stateDir, 'coder', 'anthropic:default', rogue);
    // The owner refreshes (older than the rogue token): the sync must not overwrite t440's coder.
    writeProfile(nodes.pca.stateDir, 'main', 'anthropic:default', { access: secret('owner-again'), refresh: secret('owner-again-refresh'), expires: Date.now() + 10 * HOUR });
    const alert = await discord.waitForMessage((message) => message.content.includes('holds a newer anthropic:default than its owner pc-a'), 8_000);
    expect(alert.content).toMatch(/^🔴 \*\*t440\*\*: \d+ alerts?/);
    expect(alert.content).toMatch(/❌ t440 holds a newer anthropic:default than its owner pc-a \(agent coder\): someone refreshed outside the owner\n  → if t440's token works, `\/tokens sync from:t440 to:pc-a profile:anthropic:default`/);
    expect(readStore(nodes.t440.stateDir, 'coder').profiles['anthropic:default']).toMatchObject(rogue);
  });

  test('an agent restarted mid-stream: the subscription comes back by itself and the next refresh still flows', async () => {
    await nodes.pca.agent.stop();
    nodes.pca.agent = await startAgent(nodes.pca.env, { port: nodes.pca.port });
    await bot.waitFor(/"node":"pc-a","reconnect":true,"msg":"event stream connected"/, 20_000);
    // Bring coder back in line with the owner first (the rogue token from the last test).
    writeProfile(nodes.t440.stateDir, 'coder', 'anthropic:default', { expires: Date.now() + HOUR });
    const fresh = { access: secret('after-restart'), refresh: secret('after-restart-refresh'), expires: Date.now() + 11 * HOUR };
    writeProfile(nodes.pca.stateDir, 'main', 'anthropic:default', fresh);
    await waitUntil(() => readStore(nodes.t440.stateDir, 'coder').profiles['anthropic:default']?.access === fresh.access, 8_000, 'sync after the agent came back');
  });
});
