import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { VARIANTS } from '../../src/timeline/layout.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { capturedOutput, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * Alerts in the channel: an expiring profile produces one alert message; a bot restart in
 * between posts nothing new; a sync resolves it (the message edited, a resolved notice).
 */

let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];
const gateways: StandInGateway[] = [];
let fleet: Record<string, unknown>;
let env: Record<string, string>;
let botDir: string;

beforeAll(async () => {
  const now = Date.now();
  const pca = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 30 * HOUR, {}, now) } } } });
  const t440 = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 3 * HOUR, {}, now) } } } });
  const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex() };
  // Gateways that are ready: the only alert is the token.
  for (const [node, stateDir, key] of [['pc-a', pca, keys.pca], ['t440', t440, keys.t440]] as const) {
    const gateway = await startStandInGateway(stateDir, 50);
    gateways.push(gateway);
    agents.push(await startAgent({ TOKENOPS_NODE: node, TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gateway.url }));
  }
  fleet = {
    nodes: [
      { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
      { name: 't440', url: agents[1]!.url, keyEnv: 'TOKENOPS_KEY_T440' },
    ],
    owners: { 'anthropic:*': 'pc-a' },
    alerts: { checkEvery: '1s', warnBefore: '24h', criticalBefore: '1h', repeatEvery: '4h' },
    // No automation: the alert must stand until a person syncs.
    sync: { auto: false },
  };
  env = { TOKENOPS_KEY_PC_A: keys.pca, TOKENOPS_KEY_T440: keys.t440 };
  discord = await DiscordStandin.start();
  bot = await startBot(discord, fleet, env);
  botDir = bot.fleetFile.replace(/\/fleet\.json$/, '');
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  for (const gateway of gateways) await gateway.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

const alertMessages = () => discord.channelMessages().filter((message) => message.content.startsWith('🟡 **t440**') || message.content.startsWith('🔴 **t440**'));

test('an expiring profile: one alert message saying what to do and who the owner is; a bot restart posts nothing new; a sync resolves it', async () => {
  const posted = await discord.waitForMessage((message) => message.content.startsWith('🟡 **t440**: 1 alert'), 10_000);
  expect(posted.content).toMatch(/⚠️ anthropic:default expires <t:\d+:R>\n {2}→ `\/tokens sync from:pc-a to:t440 profile:anthropic:default` \(owner pc-a holds a fresher one\)/);
  // An expiry alert carries the small timeline of t440 and its owner pc-a: with the text, or
  // edited in right after when the first picture (a cold worker) takes longer than the text waits.
  const alert = await discord.waitForMessage((message) => message.id === posted.id && message.attachments.length > 0, 15_000);
  expect(alert.content).toBe(posted.content);
  expect(alert.attachments.map((attachment) => attachment.filename)).toEqual(['token-timeline-small.png']);
  const picture = PNG.sync.read(alert.attachments[0]!.data);
  expect(picture.width).toBe(VARIANTS.small.width);
  // Two nodes × one account.
  expect(picture.height).toBe(VARIANTS.small.top + 2 * VARIANTS.small.rowHeight + VARIANTS.small.bottom);
  // Several more checks (every second), then a bot restart: still exactly one alert message.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await bot.stop();
  bot = await startBot(discord, fleet, env, { dir: botDir });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(alertMessages()).toHaveLength(1);

  const list = await discord.slash('alerts', { subcommand: 'list', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(list.content).toMatch(/⚠️ \*\*t440\*\* anthropic:default expires <t:\d+:R> · since <t:\d+:R>/);

  await discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 15_000);
  await discord.waitForMessage((message) => message.content === '✅ **t440**: all alerts resolved.', 10_000);
  expect(discord.messageById(alert.id)?.content).toMatch(/^✅ \*\*t440\*\*: resolved <t:\d+:R>$/);
  // Its picture went with the alerts: one of tokens that are fine now would only mislead.
  expect(discord.messageById(alert.id)?.attachments).toEqual([]);
  expect(alertMessages()).toHaveLength(0);
});

test('silences: ops role to change, audited; a silenced alert is still listed', async () => {
  const refused = await discord.slash('alerts', { subcommand: 'silence', options: { target: 't440', duration: '2h' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(refused.content).toBe(`This needs the <@&${discord.opsRoleId}> role.`);
  const bad = await discord.slash('alerts', { subcommand: 'silence', options: { target: '../etc', duration: '2h' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(bad.content).toMatch(/is not a target: use a node \(pc-a, t440\) or node\/profile/);
  const silenced = await discord.slash('alerts', { subcommand: 'silence', options: { target: 't440/anthropic:default', duration: '2h' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(silenced.content).toMatch(/^🔕 Alerts for t440\/anthropic:default silenced until <t:\d+:f>/);
  const list = await discord.slash('alerts', { subcommand: 'list', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(list.content).toMatch(/🔕 t440\/anthropic:default until <t:\d+:R> \(by ops-alice\)/);
  const unsilenced = await discord.slash('alerts', { subcommand: 'unsilence', options: { target: 't440/anthropic:default' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0);
  expect(unsilenced.content).toBe('🔔 Silence on t440/anthropic:default ended.');
  const audit = await discord.slash('audit', { options: { limit: 5 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
  expect(audit.embeds[0]?.description).toMatch(/\*\*alerts unsilence\*\* t440\/anthropic:default · ok/);
  expect(audit.embeds[0]?.description).toMatch(/\*\*alerts silence\*\* t440\/anthropic:default · ok/);
});
