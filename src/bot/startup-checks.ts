import { ChannelType, type Client } from 'discord.js';
import type { BotEnv } from '../config/bot-env.js';
import { withImplicitDenials } from '../discord/bot-permissions.js';
import { fail, type CheckLine } from '../doctor/check-line.js';
import { noOpsRole, notInServer, permissionsLine } from '../doctor/discord-checks.js';

/*
 * The doctor's Discord checks as the bot sees them at start, from its gateway cache (no
 * request): each problem is logged as one line with its fix, so a bot started on a server
 * set up wrong says so at once, not at the first command that trips on it. The state is not
 * checked again here: the bot has just opened it and writes it from its first second on.
 */
export function startupProblems(client: Client<true>, env: Pick<BotEnv, 'DISCORD_GUILD_ID' | 'OPS_CHANNEL_ID' | 'OPS_ROLE_ID'>): CheckLine[] {
  const guild = client.guilds.cache.get(env.DISCORD_GUILD_ID);
  if (!guild) return [notInServer(env.DISCORD_GUILD_ID)];
  const lines: CheckLine[] = [];
  const channel = guild.channels.cache.get(env.OPS_CHANNEL_ID);
  if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
    lines.push(fail('discord', 'ops channel', `OPS_CHANNEL_ID ${env.OPS_CHANNEL_ID} is not a text channel of ${guild.name} the bot can see`, 'copy the channel id (right-click the channel → Copy Channel ID) into OPS_CHANNEL_ID, and let the bot see that channel'));
  } else {
    lines.push(permissionsLine(channel.name, withImplicitDenials(channel.permissionsFor(client.user)?.bitfield ?? 0n)));
  }
  if (!guild.roles.cache.has(env.OPS_ROLE_ID)) lines.push(noOpsRole(env.OPS_ROLE_ID, guild.name));
  return lines.filter((line) => line.status !== 'pass');
}
