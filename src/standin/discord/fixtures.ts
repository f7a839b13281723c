import { PermissionFlagsBits } from 'discord.js';
import { permissionsIn } from '../../discord/bot-permissions.js';
import type { RecordedAttachment, RecordedMessage, StandinChannel, StandinMember, StandinRole } from './types.js';

/** Defaults: fixed ids so tests and .env examples can name them. */
export const DEFAULT_GUILD_ID = '1300000000000000001';
export const DEFAULT_OPS_CHANNEL_ID = '1300000000000000002';
export const DEFAULT_APPLICATION_ID = '1300000000000000003';
export const DEFAULT_BOT_USER_ID = DEFAULT_APPLICATION_ID;
export const DEFAULT_OPS_ROLE_ID = '1300000000000000004';
export const DEFAULT_BOT_ROLE_ID = '1300000000000000005';
/** A guild the bot is not in, for "interaction from another guild" tests. */
export const OTHER_GUILD_ID = '1300000000000000099';

/** A member with the ops role. */
export const DEFAULT_OPS_MEMBER: StandinMember = Object.freeze({
  id: '1300000000000000010',
  username: 'ops-alice',
  roleIds: [DEFAULT_OPS_ROLE_ID],
}) as StandinMember;

/** A member without the ops role. */
export const DEFAULT_PLAIN_MEMBER: StandinMember = Object.freeze({
  id: '1300000000000000011',
  username: 'plain-bob',
  roleIds: [],
}) as StandinMember;

/** What @everyone may do in the stand-in guild. */
export const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands;

export const BOT_PERMISSIONS = EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageMessages;

export interface GuildModel {
  id: string;
  name: string;
  ownerId: string;
  channels: StandinChannel[];
  /** @everyone first, then the bot's role, then the configured roles. */
  roles: Array<Required<StandinRole>>;
  members: Map<string, StandinMember>;
  botMember: StandinMember;
}

const joinedAt = new Date('2024-01-01T00:00:00.000Z').toISOString();

