import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VARIANTS } from '../../src/timeline/layout.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import type { InteractionState } from '../../src/standin/discord/types.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { startRestartFleet, type RestartFleet } from '../support/restart-fleet.js';
import { readStore } from '../support/state-dir.js';

/*
 * `/restart` as the ops channel lives it: the plan, reactions from the right and the wrong
 * people, cancel, expiry, a no-go and its force, two restarts at once, and a bot restarted
 * while a plan waits. Real agents, stand-in gateways restarted for real, the local Discord.
 */

let discord: DiscordStandin;
let bot: RunningBot;
let fleetOnLoopback: RestartFleet;
let fleet: Record<string, unknown>;
let fleetEnv: Record<string, string>;
let botDir: string;


beforeAll(async () => {
  fleetOnLoopback = await startRestartFleet();
  fleetEnv = { ...fleetOnLoopback.local.keys };
  const nodes = fleetOnLoopback.local.fleetNodes;
  fleet = { nodes, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' }, sync: { auto: false } };
  discord = await DiscordStandin.start();
  bot = await startBot(discord, fleet, { ...fleetEnv, CONFIRM_TIMEOUT: '6s' });
  botDir = bot.fleetFile.replace(/\/fleet\.json$/, '');
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  await fleetOnLoopback?.local.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

async function plan(options: Record<string, string | boolean>): Promise<{ state: InteractionState; messageId: string; handle: ReturnType<DiscordStandin['slash']> }> {
  const handle = discord.slash('restart', { options, member: DEFAULT_OPS_MEMBER.id });
  const state = await handle.waitForReply((s) => /React ✅|No-go|❗/.test(s.content), 15_000);
  if (state.content.includes('React ✅')) await discord.waitFor(() => (Object.keys(discord.reactionsOn(state.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
  return { state, messageId: state.original?.id ?? '', handle };
}

/** The message's last word: not waiting (⏳) and not running (✅ Confirmed by …). */
const final = (handle: ReturnType<DiscordStandin['slash']>, timeoutMs = 30_000) =>
  handle.waitForReply((s) => s.content.length > 0 && !s.content.startsWith('⏳') && !s.content.startsWith('✅ Confirmed by'), timeoutMs);

describe('/restart t440: the incident', () => {
  test('the plan: expired tokens with "sync from pc-a first", the reconnect warning with 12, the steps', async () => {
    const { state, handle, messageId } = await plan({ node: 't440' });
    const embed = state.embeds[0]!;
    expect(embed.title).toBe('Restart t440 · plan');
    expect(embed.description).toMatch(/Go after the fixes below/);
    const field = (name: string) => embed.fields?.find((f) => f.name.startsWith(name))?.value ?? '';
    expect(field('Token check')).toMatch(/❌ `anthropic:default` \(main, agent1\) · expired <t:\d+:R> → \*\*sync from pc-a first\*\*/);
    expect(field('Token check')).toMatch(/✅ `openai-codex:ops@example\.com` \(main\)/);
    expect(field('Blast radius')).toMatch(/15 agents reconnect at once: expected burst 8–10 against maxConcurrent 4\. Suggested: 12/);
    expect(field('What will run')).toMatch(/1\. sync anthropic:default from pc-a to t440\n2\. restart the gateway on t440/);
    // The small expiry timeline of t440 and its owner, attached to the plan; still there once it is answered.
    const picture = state.attachments[0];
    expect(picture?.filename).toBe('token-timeline-small.png');
    expect(PNG.sync.read(picture!.data).width).toBe(VARIANTS.small.width);
    discord.react(messageId, '❌', DEFAULT_OPS_MEMBER.id);
    const cancelled = await final(handle);
    expect(cancelled.content).toBe('❌ Cancelled by ops-alice. Nothing was done.');
    expect(cancelled.attachments.map((attachment) => attachment.filename)).toEqual(['token-timeline-small.png']);
  });

  test('✅ from a member without the ops role does nothing; ✅ from an ops member syncs, restarts (new pid) and reports ready', async () => {
    const pid = fleetOnLoopback.gateway('t440').pid();
    const { handle, messageId } = await plan({ node: 't440' });
    discord.react(messageId, '✅', DEFAULT_PLAIN_MEMBER.id);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(handle.state.content).toMatch(/React ✅/);
    expect(fleetOnLoopback.gateway('t440').pid()).toBe(pid);
    discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
    const done = await final(handle);
    expect(done.content).toBe('✅ t440 ready. Confirmed by ops-alice.');
    expect(done.embeds[0]?.title).toBe('Restart t440 · done');
    expect(done.embeds[0]?.fields?.find((f) => f.name === 'Timings')?.value).toMatch(/fixes .* · restart command .* · ready after .* · total /);
    expect(fleetOnLoopback.gateway('t440').pid()).not.toBe(pid);
    expect(readStore(fleetOnLoopback.states.t440, 'agent1').profiles['anthropic:default']?.access).toBe(readStore(fleetOnLoopback.states['pc-a'], 'main').profiles['anthropic:default']?.access);
  });

  test('no reaction: the plan expires and says so', async () => {
    const pid = fleetOnLoopback.gateway('t440').pid();
    const { handle } = await plan({ node: 't440' });
    expect((await final(handle, 10_000)).content).toBe('⌛ Expired: no ✅ from an ops member within 6s. Nothing was done.');
    expect(fleetOnLoopback.gateway('t440').pid()).toBe(pid);
  });

  test('two /restart t440 at once: the second is refused while the first is pending', async () => {
    const first = await plan({ node: 't440' });
    const second = await discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(second.content).toMatch(/^❗ t440 is busy: restart \(ops-alice's plan\) by ops-alice, started <t:\d+:R>/);
    discord.react(first.messageId, '❌', DEFAULT_OPS_MEMBER.id);
    await final(first.handle);
  });
});

describe('no-go and force', () => {
  test('no valid source anywhere: no-go, nothing to confirm; force:true restarts and says so', async () => {
    const pid = fleetOnLoopback.gateway('solo').pid();
    const noGo = await plan({ node: 'solo' });
    expect(noGo.state.content).toBe('⛔ No-go for solo: nothing to confirm. Nothing was done.');
    expect(noGo.state.embeds[0]?.fields?.[0]?.value).toMatch(/⛔ `google-gemini-cli:solo@example\.com` \(main\) · expired <t:\d+:R> · no valid copy on any node, and no owner to refresh it/);
    expect(discord.reactionsOn(noGo.messageId)).toEqual({});
    discord.react(noGo.messageId, '✅', DEFAULT_OPS_MEMBER.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fleetOnLoopback.gateway('solo').pid()).toBe(pid);

    const forced = await plan({ node: 'solo', force: true });
    expect(forced.state.embeds[0]?.description).toMatch(/Forced/);
    expect(forced.state.embeds[0]?.fields?.find((f) => f.name === 'Risk (forced)')?.value).toMatch(/google-gemini-cli:solo@example\.com will load expired/);
    discord.react(forced.messageId, '✅', DEFAULT_OPS_MEMBER.id);
    const done = await final(forced.handle);
    // The gateway restarts, but the stand-in stays not ready on an expired token: reported, not hidden.
    expect(done.content).toMatch(/^❌ solo: the gateway was not ready again within the deadline/);
    expect(fleetOnLoopback.gateway('solo').pid()).not.toBe(pid);
    const audit = await discord.slash('audit', { options: { limit: 10 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    expect(audit.embeds[0]?.description).toMatch(/\*\*restart confirmation\*\* solo \(force\) · confirmed · ops-alice \(discord\) — plan by ops-alice; FORCED: /);
  });
});

test('/restart all plans every node, one at a time, and is a no-go while one node has no valid source', async () => {
  const all = await plan({ node: 'all' });
  expect(all.state.content).toBe('⛔ No-go for solo: nothing to confirm. Nothing was done.');
  expect(all.state.embeds.map((embed) => embed.title)).toEqual(['Restart pc-a · plan', 'Restart t440 · plan', 'Restart solo · plan']);
});

describe('/capacity', () => {
  test('shows the suggestion; setting needs the ops role; an ops member sets it through the agent', async () => {
    const shown = await discord.slash('capacity', { options: { node: 't440' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(shown.content).toMatch(/\*\*t440\*\*: 15 agents, maxConcurrent 4\.\nA restart reconnects them at once: expected burst 8–10\.\n⚠️ That exceeds maxConcurrent; suggested \*\*12\*\*/);
    const refused = await discord.slash('capacity', { options: { node: 't440', max_concurrent: 12 }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(refused.content).toBe(`This needs the <@&${discord.opsRoleId}> role.`);
    const set = await discord.slash('capacity', { options: { node: 't440', max_concurrent: 12 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0, 15_000);
    expect(set.content).toMatch(/^✅ maxConcurrent on t440: 4 → 12\./);
  });
});

describe('a bot restarted while a plan waits', () => {
  test('the plan is marked expired at start and a late ✅ does nothing; the node is untouched', async () => {
    const pid = fleetOnLoopback.gateway('pc-a').pid();
    const pending = await plan({ node: 'pc-a' });
    await bot.stop();
    bot = await startBot(discord, fleet, { ...fleetEnv, CONFIRM_TIMEOUT: '6s' }, { dir: botDir });
    await discord.waitFor(() => (discord.messageById(pending.messageId)?.content.startsWith('⌛ Expired: the bot restarted') ? true : undefined), 10_000, 'the leftover plan to be expired');
    discord.react(pending.messageId, '✅', DEFAULT_OPS_MEMBER.id);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(fleetOnLoopback.gateway('pc-a').pid()).toBe(pid);
    const audit = await discord.slash('audit', { options: { limit: 5 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    expect(audit.embeds[0]?.description).toMatch(/⌛ <t:\d+:f> \*\*restart\*\* pc-a · expired · bot restart \(scheduler\) — plan by ops-alice was pending when the bot restarted/);
  });
});
