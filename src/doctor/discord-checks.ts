import type { BotEnv } from '../config/bot-env.js';
import { missingPermissions, permissionsIn, REQUIRED_PERMISSIONS, type Overwrite } from '../discord/bot-permissions.js';
import { fail, pass, warn, type CheckLine } from './check-line.js';
import type { DiscordRead, DiscordRest } from './discord-rest.js';

/*
 * The doctor's Discord checks: what the bot's settings say against what Discord answers. The
 * reads are made first (gatherDiscord, the only I/O); judgeDiscord turns them into lines, in
 * the order a person fixes them: a bad token hides everything after it.
 */

type Settings = Pick<BotEnv, 'DISCORD_CLIENT_ID' | 'DISCORD_GUILD_ID' | 'OPS_CHANNEL_ID' | 'OPS_ROLE_ID'>;

/** A command as registered or as defined: its name, and its options' names and types, all the way down. */
export interface CommandShape {
  name: string;
  options?: readonly CommandShape[];
  type?: number;
}

export interface DiscordFacts {
  me: DiscordRead;
  application: DiscordRead;
  guild: DiscordRead;
  channel: DiscordRead;
  roles: DiscordRead;
  botMember: DiscordRead;
  members: DiscordRead;
  commands: DiscordRead;
}

export async function gatherDiscord(rest: DiscordRest, env: Settings): Promise<DiscordFacts> {
  const me = await rest.get('/users/@me');
  const botId = me.ok ? String((me.body as { id?: unknown }).id) : '@me';
  const [application, guild, channel, roles, botMember, members, commands] = await Promise.all([
    rest.get('/oauth2/applications/@me'),
    rest.get(`/guilds/${env.DISCORD_GUILD_ID}`),
    rest.get(`/channels/${env.OPS_CHANNEL_ID}`),
    rest.get(`/guilds/${env.DISCORD_GUILD_ID}/roles`),
    rest.get(`/guilds/${env.DISCORD_GUILD_ID}/members/${botId}`),
    rest.get(`/guilds/${env.DISCORD_GUILD_ID}/members?limit=1000`),
    rest.get(`/applications/${env.DISCORD_CLIENT_ID}/guilds/${env.DISCORD_GUILD_ID}/commands`),
  ]);
  return { me, application, guild, channel, roles, botMember, members, commands };
}

const D = 'discord' as const;
const INVITE = 'run `npm run invite`, open the URL and pick that server';

interface ApiRole {
  id: string;
  name: string;
  permissions: string;
}
interface ApiOverwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

/*
 * The lines the doctor and the bot's own startup checks share, worded once.
 */
export const notInServer = (guildId: string, why?: string): CheckLine => fail(D, 'server', `the bot is not in DISCORD_GUILD_ID ${guildId}${why ? ` (${why})` : ''}`, `${INVITE}; or correct DISCORD_GUILD_ID (right-click the server → Copy Server ID)`);
export const noOpsRole = (roleId: string, guildName: string): CheckLine => fail(D, 'ops role', `OPS_ROLE_ID ${roleId} is not a role of ${guildName}`, 'copy the role id (Server Settings → Roles → … → Copy Role ID, with Developer Mode on) into OPS_ROLE_ID');
export function permissionsLine(channelName: string, bits: bigint): CheckLine {
  const missing = missingPermissions(bits);
  if (missing.length === 0) return pass(D, 'permissions', `all ${REQUIRED_PERMISSIONS.length} it uses in #${channelName}: ${REQUIRED_PERMISSIONS.map((permission) => permission.name).join(', ')}`);
  return fail(D, 'permissions', `missing in #${channelName}: ${missing.map((permission) => `${permission.name} (to ${permission.for})`).join('; ')}`, `allow ${missing.map((permission) => permission.name).join(', ')} for the bot in #${channelName} (channel settings → Permissions), or in its role`);
}