export function apiUser(member: Pick<StandinMember, 'id' | 'username' | 'globalName'>, bot = false) {
  return {
    id: member.id,
    username: member.username,
    global_name: member.globalName ?? null,
    discriminator: bot ? '0000' : '0',
    avatar: null,
    ...(bot ? { bot: true } : {}),
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

/** A member's permissions in one of the guild's channels (none given: the guild's, with no overwrites), as Discord computes them. */
export function channelPermissions(guild: GuildModel, member: StandinMember, channel?: StandinChannel): bigint {
  return permissionsIn({ guildId: guild.id, ownerId: guild.ownerId, roles: guild.roles, member: { id: member.id, roleIds: member.roleIds }, overwrites: channel?.overwrites ?? [] });
}

/** A guild member object's own fields, in any guild. */
function memberFields(member: StandinMember) {
  return {
    nick: member.nick ?? null,
    avatar: null,
    banner: null,
    roles: [...member.roleIds],
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A guild member object; `permissions` adds its permissions where it acts (interaction payloads carry them). */
export function apiMember(guild: GuildModel, member: StandinMember, options: { withUser?: boolean; permissions?: bigint } = {}) {
  const isBot = member.id === guild.botMember.id;
  return {
    ...(options.withUser === false ? {} : { user: apiUser(member, isBot) }),
    ...memberFields(member),
    ...(options.permissions === undefined ? {} : { permissions: options.permissions.toString() }),
  };
}

/** A member of a guild the stand-in does not model (e.g. OTHER_GUILD_ID), with @everyone's permissions. */
export function apiForeignMember(member: StandinMember) {
  return { user: apiUser(member), ...memberFields(member), permissions: EVERYONE_PERMISSIONS.toString() };
}

export function apiRole(role: Required<StandinRole>, position: number, managed = false) {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.permissions.toString(),
    managed,
    mentionable: false,
    flags: 0,
  };
}

export function apiChannel(guild: GuildModel, channel: StandinChannel, position: number) {
  return {
    id: channel.id,
    type: 0,
    guild_id: guild.id,
    name: channel.name,
    position,
    permission_overwrites: (channel.overwrites ?? []).map((overwrite) => ({ id: overwrite.id, type: overwrite.type === 'role' ? 0 : 1, allow: overwrite.allow.toString(), deny: overwrite.deny.toString() })),
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function apiDmChannel(channelId: string, member: StandinMember) {
  return { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [apiUser(member)] };
}

export function apiGuildBase(guild: GuildModel) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: guild.roles.map((role, index) => apiRole(role, index, role.id === guild.botMember.roleIds[0])),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

/** The GUILD_CREATE payload. */
export function apiGuildCreate(guild: GuildModel, members: StandinMember[]) {
  return {
    ...apiGuildBase(guild),
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: members.map((member) => apiMember(guild, member)),
    channels: guild.channels.map((channel, index) => apiChannel(guild, channel, index)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
  };
}

export function apiAttachment(attachment: RecordedAttachment) {
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    url: attachment.url,
    proxy_url: attachment.url,
    content_type: attachment.contentType ?? undefined,
  };
}

export interface MessageContext {
  applicationId: string;
  /** The author as an API user (the bot for interaction messages). */
  author: ReturnType<typeof apiUser>;
  /** For interaction messages: who invoked it and the command name. */
  interaction?: { id: string; type: number; name: string | null; user: ReturnType<typeof apiUser>; guildId: string | null };
  reactions: Array<{ emoji: string; userIds: string[] }>;
  botUserId: string;
}

export function apiEmoji(emoji: string) {
  const custom = /^(?:<a?:)?([\w~]+):(\d+)>?$/.exec(emoji);
  return custom ? { id: custom[2] ?? null, name: custom[1] ?? null } : { id: null, name: emoji };
}

/** The message object Discord returns from REST and sends in MESSAGE_CREATE / MESSAGE_UPDATE. */
export function apiMessage(message: RecordedMessage, context: MessageContext) {
  const type = message.kind === 'interaction-original' && context.interaction?.type === 2 ? 20 : message.referenceMessageId ? 19 : 0;
  const interactionMetadata = context.interaction
    ? {
        id: context.interaction.id,
        type: context.interaction.type,
        user: context.interaction.user,
        authorizing_integration_owners: context.interaction.guildId ? { '0': context.interaction.guildId } : { '1': context.interaction.user.id },
        ...(context.interaction.name ? { name: context.interaction.name, command_type: 1 } : {}),
      }
    : undefined;
  return {
    id: message.id,
    type,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: context.author,
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt ? new Date(message.editedAt).toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: message.attachments.map(apiAttachment),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    flags: message.flags,
    ...(context.reactions.length
      ? {
          reactions: context.reactions.map(({ emoji, userIds }) => ({
            emoji: apiEmoji(emoji),
            count: userIds.length,
            count_details: { burst: 0, normal: userIds.length },
            me: userIds.includes(context.botUserId),
            me_burst: false,
            burst_me: false,
            burst_colors: [],
            burst_count: 0,
          })),
        }
      : {}),
    ...(message.kind !== 'channel' ? { webhook_id: context.applicationId, application_id: context.applicationId } : {}),
    ...(interactionMetadata
      ? {
          interaction_metadata: interactionMetadata,
          interaction: {
            id: context.interaction!.id,
            type: context.interaction!.type,
            name: context.interaction!.name ?? '',
            user: context.interaction!.user,
          },
        }
      : {}),
    ...(message.referenceMessageId
      ? {
          message_reference: {
            type: 0,
            message_id: message.referenceMessageId,
            channel_id: message.channelId,
            ...(message.guildId ? { guild_id: message.guildId } : {}),
          },
        }
      : {}),
  };
}

export function buildGuildModel(input: {
  guildId: string;
  guildName: string;
  opsChannelId: string;
  opsChannelName: string;
  channels: StandinChannel[];
  roles: StandinRole[];
  members: StandinMember[];
  botUserId: string;
  botUsername: string;
}): GuildModel {
  const botRoleId = DEFAULT_BOT_ROLE_ID === input.guildId ? `${input.guildId}5` : DEFAULT_BOT_ROLE_ID;
  const botMember: StandinMember = { id: input.botUserId, username: input.botUsername, roleIds: [botRoleId] };
  const roles: Array<Required<StandinRole>> = [
    { id: input.guildId, name: '@everyone', permissions: EVERYONE_PERMISSIONS },
    { id: botRoleId, name: input.botUsername, permissions: BOT_PERMISSIONS },
    ...input.roles.map((role) => ({ id: role.id, name: role.name, permissions: role.permissions ?? EVERYONE_PERMISSIONS })),
  ];
  const members = new Map<string, StandinMember>();
  members.set(botMember.id, botMember);
  for (const member of input.members) members.set(member.id, { ...member, roleIds: [...member.roleIds] });
  for (const member of input.members) {
    for (const roleId of member.roleIds) {
      if (!roles.some((role) => role.id === roleId)) throw new Error(`member ${member.username} has unknown role ${roleId}`);
    }
  }
  return {
    id: input.guildId,
    name: input.guildName,
    ownerId: '1300000000000000042',
    channels: [{ id: input.opsChannelId, name: input.opsChannelName }, ...input.channels],
    roles,
    members,
    botMember,
  };
}
