import { once } from 'node:events';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  SlashCommandBuilder,
  type Interaction,
  type Message,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type SendableChannels,
  type User,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin, OTHER_GUILD_ID } from '../../src/standin/discord/index.js';

const TOKEN = 'standin.bot.token-not-a-secret';
// Channels of their own for the rate-limit test, so its buckets are not the other tests'.
const BURST = { id: '1300000000000000091', name: 'burst' };
const RAW = { id: '1300000000000000092', name: 'raw' };
const OPS = DEFAULT_OPS_MEMBER;
const PLAIN = DEFAULT_PLAIN_MEMBER;

const commandDefinitions = [
  new SlashCommandBuilder()
    .setName('tokens')
    .setDescription('Token operations')
    .addSubcommand((sub) =>
      sub
        .setName('status')
        .setDescription('Fleet status')
        .addStringOption((option) => option.setName('node').setDescription('Node').setAutocomplete(true)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('restart')
        .setDescription('Restart a gateway')
        .addStringOption((option) => option.setName('node').setDescription('Node').setRequired(true))
        .addIntegerOption((option) => option.setName('delay').setDescription('Seconds'))
        .addBooleanOption((option) => option.setName('force').setDescription('Even if busy')),
    ),
  new SlashCommandBuilder()
    .setName('audit')
    .setDescription('Latest audit records')
    .addIntegerOption((option) => option.setName('limit').setDescription('How many')),
].map((builder) => builder.toJSON());

type Handler = (interaction: Interaction) => Promise<void>;
type ReactionEvent = [MessageReaction | PartialMessageReaction, User | PartialUser];

describe('the local Discord stand-in, driven by the real discord.js Client', () => {
  let standin: DiscordStandin;
  let client: Client;
  let readyMs = 0;
  let handler: Handler | null = null;
  const handlerErrors: unknown[] = [];
  const standinLog: string[] = [];

  const ops = (): SendableChannels => {
    const channel = client.channels.cache.get(standin.opsChannelId);
    if (!channel?.isSendable()) throw new Error('ops channel not cached');
    return channel;
  };

  beforeAll(async () => {
    standin = await DiscordStandin.start({ token: TOKEN, log: (line) => standinLog.push(line), channels: [BURST, RAW] });
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.GuildMembers],
      partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
      rest: { api: standin.apiBase },
    });
    client.on(Events.InteractionCreate, (interaction) => {
      void handler?.(interaction).catch((error: unknown) => handlerErrors.push(error));
    });
    const started = Date.now();
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
    readyMs = Date.now() - started;
  });

  afterAll(async () => {
    await client?.destroy();
    await standin?.close();
  });

  test('clientReady comes promptly, with the guild, its channels, roles and members cached', async () => {
    expect(readyMs).toBeLessThan(10_000);
    await standin.waitForReady();
    const guild = client.guilds.cache.get(standin.guildId);
    expect(guild?.channels.cache.get(standin.opsChannelId)?.type).toBe(ChannelType.GuildText);
    expect(guild?.roles.cache.has(standin.opsRoleId)).toBe(true);
    expect(guild?.members.cache.get(OPS.id)?.roles.cache.has(standin.opsRoleId)).toBe(true);
    expect(guild?.members.cache.get(PLAIN.id)?.roles.cache.has(standin.opsRoleId)).toBe(false);
    expect(client.user?.id).toBe(standin.botUserId);
    expect(client.application?.id).toBe(standin.applicationId);
    // No compression was asked for, and the IDENTIFY carried the intents.
    expect(standin.gatewayLog[0]).toMatch(/^connect \/gateway\?v=10&encoding=json$/);
    expect(standin.identifies[0]?.intents).toBe(client.options.intents.bitfield);
  });

  test('guild commands registered through the client are recorded with ids', async () => {
    const registered = await client.application!.commands.set(commandDefinitions, standin.guildId);
    expect([...registered.values()].map((command) => command.name).sort()).toEqual(['audit', 'tokens']);
    expect(standin.registeredCommands.map((command) => command.name).sort()).toEqual(['audit', 'tokens']);
    expect(registered.find((command) => command.name === 'tokens')?.id).toBe(standin.registeredCommands.find((command) => command.name === 'tokens')?.id);
    expect(standin.routesSeen).toContain(`PUT /v10/applications/${standin.applicationId}/guilds/${standin.guildId}/commands`);
  });

  test('a slash command with a subcommand and options arrives typed, with the member roles; defer + edit + follow-up are recorded', async () => {
    const seen: unknown[] = [];
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        command: interaction.commandName,
        subcommand: interaction.options.getSubcommand(),
        node: interaction.options.getString('node'),
        delay: interaction.options.getInteger('delay'),
        force: interaction.options.getBoolean('force'),
        userId: interaction.user.id,
        hasOpsRole: interaction.inCachedGuild() && interaction.member.roles.cache.has(standin.opsRoleId),
      });
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ embeds: [new EmbedBuilder().setTitle('Restart pc-a').setDescription('queued').addFields({ name: 'delay', value: '30 s' })] });
      await interaction.followUp({ content: 'restart finished', flags: MessageFlags.Ephemeral });
    };
    const handle = standin.slash('tokens', { subcommand: 'restart', options: { node: 'pc-a', delay: 30, force: true }, member: OPS.id });
    const state = await handle.waitForReply((s) => s.followUps.length === 1);
    expect(seen).toEqual([{ command: 'tokens', subcommand: 'restart', node: 'pc-a', delay: 30, force: true, userId: OPS.id, hasOpsRole: true }]);
    expect(state.callbacks.map((callback) => callback.type)).toEqual([5]);
    expect(state.callbacks[0]!.latencyMs).toBeLessThan(3_000);
    expect(state).toMatchObject({ ephemeral: true, loading: false, content: '' });
    expect(state.embeds).toEqual([{ title: 'Restart pc-a', description: 'queued', fields: [{ name: 'delay', value: '30 s' }] }]);
    expect(state.followUps.map((message) => [message.content, message.ephemeral])).toEqual([['restart finished', true]]);
    expect(state.original?.history.map((version) => version.flags)).toEqual([MessageFlags.Ephemeral | MessageFlags.Loading, MessageFlags.Ephemeral]);
    // Option types came from the registered definition (integer 4, boolean 5).
    const sent = (handle.payload.data as { options: Array<{ options: Array<{ name: string; type: number }> }> }).options[0]!.options;
    expect(sent.map((option) => [option.name, option.type])).toEqual([['node', 3], ['delay', 4], ['force', 5]]);
  });

  test('a member without the ops role is seen without it; reply withResponse gets the created message', async () => {
    let answered: (id: string | undefined) => void = () => undefined;
    const responseMessageId = new Promise<string | undefined>((resolve) => (answered = resolve));
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const hasOps = interaction.inCachedGuild() && interaction.member.roles.cache.has(standin.opsRoleId);
      const response = await interaction.reply({
        content: hasOps ? `last ${interaction.options.getInteger('limit')}` : 'This needs the ops role.',
        flags: MessageFlags.Ephemeral,
        withResponse: true,
      });
      answered(response.resource?.message?.id);
    };
    const state = await standin.slash('audit', { options: { limit: 5 }, member: PLAIN.id }).waitForReply();
    expect(state).toMatchObject({ content: 'This needs the ops role.', ephemeral: true });
    expect(await responseMessageId).toBe(state.original?.id);
    expect(state.callbacks[0]?.withResponse).toBe(true);
  });

  test("an autocomplete interaction resolves with the bot's choices", async () => {
    handler = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      expect(interaction.options.getSubcommand()).toBe('status');
      await interaction.respond(['pc-a', 'pc-b', 't440'].filter((name) => name.startsWith(focused.value)).map((name) => ({ name, value: name })));
    };
    const choices = await standin.autocomplete('tokens', { subcommand: 'status', focused: 'node', value: 'pc', member: OPS.id });
    expect(choices).toEqual([
      { name: 'pc-a', value: 'pc-a' },
      { name: 'pc-b', value: 'pc-b' },
    ]);
  });

  let botMessage: Message;

  test("channel.send and message.react record the message and the bot's reaction", async () => {
    botMessage = await ops().send('hello from the bot');
    await botMessage.react('✅');
    const recorded = standin.messageById(botMessage.id);
    expect(recorded).toMatchObject({ content: 'hello from the bot', kind: 'channel', author: { id: standin.botUserId, bot: true } });
    expect(standin.reactionsOn(botMessage.id)).toEqual({ '✅': [standin.botUserId] });
    expect(botMessage.reactions.cache.get('✅')?.me).toBe(true);
  });

  test('an injected reaction reaches messageReactionAdd with the member, also on an uncached message (partials)', async () => {
    const first = once(client, Events.MessageReactionAdd) as Promise<ReactionEvent>;
    standin.react(botMessage.id, '👍', OPS.id);
    const [reaction, user] = await first;
    expect(user.id).toBe(OPS.id);
    expect(reaction.message.id).toBe(botMessage.id);
    expect(reaction.emoji.name).toBe('👍');
    expect(reaction.message.guild?.members.cache.get(OPS.id)?.roles.cache.has(standin.opsRoleId)).toBe(true);

    const unseen = standin.injectMessage({ content: 'posted while the bot was away', authorId: PLAIN.id, dispatch: false });
    const second = once(client, Events.MessageReactionAdd) as Promise<ReactionEvent>;
    standin.react(unseen.id, '✅', PLAIN.id);
    const [partialReaction, partialUser] = await second;
    expect(partialUser.id).toBe(PLAIN.id);
    expect(partialReaction.message.partial).toBe(true);
    const fetched = await partialReaction.message.fetch();
    expect(fetched.content).toBe('posted while the bot was away');
    expect(fetched.author.id).toBe(PLAIN.id);
    expect(standin.reactions[unseen.id]).toEqual({ '✅': [PLAIN.id] });
  });

  test('a DM interaction arrives outside a guild; one from another guild is in a guild but not a cached one', async () => {
    const seen: unknown[] = [];
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({ inGuild: interaction.inGuild(), cached: interaction.inCachedGuild(), guildId: interaction.guildId, dm: interaction.channel?.type === ChannelType.DM });
      await interaction.reply({ content: interaction.inGuild() ? 'not this guild' : 'dm ok' });
    };
    const dm = await standin.slash('tokens', { subcommand: 'status', member: PLAIN.id, guildId: null }).waitForReply();
    expect(dm.content).toBe('dm ok');
    expect(dm.original?.guildId).toBeNull();
    const stranger = { id: '1300000000000000077', username: 'stranger', roleIds: [] };
    const elsewhere = await standin.slash('tokens', { subcommand: 'status', member: stranger, guildId: OTHER_GUILD_ID }).waitForReply();
    expect(elsewhere.content).toBe('not this guild');
    expect(seen).toEqual([
      { inGuild: false, cached: false, guildId: null, dm: true },
      { inGuild: true, cached: false, guildId: OTHER_GUILD_ID, dm: false },
    ]);
  });

  test("a DM's transcript names the member at the other end by name, one outside the guild too", async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'only for you', flags: MessageFlags.Ephemeral });
    };
    const outsider = { id: '1300000000000000078', username: 'dm-carol', roleIds: [] };
    const handle = standin.slash('audit', { member: outsider, guildId: null });
    await handle.waitForReply();
    const transcript = standin.transcript(handle.channelId);
    expect(transcript).toContain('dm-carol used /audit');
    expect(transcript).toContain('(BOT, only visible to dm-carol):\n  only for you');
    expect(transcript).not.toContain(outsider.id);
  });

  test('a multipart message with an attachment is recorded (name, size, bytes)', async () => {
    const bytes = Buffer.from('\x89PNG fake image bytes');
    const sent = await ops().send({ content: 'report attached', files: [{ attachment: bytes, name: 'x.png' }] });
    const recorded = standin.messageById(sent.id);
    expect(recorded?.attachments.map((attachment) => [attachment.filename, attachment.size])).toEqual([['x.png', bytes.length]]);
    expect(sent.attachments.first()?.name).toBe('x.png');
    expect(standin.requestBodies.some((body) => body.includes('payload_json') && body.includes('report attached'))).toBe(true);
    const served = Buffer.from(await (await fetch(recorded!.attachments[0]!.url)).arrayBuffer());
    expect(served.equals(bytes)).toBe(true);
  });

  test('a button click updates the message it sits on', async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('confirm').setLabel('Confirm').setStyle(ButtonStyle.Danger));
    const prompt = await ops().send({ content: 'Restart t440?', components: [row] });
    handler = async (interaction) => {
      if (interaction.isButton() && interaction.customId === 'confirm') await interaction.update({ content: 'Restarting t440…', components: [] });
    };
    const state = await standin.click(prompt.id, 'confirm', { member: OPS.id }).waitForReply();
    expect(state.callbacks.map((callback) => callback.type)).toEqual([7]);
    expect(standin.messageById(prompt.id)?.history.map((version) => [version.content, version.components.length])).toEqual([
      ['Restart t440?', 1],
      ['Restarting t440…', 0],
    ]);
  });

  test('Discord limits are enforced: a too-long embed title is refused with 50035', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const error = await interaction.editReply({ embeds: [{ title: 'x'.repeat(300) }] }).catch((caught: unknown) => caught);
      await interaction.editReply({ content: error instanceof DiscordAPIError ? `refused ${error.code}` : 'accepted' });
    };
    const state = await standin.slash('audit', { member: OPS.id }).waitForReply();
    expect(state.content).toBe('refused 50035');
    // Discord's own spec refuses it (a title is at most 256 characters), before the stand-in's checks.
    expect(standin.claimSpecViolations()).toEqual([expect.stringMatching(/^PATCH \/v10\/webhooks\/.*@original.*: embeds\.0\.title: Too big: expected string to have <=256 characters$/)]);
  });

  test('a REST outage makes calls fail; they work again afterwards', async () => {
    standin.setOutage(true);
    await expect(ops().send('during the outage')).rejects.toThrow(/Service Unavailable/);
    standin.setOutage('reset');
    await expect(ops().send('during the outage')).rejects.toThrow();
    standin.setOutage(false);
    const after = await ops().send('after the outage');
    expect(standin.messageById(after.id)?.content).toBe('after the outage');
    expect(standin.channelMessages().some((message) => message.content === 'during the outage')).toBe(false);
  });

  test('after dropGateway the client resumes, gets what it missed, and still takes interactions', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: `ok ${interaction.commandName}` });
    };
    const resumed = once(client, Events.ShardResume);
    standin.dropGateway();
    const missed = standin.slash('audit', { member: OPS.id }); // sent while disconnected: replayed on RESUME
    await resumed;
    await standin.waitForReady();
    expect((await missed.waitForReply()).content).toBe('ok audit');
    expect(standin.resumeCount).toBe(1);
    const fresh = await standin.slash('tokens', { subcommand: 'status', member: OPS.id }).waitForReply();
    expect(fresh.content).toBe('ok tokens');
  });

  test('an invalidated session makes the client identify again', async () => {
    handler = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'after re-identify' });
    };
    standin.dropGateway({ invalidateSession: true });
    await standin.waitForReady(10_000);
    expect(standin.readyCount).toBe(2);
    const state = await standin.slash('audit', { member: OPS.id }).waitForReply();
    expect(state.content).toBe('after re-identify');
  }, 15_000);

  test("an interaction's token expired (expireInteractionToken): editReply and followUp reject with 50027, the bot token still edits through the channel", async () => {
    let expire: () => void = () => undefined;
    const expired = new Promise<void>((resolve) => (expire = resolve));
    const outcomes: unknown[] = [];
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'restarting t440…', withResponse: true });
      await expired;
      for (const late of [() => interaction.editReply({ content: 't440 restarted' }), () => interaction.followUp({ content: 't440 restarted' })]) {
        const error = await late().then(() => 'accepted', (caught: unknown) => caught);
        outcomes.push(error instanceof DiscordAPIError ? [error.status, error.code, error.message] : error);
      }
      await interaction.channel!.messages.edit(response.resource!.message!.id, { content: 't440 restarted (edited with the bot token)' });
    };
    const handle = standin.slash('audit', { member: OPS.id });
    await handle.waitForReply();
    expect(handle.tokenExpiresAt - handle.dispatchedAt).toBe(15 * 60_000);
    standin.expireInteractionToken(handle);
    expire();
    const state = await handle.waitForReply((s) => s.content.includes('bot token'));
    expect(outcomes).toEqual([
      [401, 50027, 'Invalid Webhook Token'],
      [401, 50027, 'Invalid Webhook Token'],
    ]);
    expect(state.followUps).toEqual([]);
    expect(state.original?.history.map((version) => version.content)).toEqual(['restarting t440…', 't440 restarted (edited with the bot token)']);
    expect(handle.refusals).toEqual(['edit: interaction token expired', 'follow-up: interaction token expired']);
    // By id too; every webhook route of an expired interaction answers the same, GET and DELETE included.
    const other = standin.slash('audit', { member: OPS.id });
    await other.waitForReply();
    standin.expireInteractionToken(other.id);
    for (const method of ['GET', 'DELETE']) {
      const answer = await fetch(`${standin.apiBase}/v10/webhooks/${standin.applicationId}/${other.token}/messages/@original`, { method });
      expect([answer.status, await answer.json()]).toEqual([401, { code: 50027, message: 'Invalid Webhook Token' }]);
    }
    expect(other.state.original?.deleted).toBe(false);
    expect(() => standin.expireInteractionToken('1')).toThrow(/no interaction 1/);
  });

  test("rate limits as Discord's: headers on each answer, the sixth message in 5 s refused with retry_after; discord.js waits instead", async () => {
    const post = () =>
      fetch(`${standin.apiBase}/v10/channels/${RAW.id}/messages`, { method: 'POST', headers: { authorization: `Bot ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ content: 'x' }) });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post());
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('5');
    expect(answers[0]!.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    const refused = (await answers[5]!.json()) as { retry_after: number; global: boolean; message: string };
    expect(refused).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(refused.retry_after).toBeGreaterThan(4);
    expect(refused.retry_after).toBeLessThanOrEqual(5);
    expect(Number(answers[5]!.headers.get('retry-after'))).toBeCloseTo(refused.retry_after, 2);
    // The bot's way: discord.js reads the headers and holds the rest, so seven messages at once all land, the
    // last two a window later, none refused.
    const channel = client.channels.cache.get(BURST.id);
    if (!channel?.isSendable()) throw new Error('burst channel not cached');
    const before = standin.requests.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 7 }, (_, i) => channel.send(`burst ${i}`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(standin.channelMessages(BURST.id).map((message) => message.content).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `burst ${i}`));
    expect(standin.requests.slice(before).filter((request) => request.status === 429)).toEqual([]);
  });

  test("a rate-limited or unknown request on an interaction's webhook is logged with <token> for its token", async () => {
    const token = `aW50ZXJhY3Rpb246${'q'.repeat(60)}`;
    const post = (suffix = '') => fetch(`${standin.apiBase}/v10/webhooks/1300000000000000001/${token}${suffix}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'x' }) });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await post('/nowhere')).status).toBe(404);
    standin.claimSpecViolations();
    // The list of unknown routes a test reads is redacted too (and emptied for the next test).
    expect(standin.unknownRoutes.splice(0)).toEqual(['POST /v10/webhooks/1300000000000000001/<token>/nowhere']);
    expect(standinLog.filter((line) => /RATE LIMITED POST \/v10\/webhooks\/1300000000000000001\/<token>|POST \/v10\/webhooks\/1300000000000000001\/<token>\/nowhere/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(standinLog.filter((line) => line.includes(token))).toEqual([]);
  });

  test('HTTP details: 204 without a content type, unknown routes are 404 and logged, the token never in a body or a recorded IDENTIFY', async () => {
    const typing = await fetch(`${standin.apiBase}/v10/channels/${standin.opsChannelId}/typing`, { method: 'POST', headers: { authorization: `Bot ${TOKEN}` } });
    expect(typing.status).toBe(204);
    expect(typing.headers.get('content-type')).toBeNull();
    const unknown = await fetch(`${standin.apiBase}/v10/nowhere/at/all`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 0, message: '404: Not Found' });
    expect(standin.unknownRoutes).toEqual(['GET /v10/nowhere/at/all']);
    expect(standin.claimSpecViolations()).toEqual(["GET /v10/nowhere/at/all: Discord's API has no such route"]);
    expect(standinLog.some((line) => line.includes("NOT DISCORD'S API: GET /v10/nowhere/at/all"))).toBe(true);
    expect(standin.requestBodies.length).toBeGreaterThan(5);
    expect(standin.requestBodies.some((body) => body.includes(TOKEN))).toBe(false);
    // The token only ever reached the stand-in in headers and in the IDENTIFY, which is recorded without it.
    expect(standin.identifies.length).toBeGreaterThan(0);
    expect(JSON.stringify(standin.identifies)).not.toContain(TOKEN);
  });

  test('the transcript reads like the channel', () => {
    const transcript = standin.transcript();
    expect(transcript).toContain('ops-alice used /tokens restart node:pc-a delay:30 force:true');
    expect(transcript).toContain('**Restart pc-a**');
    expect(transcript).toContain('hello from the bot');
    expect(transcript).toMatch(/reactions: ✅ tokenops · 👍 ops-alice/);
    expect(transcript).toContain('📎 x.png');
    expect(transcript).toContain('only visible to ops-alice');
    expect(handlerErrors).toEqual([]);
  });
});

