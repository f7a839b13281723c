import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { inviteUrl, missingPermissions, permissionsIn, REQUIRED_PERMISSION_BITS, REQUIRED_PERMISSIONS, type PermissionPlace } from '../../src/discord/bot-permissions.js';

/*
 * What tokenops needs in its channel, the invite that asks for exactly that, and a member's
 * permissions in a channel computed as Discord documents it (roles, then the @everyone,
 * role and member overwrites, then the implicit denials).
 */

const GUILD = '100';
const BOT = '200';
const OPS_BOTS = '300';
const base = (over: Partial<PermissionPlace> = {}): PermissionPlace => ({
  guildId: GUILD,
  ownerId: '999',
  roles: [
    { id: GUILD, permissions: P.ViewChannel | P.SendMessages | P.ReadMessageHistory },
    { id: OPS_BOTS, permissions: P.EmbedLinks | P.AttachFiles | P.AddReactions },
  ],
  member: { id: BOT, roleIds: [OPS_BOTS] },
  overwrites: [],
  ...over,
});

describe('what tokenops needs', () => {
  it('six permissions, each with what breaks without it; the invite asks for exactly those, with the bot and commands scopes', () => {
    expect(REQUIRED_PERMISSIONS.map((permission) => permission.name)).toEqual(['View Channel', 'Send Messages', 'Embed Links', 'Attach Files', 'Add Reactions', 'Read Message History']);
    expect(REQUIRED_PERMISSION_BITS).toBe(P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.AddReactions | P.ReadMessageHistory);
    expect(REQUIRED_PERMISSION_BITS).toBe(117824n);
    const url = new URL(inviteUrl('1234567890'));
    expect(`${url.origin}${url.pathname}`).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: '1234567890', scope: 'bot applications.commands', permissions: '117824' });
  });

  it('missing: the ones not in the bits, in order; Administrator misses none', () => {
    expect(missingPermissions(REQUIRED_PERMISSION_BITS)).toEqual([]);
    expect(missingPermissions(REQUIRED_PERMISSION_BITS & ~P.AddReactions).map((permission) => permission.name)).toEqual(['Add Reactions']);
    expect(missingPermissions(0n)).toHaveLength(6);
    expect(missingPermissions(P.Administrator)).toEqual([]);
  });
});

describe('permissionsIn', () => {
  it("@everyone's and the member's roles together", () => {
    expect(missingPermissions(permissionsIn(base()))).toEqual([]);
    expect(permissionsIn(base({ member: { id: BOT, roleIds: [] } })) & P.AddReactions).toBe(0n);
  });

  it('the owner, and Administrator, have everything whatever the overwrites', () => {
    const denyAll = [{ id: GUILD, type: 'role' as const, allow: 0n, deny: REQUIRED_PERMISSION_BITS }];
    expect(missingPermissions(permissionsIn(base({ ownerId: BOT, overwrites: denyAll })))).toEqual([]);
    const admin = base({ roles: [...base().roles, { id: '400', permissions: P.Administrator }], member: { id: BOT, roleIds: ['400'] }, overwrites: denyAll });
    expect(permissionsIn(admin) & P.AddReactions).toBe(P.AddReactions);
  });

  it("a channel's @everyone deny takes what the roles gave; a role's allow gives it back; the member's own deny wins over both", () => {
    const everyoneDenies = { id: GUILD, type: 'role' as const, allow: 0n, deny: P.AddReactions };
    expect(permissionsIn(base({ overwrites: [everyoneDenies] })) & P.AddReactions).toBe(0n);
    const roleAllows = { id: OPS_BOTS, type: 'role' as const, allow: P.AddReactions, deny: 0n };
    expect(permissionsIn(base({ overwrites: [everyoneDenies, roleAllows] })) & P.AddReactions).toBe(P.AddReactions);
    const memberDenies = { id: BOT, type: 'member' as const, allow: 0n, deny: P.AddReactions };
    expect(permissionsIn(base({ overwrites: [everyoneDenies, roleAllows, memberDenies] })) & P.AddReactions).toBe(0n);
  });

  it("role overwrites apply together, allows over denies; another role's overwrite or another member's does nothing", () => {
    const roles = [...base().roles, { id: '500', permissions: 0n }];
    const member = { id: BOT, roleIds: [OPS_BOTS, '500'] };
    const both = [
      { id: OPS_BOTS, type: 'role' as const, allow: 0n, deny: P.AttachFiles },
      { id: '500', type: 'role' as const, allow: P.AttachFiles, deny: 0n },
    ];
    expect(permissionsIn(base({ roles, member, overwrites: both })) & P.AttachFiles).toBe(P.AttachFiles);
    const elsewhere = [
      { id: '777', type: 'role' as const, allow: 0n, deny: P.SendMessages },
      { id: '888', type: 'member' as const, allow: 0n, deny: P.SendMessages },
    ];
    expect(missingPermissions(permissionsIn(base({ overwrites: elsewhere })))).toEqual([]);
  });

  it('implicit: nothing in a channel it cannot see; no embeds or files where it cannot send', () => {
    expect(permissionsIn(base({ overwrites: [{ id: GUILD, type: 'role', allow: 0n, deny: P.ViewChannel }] }))).toBe(0n);
    const mute = permissionsIn(base({ overwrites: [{ id: GUILD, type: 'role', allow: 0n, deny: P.SendMessages }] }));
    expect(missingPermissions(mute).map((permission) => permission.name)).toEqual(['Send Messages', 'Embed Links', 'Attach Files']);
  });
});
