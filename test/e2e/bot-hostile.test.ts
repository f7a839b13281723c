import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin, OTHER_GUILD_ID } from '../../src/standin/discord/index.js';
import type { InteractionState, SlashOptions } from '../../src/standin/discord/types.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { newNodeKeyHex, restartFleetStates } from '../support/state-dir.js';
import { suiteCapture } from '../support/suite-capture.js';
import { snapshotTree, treeChanges, type TreeSnapshot } from '../support/tree-snapshot.js';

/*
 * Hostile input from Discord (issue 9, "Hostile input", Discord): option values at and
 * past their limits, mention and markdown injection, unknown nodes, commands from another
 * guild or a DM, and ✅ on messages that are not live plans. The real bot against the local
 * Discord stand-in, real agents and stand-in gateways. Each must be refused or ignored,
 * with a clear message where there is someone to tell, and nothing run: the gateways keep
 * their pids, the stores their bytes, and the audit log gains no action.
 *
 * Discord itself enforces an option's max_length and min/max_value, so values past them
 * arrive only from a client that bypasses it; the bot must hold anyway. bot-status and
 * bot-restart already cover the plain cases (an unknown node for status, another guild
 * for status, ✅ from a member without the ops role, an expired plan on restart).
 */

let discord: DiscordStandin;
let bot: RunningBot;
let fleet: LocalFleet;
const states: Record<string, string> = {};
let baseline: TreeSnapshot;
// Counted into the suite's figure too (printed at the end of npm test).
const tally = suiteCapture.hostile;

