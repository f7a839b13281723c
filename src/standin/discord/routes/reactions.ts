import { GatewayIntentBits } from 'discord.js';
import type { StandinContext } from '../context.js';
import { apiEmoji, apiUser } from '../fixtures.js';
import { ADD_REACTION, botLacks, READ_HISTORY } from './bot-permission-checks.js';
import type { Gateway } from '../gateway.js';
import type { MessageStore } from '../message-store.js';
import type { ReactionStore } from '../reaction-store.js';
import { fail, noContent, ok, unknownMessage, type RestRouter } from '../rest-router.js';

/** Reactions on channel messages: the bot's own (add/remove), others' removal, who reacted, clearing. */
export function reactionRoutes(router: RestRouter, ctx: StandinContext, messages: MessageStore, reactions: ReactionStore, gateway: Gateway): void {
  const { guild } = ctx;
  const base = '/v10/channels/:channel/messages/:message/reactions';
  const messageOf = (params: Record<string, string>) => messages.inChannel(params.channel!, params.message!);

  router.route('PUT', `${base}/:emoji/:user`, ({ params }) => {
    // Discord lets a bot react only as itself.
    if (params.user !== '@me') return fail(405, 0, '405: Method Not Allowed');
    const message = messageOf(params);
    if (!message) return unknownMessage();
    // Adding to an emoji someone already reacted with needs no Add Reactions, as on Discord.
    const already = (reactions.on(message.id)[params.emoji!] ?? []).length > 0;
    const refused = botLacks(ctx, `PUT reaction ${params.emoji} on ${params.message}`, params.channel!, already ? READ_HISTORY : ADD_REACTION);
    if (refused) return refused;
    if (reactions.add(message, params.emoji!, ctx.botUserId)) reactions.dispatch('MESSAGE_REACTION_ADD', message, params.emoji!, guild.botMember);
    return noContent();
  });
  router.route('DELETE', `${base}/:emoji/:user`, ({ params }) => {
    const message = messageOf(params);
    if (!message) return unknownMessage();
    const userId = params.user === '@me' ? ctx.botUserId : params.user!;
    const member = guild.members.get(userId);
    if (reactions.remove(message, params.emoji!, userId) && member) reactions.dispatch('MESSAGE_REACTION_REMOVE', message, params.emoji!, member);
    return noContent();
  });
  router.route('GET', `${base}/:emoji`, ({ params }) => {
    const message = messageOf(params);
    if (!message) return unknownMessage();
    const refused = botLacks(ctx, `GET reactions ${params.emoji} on ${params.message}`, params.channel!, READ_HISTORY);
    if (refused) return refused;
    const users = reactions.on(message.id)[params.emoji!] ?? [];
    return ok(users.map((id) => apiUser(guild.members.get(id) ?? { id, username: id }, id === ctx.botUserId)));
  });
  router.route('DELETE', `${base}/:emoji`, ({ params }) => {
    const message = messageOf(params);
    if (!message) return unknownMessage();
    for (const userId of reactions.on(message.id)[params.emoji!] ?? []) reactions.remove(message, params.emoji!, userId);
    if (message.guildId === ctx.guildId) {
      gateway.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: message.channelId, guild_id: message.guildId, message_id: message.id, emoji: apiEmoji(params.emoji!) }, GatewayIntentBits.GuildMessageReactions);
    }
    return noContent();
  });
  router.route('DELETE', base, ({ params }) => {
    const message = messageOf(params);
    if (!message) return unknownMessage();
    for (const [emoji, users] of Object.entries(reactions.on(message.id))) for (const userId of users) reactions.remove(message, emoji, userId);
    if (message.guildId === ctx.guildId) {
      gateway.dispatch('MESSAGE_REACTION_REMOVE_ALL', { channel_id: message.channelId, guild_id: message.guildId, message_id: message.id }, GatewayIntentBits.GuildMessageReactions);
    }
    return noContent();
  });
}
