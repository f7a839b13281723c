import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * The ops channel set up wrong, as a new server often is. The local Discord decides what the
 * bot may do there as Discord does (its roles, then the channel's overwrites) and refuses
 * the rest with 403 50013. `/restart` where the bot may not add reactions is refused up
 * front, naming the permission and the channel, instead of posting a plan nobody can
 * confirm; an alert the bot may not post is kept and posted once the channel is fixed.
 */

let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];

beforeAll(async () => {
  const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex() };
  for (const [name, expires] of [['pc-a', 3 * DAY], ['t440', 5 * HOUR]] as const) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expires) } } } });
    agents.push(await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: name === 'pc-a' ? keys.pca : keys.t440, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' }));
  }
  discord = await DiscordStandin.start();
  // The ops channel's first setup: the bot may neither add reactions nor send there.
  discord.setChannelOverwrites(discord.opsChannelId, [{ id: discord.botUserId, type: 'member', allow: 0n, deny: P.AddReactions | P.SendMessages }]);
  bot = await startBot(
    discord,
    {
      nodes: [
        { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
        { name: 't440', url: agents[1]!.url, keyEnv: 'TOKENOPS_KEY_T440' },
      ],
      owners: { 'anthropic:*': 'pc-a' },
      sync: { auto: false },
      renew: { auto: false },
      alerts: { checkEvery: '2s', warnBefore: '24h', criticalBefore: '1h' },
    },
    { TOKENOPS_KEY_PC_A: keys.pca, TOKENOPS_KEY_T440: keys.t440 },
  );
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

describe('a channel where the bot may not do everything', () => {
  test('at start the bot says what is missing in the channel, and the fix, in one log line', async () => {
    const line = await bot.waitFor(/"msg":"permissions: missing in #ops/, 10_000);
    expect(line).toContain('"level":50');
    // Discord's implicit denials too: no embeds or files where it may not send.
    expect(line).toContain('Send Messages (to post alerts and restart plans); Embed Links (to show status, plans and reports as embeds); Attach Files (to attach the expiry timelines); Add Reactions (to take a confirmation (the ✅ under a plan))');
    expect(line).toContain('→ allow Send Messages, Embed Links, Attach Files, Add Reactions for the bot in #ops (channel settings → Permissions), or in its role');
  });

  test('an alert the bot may not post is refused with 50013, kept, and posted once the channel lets it', async () => {
    await discord.waitFor(() => discord.refusals.find((refusal) => refusal.includes(`POST /channels/${discord.opsChannelId}/messages: Missing Permissions (SendMessages)`)), 10_000, 'the refused alert');
    expect(discord.channelMessages()).toEqual([]);
    await bot.waitFor(/alert notification failed; will retry/, 5_000);
    // Fixed for sending; reactions still denied.
    discord.setChannelOverwrites(discord.opsChannelId, [{ id: discord.botUserId, type: 'member', allow: 0n, deny: P.AddReactions }]);
    const alert = await discord.waitForMessage((message) => message.content.startsWith('🟡 **t440**'), 10_000);
    expect(alert.content).toContain('anthropic:default');
  });

  test('/restart where the bot may not add reactions: refused up front, naming the permission and the channel; no plan, no reaction', async () => {
    const before = discord.channelMessages().length;
    const reply = await discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0, 10_000);
    expect(reply.content).toBe(`tokenops needs Add Reactions in <#${discord.opsChannelId}> to take a confirmation: give its role that in the channel's permissions, then run this again.`);
    expect(reply.embeds).toEqual([]);
    expect(discord.channelMessages().length).toBe(before);
    expect(discord.refusals.filter((refusal) => refusal.includes('PUT reaction'))).toEqual([]);
  });

  test('once the channel lets it add reactions, /restart offers its plan with ✅ and ❌', async () => {
    discord.setChannelOverwrites(discord.opsChannelId, []);
    const handle = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    const plan = await handle.waitForReply((s) => /React ✅|No-go/.test(s.content), 15_000);
    expect(plan.content).toContain('React ✅');
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(plan.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    discord.react(plan.original!.id, '❌', DEFAULT_OPS_MEMBER.id);
    expect((await handle.waitForReply((s) => s.content.startsWith('❌'), 10_000)).content).toBe('❌ Cancelled by ops-alice. Nothing was done.');
  });
});
