import { PermissionFlagsBits } from 'discord-api-types/v10';

/*
 * What tokenops needs in its ops channel, and what it has there. The same list makes the
 * invite URL (`npm run invite`), the doctor's check and the refusals at run time, so adding a
 * use of a new permission is adding it here.
 */

export interface RequiredPermission {
  name: string;
  bit: bigint;
  /** What breaks without it, in the words of a fix line. */
  for: string;
}

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { name: 'View Channel', bit: PermissionFlagsBits.ViewChannel, for: 'see the ops channel at all' },
  { name: 'Send Messages', bit: PermissionFlagsBits.SendMessages, for: 'post alerts and restart plans' },
  { name: 'Embed Links', bit: PermissionFlagsBits.EmbedLinks, for: 'show status, plans and reports as embeds' },
  { name: 'Attach Files', bit: PermissionFlagsBits.AttachFiles, for: 'attach the expiry timelines' },
  { name: 'Add Reactions', bit: PermissionFlagsBits.AddReactions, for: 'take a confirmation (the ✅ under a plan)' },
  { name: 'Read Message History', bit: PermissionFlagsBits.ReadMessageHistory, for: 'see reactions on its earlier plans and edit its alerts' },
];

/** What taking a confirmation needs: the ✅ and ❌ added under the plan, and the reactions read. */
export const CONFIRMATION_PERMISSIONS: readonly RequiredPermission[] = REQUIRED_PERMISSIONS.filter((permission) => (permission.bit & (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.AddReactions | PermissionFlagsBits.ReadMessageHistory)) !== 0n);

/** All of them, as Discord writes a permission set (a decimal string of bits). */
export const REQUIRED_PERMISSION_BITS: bigint = REQUIRED_PERMISSIONS.reduce((all, permission) => all | permission.bit, 0n);

/** The invite that adds the bot with its commands and exactly these permissions. */
export function inviteUrl(clientId: string): string {
  const query = new URLSearchParams({ client_id: clientId, scope: 'bot applications.commands', permissions: REQUIRED_PERMISSION_BITS.toString() });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** The required permissions a set of bits lacks (Administrator lacks none). */
export function missingPermissions(bits: bigint, needed: readonly RequiredPermission[] = REQUIRED_PERMISSIONS): RequiredPermission[] {
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return [];
  return needed.filter((permission) => (bits & permission.bit) !== permission.bit);
}

export interface Overwrite {
  /** A role id (the guild id for @everyone) or a member id. */
  id: string;
  type: 'role' | 'member';
  allow: bigint;
  deny: bigint;
}

export interface PermissionPlace {
  guildId: string;
  ownerId: string;
  /** Every role of the guild with its permissions; @everyone's id is the guild's. */
  roles: ReadonlyArray<{ id: string; permissions: bigint }>;
  member: { id: string; roleIds: readonly string[] };
  overwrites: readonly Overwrite[];
}

const ALL = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * A member's permissions in a channel, as Discord computes them: the owner and Administrator
 * have all; else @everyone's and the member's roles' permissions, then the channel's
 * @everyone overwrite, then its role overwrites together (denies before allows), then the
 * member's own overwrite, then the implicit denials.
 */
export function permissionsIn(place: PermissionPlace): bigint {
  if (place.member.id === place.ownerId) return ALL;
  const held = new Set([place.guildId, ...place.member.roleIds]);
  let bits = 0n;
  for (const role of place.roles) if (held.has(role.id)) bits |= role.permissions;
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return ALL;
  const everyone = place.overwrites.find((overwrite) => overwrite.type === 'role' && overwrite.id === place.guildId);
  if (everyone) bits = (bits & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of place.overwrites) {
    if (overwrite.type !== 'role' || overwrite.id === place.guildId || !held.has(overwrite.id)) continue;
    allow |= overwrite.allow;
    deny |= overwrite.deny;
  }
  bits = (bits & ~deny) | allow;
  const own = place.overwrites.find((overwrite) => overwrite.type === 'member' && overwrite.id === place.member.id);
  if (own) bits = (bits & ~own.deny) | own.allow;
  return withImplicitDenials(bits);
}

/**
 * Discord's implicit denials: nothing in a channel one cannot see; no embeds or files where one
 * cannot send. (discord.js's permissionsFor leaves them out.)
 */
export function withImplicitDenials(bits: bigint): bigint {
  if ((bits & PermissionFlagsBits.ViewChannel) === 0n) return 0n;
  if ((bits & PermissionFlagsBits.SendMessages) === 0n) return bits & ~(PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.SendTTSMessages);
  return bits;
}