export function judgeDiscord(facts: DiscordFacts, env: Settings, defined: readonly CommandShape[]): CheckLine[] {
  const lines: CheckLine[] = [];
  if (!facts.me.ok) {
    if (facts.me.status === 401) return [fail(D, 'token', 'Discord refuses DISCORD_TOKEN (401 Unauthorized)', 'reset the token (Developer Portal → your application → Bot → Reset Token) and put the new one in .env as DISCORD_TOKEN')];
    return [fail(D, 'token', facts.me.message, 'check that this host reaches Discord (DISCORD_API_BASE), then run the doctor again')];
  }
  const me = facts.me.body as { id: string; username: string };
  lines.push(pass(D, 'token', `valid: the bot user ${me.username} (${me.id})`));

  const app = facts.application.ok ? (facts.application.body as { id: string; name?: string }) : null;
  if (!app) lines.push(warn(D, 'application', `not read (${describe(facts.application)})`, 'check DISCORD_CLIENT_ID by hand: Developer Portal → your application → General Information → Application ID'));
  else if (app.id !== env.DISCORD_CLIENT_ID) lines.push(fail(D, 'application', `the token belongs to application ${app.id}${app.name ? ` (${app.name})` : ''}, not DISCORD_CLIENT_ID ${env.DISCORD_CLIENT_ID}`, `set DISCORD_CLIENT_ID=${app.id} in .env, or use the token of application ${env.DISCORD_CLIENT_ID}`));
  else lines.push(pass(D, 'application', `the token is application ${app.id}'s (DISCORD_CLIENT_ID)`));

  if (!facts.guild.ok) {
    lines.push(notInServer(env.DISCORD_GUILD_ID, describe(facts.guild)));
    return lines;
  }
  const guild = facts.guild.body as { id: string; name: string; owner_id: string };
  lines.push(pass(D, 'server', `in ${guild.name} (${guild.id})`));

  const channel = facts.channel.ok ? (facts.channel.body as { id: string; name?: string; type: number; guild_id?: string; permission_overwrites?: ApiOverwrite[] }) : null;
  const channelOk = channel !== null && channel.guild_id === guild.id && (channel.type === 0 || channel.type === 5);
  if (!channel) lines.push(fail(D, 'ops channel', `OPS_CHANNEL_ID ${env.OPS_CHANNEL_ID} is not a channel the bot can see (${describe(facts.channel)})`, 'copy the channel id (right-click the channel → Copy Channel ID) into OPS_CHANNEL_ID, and let the bot\'s role see that channel'));
  else if (channel.guild_id !== guild.id) lines.push(fail(D, 'ops channel', `OPS_CHANNEL_ID ${env.OPS_CHANNEL_ID} is in another server, not ${guild.name}`, `pick a text channel of ${guild.name} for OPS_CHANNEL_ID`));
  else if (!channelOk) lines.push(fail(D, 'ops channel', `#${channel.name ?? channel.id} is not a text channel (type ${channel.type})`, 'pick a text channel for OPS_CHANNEL_ID'));
  else lines.push(pass(D, 'ops channel', `#${channel.name ?? channel.id}, a text channel of ${guild.name}`));

  const roles = facts.roles.ok ? (facts.roles.body as ApiRole[]) : null;
  const member = facts.botMember.ok ? (facts.botMember.body as { roles: string[] }) : null;
  if (channelOk && roles && member) {
    const bits = permissionsIn({
      guildId: guild.id,
      ownerId: guild.owner_id,
      roles: roles.map((role) => ({ id: role.id, permissions: BigInt(role.permissions) })),
      member: { id: me.id, roleIds: member.roles },
      overwrites: (channel.permission_overwrites ?? []).map((overwrite): Overwrite => ({ id: overwrite.id, type: overwrite.type === 1 ? 'member' : 'role', allow: BigInt(overwrite.allow), deny: BigInt(overwrite.deny) })),
    });
    lines.push(permissionsLine(channel.name ?? channel.id, bits));
  } else if (channelOk) lines.push(warn(D, 'permissions', `not worked out (${describe(roles ? facts.botMember : facts.roles)})`, 'check the bot role\'s permissions in the ops channel by hand'));

  const opsRole = roles?.find((role) => role.id === env.OPS_ROLE_ID);
  if (!roles) lines.push(warn(D, 'ops role', `roles not read (${describe(facts.roles)})`, 'check OPS_ROLE_ID by hand'));
  else if (!opsRole) lines.push(noOpsRole(env.OPS_ROLE_ID, guild.name));
  else {
    const holders = facts.members.ok ? (facts.members.body as Array<{ roles: string[] }>).filter((candidate) => candidate.roles.includes(opsRole.id)).length : null;
    if (holders === 0) lines.push(warn(D, 'ops role', `@${opsRole.name} exists, but nobody holds it: nobody can run a sync or confirm a restart`, `give @${opsRole.name} to the people on call`));
    else lines.push(pass(D, 'ops role', `@${opsRole.name}${holders === null ? ` (members not counted: ${describe(facts.members)})` : `, held by ${holders} member${holders === 1 ? '' : 's'}`}`));
  }

  if (!facts.commands.ok) lines.push(warn(D, 'commands', `registered commands not read (${describe(facts.commands)})`, 'run `npm run register`'));
  else lines.push(judgeCommands(facts.commands.body as CommandShape[], defined));
  return lines;
}

/** The registered commands against this version's: the same names, options and option types. */
export function judgeCommands(registered: readonly CommandShape[], defined: readonly CommandShape[]): CheckLine {
  const shapes = new Map(registered.map((command) => [command.name, shapeOf(command)]));
  const missing = defined.filter((command) => !shapes.has(command.name)).map((command) => `/${command.name}`);
  const changed = defined.filter((command) => shapes.has(command.name) && shapes.get(command.name) !== shapeOf(command)).map((command) => `/${command.name}`);
  const extra = registered.filter((command) => !defined.some((candidate) => candidate.name === command.name)).map((command) => `/${command.name}`);
  if (missing.length + changed.length + extra.length === 0) return pass(D, 'commands', `${defined.length} registered, as this version defines them`);
  const parts = [missing.length ? `not registered: ${missing.join(', ')}` : '', changed.length ? `registered differently: ${changed.join(', ')}` : '', extra.length ? `registered but not this version's: ${extra.join(', ')}` : ''].filter(Boolean);
  return fail(D, 'commands', parts.join('; '), 'run `npm run register`');
}

/** Names and option types, all the way down (a command's own type is left out: a definition may not say it). */
function shapeOf(command: CommandShape, depth = 0): string {
  const options = [...(command.options ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((option) => shapeOf(option, depth + 1));
  return `${command.name}:${depth > 0 ? (command.type ?? '') : ''}(${options.join(',')})`;
}

function describe(read: DiscordRead): string {
  return read.ok ? 'ok' : `${read.status ?? 'no answer'}${read.code ? ` ${read.code}` : ''}: ${read.message}`;
}