describe('interaction tokens live interactionTokenTtlMs after the interaction, as on Discord (15 min)', () => {
  const TTL_MS = 1_000;
  let standin: DiscordStandin;
  let client: Client;
  let handler: Handler | null = null;

  beforeAll(async () => {
    standin = await DiscordStandin.start({ token: TOKEN, interactionTokenTtlMs: TTL_MS, log: () => undefined });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standin.apiBase } });
    client.on(Events.InteractionCreate, (interaction) => void handler?.(interaction));
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await standin?.close();
  });

  test('a deferred reply edited within the TTL is taken; after it, 50027, and the channel route still edits', async () => {
    const outcomes: unknown[] = [];
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const reply = await interaction.editReply({ content: 'step 1 of 2' });
      await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
      outcomes.push(await interaction.editReply({ content: 'step 2 of 2' }).then(() => 'accepted', (error: DiscordAPIError) => error.code));
      await reply.edit({ content: 'done (through the channel)' });
    };
    const handle = standin.slash('audit', { member: OPS.id });
    const state = await handle.waitForReply((s) => s.content.startsWith('done'), TTL_MS + 3_000);
    expect(outcomes).toEqual([50027]);
    expect(handle.tokenExpiresAt).toBe(handle.dispatchedAt + TTL_MS);
    expect(state.original?.history.map((version) => version.content)).toEqual(['', 'step 1 of 2', 'done (through the channel)']);
    expect(standin.refusals.some((refusal) => refusal.includes('/audit') && refusal.includes('token expired'))).toBe(true);
  });
});
