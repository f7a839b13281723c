import type { StandinContext } from '../context.js';
import type { DmChannels } from '../dm-channels.js';
import { apiChannel, apiDmChannel } from '../fixtures.js';
import { CHANNEL_MESSAGE_FLAGS } from '../message-flags.js';
import type { MessageStore } from '../message-store.js';
import { fail, noContent, ok, unknownChannel, unknownMessage, type RestRouter } from '../rest-router.js';
import { botLacks, READ_HISTORY, toSend } from './bot-permission-checks.js';
import { refusedMessage } from './message-checks.js';

/**
 * Channels (the guild's text channels and DM channels), typing, and channel messages with the bot's token:
 * list, create, get, edit (its own only), delete.
 */
export function channelRoutes(router: RestRouter, ctx: StandinContext, messages: MessageStore, dms: DmChannels): void {
  const { guild } = ctx;
  const knownChannel = (channelId: string): { guildId: string | null } | null => {
    if (guild.channels.some((channel) => channel.id === channelId)) return { guildId: ctx.guildId };
    if (dms.has(channelId)) return { guildId: null };
    return null;
  };

  router.route('GET', '/v10/channels/:channel', ({ params }) => {
    const index = guild.channels.findIndex((channel) => channel.id === params.channel);
    const channel = guild.channels[index];
    if (channel) return ok(apiChannel(guild, channel, index));
    const member = dms.byChannel(params.channel!);
    return member ? ok(apiDmChannel(params.channel!, member)) : unknownChannel();
  });
  router.route('POST', '/v10/channels/:channel/typing', ({ params }) => (knownChannel(params.channel!) ? noContent() : unknownChannel()));

  router.route('GET', '/v10/channels/:channel/messages', ({ params, query }) => {
    if (!knownChannel(params.channel!)) return unknownChannel();
    const refused = botLacks(ctx, `GET /channels/${params.channel}/messages`, params.channel!, READ_HISTORY);
    if (refused) return refused;
    const limit = Math.min(100, Number(query.get('limit') ?? 50));
    const before = query.get('before');
    const after = query.get('after');
    const visible = messages.all
      .filter((message) => message.channelId === params.channel && !message.deleted && !message.ephemeral)
      .filter((message) => (before ? BigInt(message.id) < BigInt(before) : true) && (after ? BigInt(message.id) > BigInt(after) : true));
    // Newest first, as Discord lists them.
    return ok(visible.reverse().slice(0, limit).map((message) => messages.apiMessage(message)));
  });
  router.route('POST', '/v10/channels/:channel/messages', ({ params, json, body }) => {
    const channel = knownChannel(params.channel!);
    if (!channel) return unknownChannel();
    const refused = botLacks(ctx, `POST /channels/${params.channel}/messages`, params.channel!, toSend(json, body.files)) ?? refusedMessage(ctx, `POST /channels/${params.channel}/messages`, json, body.files, true);
    if (refused) return refused;
    const flags = Number(json.flags ?? 0) & CHANNEL_MESSAGE_FLAGS;
    const message = messages.record({ kind: 'channel', channelId: params.channel!, guildId: channel.guildId, author: guild.botMember, body: json, files: body.files, flags });
    return ok(messages.apiMessage(message));
  });
  router.route('GET', '/v10/channels/:channel/messages/:message', ({ params }) => {
    const refused = botLacks(ctx, `GET /channels/${params.channel}/messages/${params.message}`, params.channel!, READ_HISTORY);
    if (refused) return refused;
    const message = messages.inChannel(params.channel!, params.message!);
    return message ? ok(messages.apiMessage(message)) : unknownMessage();
  });
  router.route('PATCH', '/v10/channels/:channel/messages/:message', ({ params, json, body }) => {
    const message = messages.inChannel(params.channel!, params.message!);
    if (!message) return unknownMessage();
    if (message.author.id !== ctx.botUserId) return fail(403, 50005, 'Cannot edit a message authored by another user');
    const refused = refusedMessage(ctx, `PATCH /channels/${params.channel}/messages/${params.message}`, json, body.files, false);
    if (refused) return refused;
    messages.edit(message, json, body.files);
    return ok(messages.apiMessage(message));
  });
  router.route('DELETE', '/v10/channels/:channel/messages/:message', ({ params }) => {
    const message = messages.inChannel(params.channel!, params.message!);
    if (!message) return unknownMessage();
    messages.delete(message);
    return noContent();
  });
}
