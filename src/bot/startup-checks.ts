import { ChannelType, type Client } from 'discord.js';
import type { BotEnv } from '../config/bot-env.js';
import { missingPermissions } from '../discord/bot-permissions.js';
import { fail, pass, type CheckLine } from '../doctor/check-line.js';
import { stateChecks } from '../doctor/state-checks.js';

/*
 * The doctor's Discord and state checks, as the bot sees them at start (its gateway cache,
 * no extra requests): each failure is logged as one line with its fix, so a bot started on
 * a server set up wrong says so at once, not at the first command that trips on it.
 */

const D = 'discord' as const;

export function discordStartupChecks(client: Client<true>, env: Pick<BotEnv, 'DISCORD_GUILD_ID' | 'OPS_CHANNEL_ID' | 'OPS_ROLE_ID'>): CheckLine[] {
  const guild = client.guilds.cache.get(env.DISCORD_GUILD_ID);
  if (!guild) return [fail(D, 'server', `the bot is not in DISCORD_GUILD_ID ${env.DISCORD_GUILD_ID}`, 'run `npm run invite`, open the URL and pick that server; or correct DISCORD_GUILD_ID')];
  const lines: CheckLine[] = [pass(D, 'server', `in ${guild.name}`)];
  const channel = guild.channels.cache.get(env.OPS_CHANNEL_ID);
  if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
    lines.push(fail(D, 'ops channel', `OPS_CHANNEL_ID ${env.OPS_CHANNEL_ID} is not a text channel of ${guild.name} the bot can see`, 'copy the channel id (right-click the channel → Copy Channel ID) into OPS_CHANNEL_ID, and let the bot see that channel'));
  } else {
    const missing = missingPermissions(channel.permissionsFor(client.user)?.bitfield ?? 0n);
    if (missing.length === 0) lines.push(pass(D, 'permissions', `all it uses in #${channel.name}`));
    else lines.push(fail(D, 'permissions', `missing in #${channel.name}: ${missing.map((permission) => `${permission.name} (to ${permission.for})`).join('; ')}`, `allow ${missing.map((permission) => permission.name).join(', ')} for the bot in #${channel.name} (channel settings → Permissions), or in its role`));
  }
  if (!guild.roles.cache.has(env.OPS_ROLE_ID)) lines.push(fail(D, 'ops role', `OPS_ROLE_ID ${env.OPS_ROLE_ID} is not a role of ${guild.name}`, 'copy the role id (Server Settings → Roles → … → Copy Role ID) into OPS_ROLE_ID'));
  return lines;
}

/** Every check at start that did not pass, for the log: Discord as the bot sees it, then the state. */
export async function startupProblems(client: Client<true>, env: BotEnv): Promise<CheckLine[]> {
  const lines = [...discordStartupChecks(client, env), ...(await stateChecks(env.TOKENOPS_STATE))];
  return lines.filter((line) => line.status !== 'pass');
}