beforeAll(async () => {
  const { 'pc-a': pca, t440 } = restartFleetStates();
  Object.assign(states, { 'pc-a': pca, t440 });
  fleet = await startLocalFleet(states, { newKey: newNodeKeyHex });
  discord = await DiscordStandin.start();
  bot = await startBot(discord, { nodes: fleet.fleetNodes, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' }, sync: { auto: false } }, { ...fleet.keys, CONFIRM_TIMEOUT: '5s' });
  await discord.waitForReady();
  baseline = fleetState();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  await fleet?.stop();
  await discord?.close();
  killAllSpawned();
  console.log(`hostile Discord inputs tried: ${tally.tried}; ran something: ${tally.changed}`);
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

/** The stores and config of every node, and which gateway process runs on each. */
function fleetState(): TreeSnapshot {
  const snapshot: TreeSnapshot = new Map();
  for (const [node, dir] of Object.entries(states)) {
    for (const [file, value] of snapshotTree(dir)) if (file !== 'standin-gateway.json') snapshot.set(`${node}/${file}`, value);
    snapshot.set(`${node} gateway pid`, String(fleet.nodes[node]!.gateway.pid()));
  }
  return snapshot;
}

/** The audit log as the ops channel reads it: one line per record, newest first. */
async function auditLines(): Promise<string[]> {
  const log = await discord.slash('audit', { options: { limit: 50 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 10_000);
  return (log.embeds[0]?.description ?? '').split('\n').filter(Boolean);
}

/** Audit records that say something was done (not a refusal). */
const ACTION = /· (ok|confirmed|planned|failed|partial) ·/;

/**
 * Runs one hostile input and checks that nothing ran: no node changed, no gateway
 * restarted, no audited action. Returns what the input produced.
 */
async function hostile<T>(run: () => Promise<T>): Promise<T> {
  tally.tried++;
  const auditBefore = await auditLines();
  const result = await run();
  const auditAfter = await auditLines();
  // Newest first, and capped: what is new is what was not there before.
  const newRecords = auditAfter.filter((line) => !auditBefore.includes(line));
  const changes = treeChanges(baseline, fleetState());
  const actions = newRecords.filter((line) => ACTION.test(line));
  if (changes.length > 0 || actions.length > 0) tally.changed++;
  expect({ changes, actions }).toEqual({ changes: [], actions: [] });
  return result;
}

function ask(command: string, options: Omit<SlashOptions, 'member'> & { member?: string }): Promise<InteractionState> {
  return discord.slash(command, { member: DEFAULT_OPS_MEMBER.id, ...options }).waitForReply((s) => s.content.length > 0, 15_000);
}

/**
 * Whether Discord would notify anyone for this message body: a mention in `content` pings
 * unless `allowed_mentions` leaves its kind out (absent means everything is parsed).
 * Mentions in embeds never notify.
 */
function pings(raw: string): string[] {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return [];
  }
  const message = (typeof body.data === 'object' && body.data !== null ? body.data : body) as { content?: unknown; allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[] } };
  const content = typeof message.content === 'string' ? message.content : '';
  const allowed = message.allowed_mentions;
  const parsed = (kind: string) => allowed === undefined || (allowed.parse ?? []).includes(kind);
  const found: string[] = [];
  if (/@(everyone|here)/.test(content) && parsed('everyone')) found.push(`@everyone in ${JSON.stringify(content.slice(0, 80))}`);
  for (const [, id] of content.matchAll(/<@&(\d+)>/g)) if (parsed('roles') || allowed?.roles?.includes(id!)) found.push(`role ${id} in ${JSON.stringify(content.slice(0, 80))}`);
  for (const [, id] of content.matchAll(/<@!?(\d+)>/g)) if (parsed('users') || allowed?.users?.includes(id!)) found.push(`user ${id} in ${JSON.stringify(content.slice(0, 80))}`);
  return found;
}

describe('option values at and past their limits', () => {
  test.each([
    ['at max_length (63)', 'x'.repeat(63)],
    ['past max_length', 'x'.repeat(64)],
    ['far past it (5000 characters)', 'n'.repeat(5000)],
    ['a zero-width space', 't440\u200b'],
    ['full-width letters', 'ｔ４４０'],
    ['right-to-left override', 't440\u202epc-a'],
    ['emoji', '🔥🔥'],
  ])('/tokens status node: %s → unknown node, in one message within Discord\'s limits', async (_label, node) => {
    const reply = await hostile(() => ask('tokens', { subcommand: 'status', options: { node } }));
    // The name is cut, not the part that says what to do.
    expect(reply.content).toMatch(/^❗ unknown node ".{1,100}"; the fleet has pc-a, t440$/su);
    expect([...reply.content].length).toBeLessThanOrEqual(2000);
    expect(reply.refusals).toEqual([]);
  });

  test('/restart and /capacity with a 5000-character node: refused in one message, nothing run', async () => {
    for (const [command, options] of [['restart', { node: 'n'.repeat(5000) }], ['capacity', { node: 'n'.repeat(5000), max_concurrent: 12 }]] as const) {
      const reply = await hostile(() => ask(command, { options }));
      expect(reply.content).toMatch(/^❗ unknown node "n+/);
      expect(reply.refusals).toEqual([]);
    }
  });

  test.each([0, -1, 51, 2 ** 53 - 1])('/audit limit:%s → refused, naming the range', async (limit) => {
    const reply = await hostile(() => ask('audit', { options: { limit } }));
    expect(reply.content).toBe('❗ limit: use a number from 1 to 50.');
  });

  test('/audit limit at its bounds (1 and 50) answers', async () => {
    for (const limit of [1, 50]) {
      const reply = await discord.slash('audit', { options: { limit }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
      expect(reply.embeds[0]?.title).toMatch(/^Audit log/);
    }
  });

  test.each([0, -5, 1001, 2 ** 31])('/capacity max_concurrent:%s → refused before the agent is asked; maxConcurrent unchanged', async (value) => {
    const reply = await hostile(() => ask('capacity', { options: { node: 't440', max_concurrent: value } }));
    expect(reply.content).toBe('❗ max_concurrent: use a whole number from 1 to 1000.');
  });

  test.each([
    ['a path', '../../etc/passwd'],
    ['an absolute path', '/etc/passwd'],
    ['a NUL byte', 'anthropic:default\u0000'],
    ['past max_length (257)', `anthropic:${'a'.repeat(247)}`],
  ])('/tokens sync profile: %s → refused, nothing written', async (_label, profile) => {
    const reply = await hostile(() => ask('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440', profile } }));
    // Not "pc-a did not answer the export": the input is what is wrong.
    expect(reply.content).toMatch(/^❗ profile: (expected a profile id like "anthropic:default"|Too big)/);
    expect(reply.refusals).toEqual([]);
  });

  test('/tokens refresh profile: a path → refused, nothing refreshed', async () => {
    const reply = await hostile(() => ask('tokens', { subcommand: 'refresh', options: { node: 'pc-a', profile: '../../etc/passwd' } }));
    expect(reply.content).toMatch(/^❗ profile: expected a profile id like "anthropic:default"/);
  });

  test.each([
    ['0s', /duration/],
    ['-1h', /duration/],
    ['99999d', /at most 30d/],
    ['x'.repeat(16), /duration/],
    ['1e400h', /duration/],
  ])('/alerts silence duration:%s → refused; no silence is set', async (duration, message) => {
    const reply = await hostile(() => ask('alerts', { subcommand: 'silence', options: { target: 't440', duration } }));
    expect(reply.content).toMatch(message);
    const list = await discord.slash('alerts', { subcommand: 'list', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(list.content).not.toMatch(/Silences/);
  });

  test('/alerts silence target: 320 characters, a path, or a node that is not there → refused', async () => {
    for (const target of ['t'.repeat(320), 't440/../../etc/passwd', 't440/anthropic:default/x', 't440/anthropic:\u0000', 'nowhere']) {
      const reply = await hostile(() => ask('alerts', { subcommand: 'silence', options: { target, duration: '2h' } }));
      expect(reply.content).toMatch(/is not a target: use a node \(pc-a, t440\) or node\/profile/);
      expect([...reply.content].length).toBeLessThanOrEqual(2000);
    }
  });
});

describe('mention and markdown injection', () => {
  const injected = ['@everyone', '@here', `<@&${DEFAULT_OPS_MEMBER.roleIds[0]}>`, `<@${DEFAULT_PLAIN_MEMBER.id}>`, '**bold** `tick` ||spoiler|| [link](https://example.invalid)'];

  test.each(injected)('%s as a node or target is echoed in the refusal, and pings no one', async (text) => {
    const before = discord.requests.length;
    const status = await hostile(() => ask('tokens', { subcommand: 'status', options: { node: text } }));
    const silence = await hostile(() => ask('alerts', { subcommand: 'silence', options: { target: text, duration: '1h' } }));
    // The text is in the content: whether it pings is up to allowed_mentions.
    expect(status.content).toContain(text);
    expect(silence.content).toContain(text);
    const sent = discord.requests.slice(before).filter((request) => request.method !== 'GET');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.flatMap((request) => pings(request.body))).toEqual([]);
  });

  test('the "needs the ops role" refusal names the role without pinging it', async () => {
    const before = discord.requests.length;
    const refused = await hostile(() => discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0));
    expect(refused.content).toBe(`This needs the <@&${discord.opsRoleId}> role.`);
    expect(discord.requests.slice(before).flatMap((request) => pings(request.body))).toEqual([]);
  });
});

describe('commands from another guild or a DM', () => {
  const changing: Array<[string, Omit<SlashOptions, 'member' | 'guildId'>]> = [
    ['restart', { options: { node: 'pc-a' } }],
    ['capacity', { options: { node: 't440', max_concurrent: 12 } }],
    ['tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' } }],
    ['tokens', { subcommand: 'refresh', options: { node: 'pc-a' } }],
    ['alerts', { subcommand: 'silence', options: { target: 't440', duration: '2h' } }],
    ['audit', { options: { limit: 5 } }],
  ];
  test.each(changing.flatMap(([command, options]) => [[`/${command} ${options.subcommand ?? ''}`, 'another guild', command, options, OTHER_GUILD_ID] as const, [`/${command} ${options.subcommand ?? ''}`, 'a DM', command, options, null] as const]))(
    '%s from %s, by a member who has the ops role in the ops guild → refused, nothing run',
    async (_label, _where, command, options, guildId) => {
      const reply = await hostile(() => ask(command, { ...options, guildId }));
      expect(reply).toMatchObject({ ephemeral: true, content: 'tokenops answers only in its ops server.' });
      expect(reply.embeds).toEqual([]);
    },
  );
});

test('autocomplete from another guild or a DM lists no node names', async () => {
  for (const guildId of [OTHER_GUILD_ID, null]) {
    const choices = await hostile(() => discord.autocomplete('restart', { focused: 'node', value: '', member: DEFAULT_OPS_MEMBER.id, guildId }));
    expect(choices).toEqual([]);
  }
  // In the ops guild the same question lists them (so the refusal above is the guild's doing).
  expect(await discord.autocomplete('restart', { focused: 'node', value: '', member: DEFAULT_OPS_MEMBER.id })).toEqual(expect.arrayContaining([{ name: 'pc-a', value: 'pc-a' }]));
});

describe('✅ where there is no live plan', () => {
  async function plan(node: string): Promise<{ messageId: string; handle: ReturnType<DiscordStandin['slash']> }> {
    const handle = discord.slash('restart', { options: { node }, member: DEFAULT_OPS_MEMBER.id });
    const state = await handle.waitForReply((s) => /React ✅/.test(s.content), 15_000);
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(state.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    return { messageId: state.original!.id, handle };
  }
  /**
   * Gives the reaction time to land, then watches for 2 s more that it changed nothing: no
   * node, no gateway, and not the message reacted to, if given (a confirmed plan is edited at
   * once). An action that lands late shows up here, or in the audit read hostile() does after.
   */
  async function settle(messageId?: string): Promise<void> {
    const contentOf = () => (messageId === undefined ? null : discord.messageById(messageId)?.content);
    const content = contentOf();
    await new Promise((resolve) => setTimeout(resolve, 600));
    for (const started = Date.now(); Date.now() - started < 2_000; ) {
      expect({ changes: treeChanges(baseline, fleetState()), content: contentOf() }).toEqual({ changes: [], content });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('on a status reply, on a member\'s own message and on an alert: ignored', async () => {
    const status = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 10_000);
    const own = discord.injectMessage({ content: '/restart pc-a please ✅', authorId: DEFAULT_OPS_MEMBER.id });
    const alert = await discord.waitForMessage((message) => message.channelId === discord.opsChannelId && message.kind === 'channel' && message.author.bot && /t440/.test(message.content), 20_000);
    for (const messageId of [status.original!.id, own.id, alert.id]) {
      await hostile(async () => {
        discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
        // The alert's own checks may edit it; only the others must stay as they were.
        await settle(messageId === alert.id ? undefined : messageId);
      });
    }
  });

  test('on a plan already cancelled, and on one that expired: nothing runs', async () => {
    const cancelled = await plan('pc-a');
    // The plan itself is audited when posted; what follows must add no action.
    discord.react(cancelled.messageId, '❌', DEFAULT_OPS_MEMBER.id);
    await cancelled.handle.waitForReply((s) => s.content.startsWith('❌ Cancelled'));
    const expired = await plan('pc-a');
    await expired.handle.waitForReply((s) => s.content.startsWith('⌛ Expired'), 10_000);
    baseline = fleetState();
    for (const messageId of [cancelled.messageId, expired.messageId]) {
      await hostile(async () => {
        discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
        await settle(messageId);
      });
    }
    expect(discord.messageById(cancelled.messageId)?.content).toMatch(/^❌ Cancelled/);
    expect(discord.messageById(expired.messageId)?.content).toMatch(/^⌛ Expired/);
  });

  test('other emoji on a live plan, even from an ops member, do not confirm it', async () => {
    const live = await plan('pc-a');
    await hostile(async () => {
      for (const emoji of ['👍', '✔️', '☑️', 'white_check_mark', '✅\u200b']) discord.react(live.messageId, emoji, DEFAULT_OPS_MEMBER.id);
      await settle(live.messageId);
    });
    expect(discord.messageById(live.messageId)?.content).toMatch(/React ✅/);
    discord.react(live.messageId, '❌', DEFAULT_OPS_MEMBER.id);
    await live.handle.waitForReply((s) => s.content.startsWith('❌ Cancelled'));
  });
});

test('no message the bot sent would ping anyone, and Discord refused none of them', () => {
  const sent = discord.requests.filter((request) => request.method !== 'GET' && request.body.length > 0);
  expect(sent.length).toBeGreaterThan(50);
  expect(sent.flatMap((request) => pings(request.body))).toEqual([]);
  expect(discord.refusals).toEqual([]);
  // The bot is still up and still answers.
  expect(bot.proc.exitCode).toBeNull();
  expect(readFileSync(path.join(states.t440!, 'openclaw.json'), 'utf8')).toMatch(/maxConcurrent: 4/);
});
