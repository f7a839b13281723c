import type { ChatInputCommandInteraction, GuildMember, Interaction } from 'discord.js';
import { CONFIRMATION_PERMISSIONS, missingPermissions } from '../discord/bot-permissions.js';
import type { BotContext } from './bot-context.js';

/*
 * Permission checks as small named units (after Sapphire's preconditions): a command lists
 * the ones it needs, the router runs them before anything else, and a refusal says exactly
 * what is missing.
 */
export type PreconditionResult = { ok: true } | { ok: false; message: string };

export interface Precondition {
  readonly name: string;
  check(interaction: Interaction, context: BotContext): PreconditionResult;
}

/** Only in the ops server: not in DMs, not from another guild the bot is in. */
export const inOpsGuild: Precondition = {
  name: 'inOpsGuild',
  check(interaction, context) {
    if (interaction.guildId === context.env.DISCORD_GUILD_ID) return { ok: true };
    return { ok: false, message: 'tokenops answers only in its ops server.' };
  },
};

function memberRoleIds(interaction: Interaction): string[] {
  const member = interaction.member;
  if (!member) return [];
  // A cached GuildMember has a role manager; a raw API member has an id array.
  if (Array.isArray(member.roles)) return member.roles;
  return [...(member as GuildMember).roles.cache.keys()];
}

/** Anything that changes something needs the ops role. */
export const hasOpsRole: Precondition = {
  name: 'hasOpsRole',
  check(interaction, context) {
    if (memberRoleIds(interaction).includes(context.env.OPS_ROLE_ID)) return { ok: true };
    return { ok: false, message: `This needs the <@&${context.env.OPS_ROLE_ID}> role.` };
  },
};

/** The ops role, but only when the command is asked to change something (an option is set). */
export function opsRoleToSet(option: string): Precondition {
  return {
    name: `opsRoleToSet(${option})`,
    check(interaction, context) {
      const set = interaction.isChatInputCommand() && interaction.options.get(option) !== null;
      return set ? hasOpsRole.check(interaction, context) : { ok: true };
    },
  };
}

/**
 * The bot may take a confirmation where the command was run: see the channel, add its ✅ and
 * ❌ under the plan, read the reactions. Discord says what the bot may do there in every
 * interaction (app_permissions), so a plan nobody could confirm is never posted.
 */
export const botCanTakeConfirmation: Precondition = {
  name: 'botCanTakeConfirmation',
  check(interaction) {
    const missing = missingPermissions(interaction.appPermissions?.bitfield ?? 0n, CONFIRMATION_PERMISSIONS);
    if (missing.length === 0) return { ok: true };
    const names = missing.map((permission) => permission.name).join(', ');
    return { ok: false, message: `tokenops needs ${names} in <#${interaction.channelId}> to take a confirmation: give its role ${missing.length > 1 ? 'these' : 'that'} in the channel's permissions, then run this again.` };
  },
};

export function runPreconditions(preconditions: readonly Precondition[], interaction: ChatInputCommandInteraction | Interaction, context: BotContext): PreconditionResult {
  for (const precondition of preconditions) {
    const result = precondition.check(interaction, context);
    if (!result.ok) return result;
  }
  return { ok: true };
}

export function isOpsMember(roleIds: readonly string[], context: BotContext): boolean {
  return roleIds.includes(context.env.OPS_ROLE_ID);
}
