import type { CommandRegistry } from './command-registry.js';
import type { StandinContext } from './context.js';
import { apiMember, apiRole, apiUser, channelPermissions, EVERYONE_PERMISSIONS } from './fixtures.js';
import type { Json } from './http-util.js';
import { snowflake } from './snowflake.js';
import type { OptionValue, SlashOptions } from './types.js';

export interface CommandInvocation {
  /** A readable form, e.g. `/tokens status node:pc-a`. */
  invocation: string;
  /** The interaction's `data`: the command, its subcommand (group) and typed options, and `resolved`. */
  data: Json;
}

/**
 * What Discord's client would send for `/name [group] [subcommand] options…`: checked against the registered
 * definition when there is one (a test naming an option the bot never registered fails here, as a person
 * could not type it) and typed by it; without one, typed by value (string/integer/number/boolean).
 * `focused` is the option being typed into, for autocomplete.
 */
export function commandInvocation(
  ctx: StandinContext,
  commands: CommandRegistry,
  name: string,
  options: SlashOptions,
  guildId: string | null,
  focused: { name: string; value: OptionValue } | null,
): CommandInvocation {
  const definition = commands.find(name, guildId);
  if (!definition && commands.all.length > 0) {
    throw new Error(`/${name} is not registered (registered: ${commands.all.map((command) => command.name).join(', ')})`);
  }
  const path = [name, options.subcommandGroup, options.subcommand].filter(Boolean).join(' ');
  let container: Json[] | undefined = definition ? ((definition.options ?? []) as Json[]) : undefined;
  const descend = (type: number, wanted: string | undefined, what: string) => {
    if (!container) return;
    const nested = container.filter((option) => option.type === type);
    if (wanted === undefined) {
      // Discord makes the user pick a subcommand (or group) when the command has them.
      const mustPick = type === 1 ? nested.length > 0 : nested.length > 0 && !container.some((option) => option.type === 1);
      if (mustPick) throw new Error(`/${path} needs a ${what} (one of ${nested.map((option) => option.name).join(', ')})`);
      return;
    }
    const found = nested.find((option) => option.name === wanted);
    if (!found) throw new Error(`/${path}: no ${what} '${wanted}' registered (have: ${nested.map((option) => option.name).join(', ') || 'none'})`);
    container = (found.options ?? []) as Json[];
  };
  descend(2, options.subcommandGroup, 'subcommand group');
  descend(1, options.subcommand, 'subcommand');

  const resolved: Json = {};
  const entries = Object.entries(options.options ?? {});
  if (focused && !entries.some(([key]) => key === focused.name)) entries.push([focused.name, focused.value]);
  const leaf = entries.map(([optionName, rawValue]) => {
    const definitionOption = container?.find((option) => option.name === optionName);
    if (container && !definitionOption) {
      throw new Error(`/${path}: no option '${optionName}' registered (have: ${container.map((option) => option.name).join(', ') || 'none'})`);
    }
    const type: number = definitionOption?.type ?? (typeof rawValue === 'boolean' ? 5 : typeof rawValue === 'number' ? (Number.isInteger(rawValue) ? 4 : 10) : 3);
    // What is being typed into is sent as typed so far, not yet coerced to the option's type.
    const isFocused = focused?.name === optionName;
    const value = isFocused ? rawValue : coerceOption(ctx, type, rawValue, resolved);
    return { name: optionName, type, value, ...(isFocused ? { focused: true } : {}) };
  });
  let top: Json[] = leaf;
  if (options.subcommand) top = [{ name: options.subcommand, type: 1, options: leaf }];
  if (options.subcommandGroup) top = [{ name: options.subcommandGroup, type: 2, options: top }];
  const shown = entries.map(([key, value]) => `${key}:${String(value)}`).join(' ');
  return {
    invocation: `/${path}${shown ? ` ${shown}` : ''}`,
    data: {
      id: definition?.id ?? snowflake(),
      name,
      type: 1,
      ...(definition?.guild_id ? { guild_id: definition.guild_id } : {}),
      options: top,
      ...(Object.keys(resolved).length ? { resolved } : {}),
    } as Json,
  };
}

/** An option's value as Discord sends it for its type; users, members, roles and channels also go into `resolved`. */
function coerceOption(ctx: StandinContext, type: number, value: OptionValue, resolved: Json): OptionValue {
  const { guild } = ctx;
  switch (type) {
    case 4: {
      const number = Number(value);
      if (!Number.isInteger(number)) throw new Error(`option value ${String(value)} is not an integer`);
      return number;
    }
    case 10:
      return Number(value);
    case 5:
      return value === true || value === 'true';
    case 6:
    case 9: {
      const member = guild.members.get(String(value));
      if (member) {
        (resolved.users ??= {})[member.id] = apiUser(member, member.id === ctx.botUserId);
        const { user: _user, ...rest } = apiMember(guild, member, { permissions: channelPermissions(guild, member) });
        (resolved.members ??= {})[member.id] = rest;
      } else if (type === 9) {
        const role = guild.roles.find((candidate) => candidate.id === String(value));
        if (role) (resolved.roles ??= {})[role.id] = apiRole(role, 0);
      }
      return String(value);
    }
    case 7: {
      const index = guild.channels.findIndex((channel) => channel.id === String(value));
      const channel = guild.channels[index];
      if (channel) (resolved.channels ??= {})[channel.id] = { id: channel.id, name: channel.name, type: 0, permissions: EVERYONE_PERMISSIONS.toString() };
      return String(value);
    }
    case 8: {
      const role = guild.roles.find((candidate) => candidate.id === String(value));
      if (role) (resolved.roles ??= {})[role.id] = apiRole(role, 0);
      return String(value);
    }
    default:
      return String(value);
  }
}
