import { PermissionFlagsBits as P } from 'discord.js';
import type { StandinContext } from '../context.js';
import { channelPermissions } from '../fixtures.js';
import type { Json, UploadedFile } from '../http-util.js';
import { fail, type Answer } from '../rest-router.js';

/*
 * What the bot may do in a guild channel, as Discord decides it: its roles, then the
 * channel's overwrites. A request it may not make is refused as Discord refuses it (403
 * 50013 Missing Permissions) and recorded, so a test sees the bot meet a channel set up
 * wrong exactly as it would on a real server. DMs and channels the stand-in does not model
 * are left to the routes' other checks.
 */

/** Reading a channel's messages (fetching one, listing them, seeing their reactions). */
export const READ_HISTORY = P.ViewChannel | P.ReadMessageHistory;
/** Adding a reaction no one has made yet on a message (the bot's ✅ and ❌ under a plan). */
export const ADD_REACTION = P.ViewChannel | P.ReadMessageHistory | P.AddReactions;

/** Sending a message: embeds need Embed Links, files Attach Files. */
export function toSend(json: Json, files: readonly UploadedFile[]): bigint {
  const embeds = Array.isArray(json.embeds) && json.embeds.length > 0;
  return P.ViewChannel | P.SendMessages | (embeds ? P.EmbedLinks : 0n) | (files.length > 0 ? P.AttachFiles : 0n);
}

export function botLacks(ctx: StandinContext, where: string, channelId: string, needed: bigint): Answer | null {
  const channel = ctx.guild.channels.find((candidate) => candidate.id === channelId);
  if (!channel) return null;
  const has = channelPermissions(ctx.guild, ctx.guild.botMember, channel);
  if ((has & needed) === needed) return null;
  const missing = Object.entries(P)
    .filter(([, bit]) => (needed & bit) !== 0n && (has & bit) === 0n)
    .map(([name]) => name);
  ctx.refuse(`${where}: Missing Permissions (${missing.join(', ')})`);
  return fail(403, 50013, 'Missing Permissions');
}
