import type { StandinContext } from './context.js';
import type { DmChannels } from './dm-channels.js';
import { apiChannel, apiDmChannel, apiForeignMember, apiMember, apiUser, channelPermissions, EVERYONE_PERMISSIONS } from './fixtures.js';
import type { Json } from './http-util.js';
import { snowflake } from './snowflake.js';
import type { InteractionMemberRef, StandinMember } from './types.js';

export type InteractionPlace = InteractionMemberRef & { channelId?: string; guildId?: string | null; locale?: string };

/** Who invoked an interaction and where: the member, the guild (null in a DM), the channel, and the payload fields saying so. */
export interface InteractionContext {
  member: StandinMember;
  guildId: string | null;
  channelId: string;
  /** The INTERACTION_CREATE fields that depend on the place: guild/channel objects, member or user, permissions. */
  fields: Json;
}

/**
 * The place part of an interaction payload, in the three shapes Discord sends: in a DM (`user`, no guild), in
 * the stand-in guild (`member` with roles and permissions), and in a guild the bot is not in (Discord still
 * delivers a guild-installed command's interaction there, with a member the bot cannot look up).
 */
export function interactionContext(ctx: StandinContext, dms: DmChannels, options: InteractionPlace): InteractionContext {
  const { guild } = ctx;
  const member = resolveMember(ctx, options.member);
  const guildId = options.guildId === undefined ? ctx.guildId : options.guildId;
  const locale = options.locale ?? 'en-US';
  if (guildId === null) {
    const channelId = options.channelId ?? dms.channelFor(member);
    return {
      member,
      guildId: null,
      channelId,
      fields: {
        channel: apiDmChannel(channelId, member),
        channel_id: channelId,
        user: apiUser(member),
        authorizing_integration_owners: { '0': '0' },
        context: 1,
        app_permissions: EVERYONE_PERMISSIONS.toString(),
        locale,
      },
    };
  }
  if (guildId === ctx.guildId) {
    const channelId = options.channelId ?? ctx.opsChannelId;
    const index = guild.channels.findIndex((channel) => channel.id === channelId);
    const channel = guild.channels[index];
    if (!channel) throw new Error(`channel ${channelId} is not in the stand-in guild`);
    if (!guild.members.has(member.id)) throw new Error(`${member.username} is not a member of the stand-in guild`);
    const permissions = channelPermissions(guild, member, channel).toString();
    return {
      member,
      guildId,
      channelId,
      fields: inGuild(guildId, {
        channel: { ...apiChannel(guild, channel, index), permissions },
        channel_id: channelId,
        member: apiMember(guild, member, { permissions: channelPermissions(guild, member, channel) }),
        app_permissions: channelPermissions(guild, guild.botMember, channel).toString(),
        locale,
      }),
    };
  }
  const channelId = options.channelId ?? snowflake();
  return {
    member,
    guildId,
    channelId,
    fields: inGuild(guildId, {
      channel: { id: channelId, type: 0, guild_id: guildId, name: 'elsewhere', position: 0, permission_overwrites: [], flags: 0, permissions: EVERYONE_PERMISSIONS.toString() },
      channel_id: channelId,
      member: apiForeignMember(member),
      app_permissions: EVERYONE_PERMISSIONS.toString(),
      locale,
    }),
  };
}

interface GuildPlace {
  channel: Json;
  channel_id: string;
  member: Json;
  app_permissions: string;
  locale: string;
}

/** A guild interaction's fields, the same whether or not the bot is in that guild, around its channel, member and permissions. */
function inGuild(guildId: string, { channel, channel_id, member, app_permissions, locale }: GuildPlace): Json {
  return {
    guild_id: guildId,
    guild: { id: guildId, locale: 'en-US', features: [] },
    guild_locale: 'en-US',
    channel,
    channel_id,
    member,
    authorizing_integration_owners: { '0': guildId },
    context: 0,
    app_permissions,
    locale,
  };
}

function resolveMember(ctx: StandinContext, ref: InteractionMemberRef['member']): StandinMember {
  if (typeof ref !== 'string') return ref;
  const member = ctx.guild.members.get(ref);
  if (!member) throw new Error(`no member ${ref} in the stand-in guild (members: ${[...ctx.guild.members.keys()].join(', ')})`);
  return member;
}
