import type { Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../../src/bot/bot-context.js';
import { hasOpsRole, inOpsGuild, isOpsMember, type Precondition, runPreconditions } from '../../../src/bot/preconditions.js';

const GUILD = '222222222222222222';
const OTHER_GUILD = '999999999999999999';
const ROLE = '444444444444444444';
const OTHER_ROLE = '777777777777777777';

/** Only the settings the preconditions read; the rest of the context is never touched. */
const context = { env: { DISCORD_GUILD_ID: GUILD, OPS_ROLE_ID: ROLE } } as unknown as BotContext;

interface FakeInteraction {
  guildId: string | null;
  member: unknown;
}

function interaction(fake: FakeInteraction): Interaction {
  return fake as unknown as Interaction;
}

/** A raw API member, as interactions from an uncached guild carry it: roles is an id list. */
function apiMember(roles: string[]) {
  return { user: { id: '555555555555555555', username: 'alice' }, roles, permissions: '0', joined_at: '2026-01-01T00:00:00.000Z' };
}

/** A cached GuildMember: roles is a manager whose cache is a Collection (a Map) keyed by id. */
function guildMember(roles: string[]) {
  return { id: '555555555555555555', roles: { cache: new Map(roles.map((id) => [id, { id, name: `role-${id}` }])) } };
}

describe('inOpsGuild', () => {
  it('passes in the ops guild', () => {
    expect(inOpsGuild.check(interaction({ guildId: GUILD, member: apiMember([]) }), context)).toEqual({ ok: true });
  });

  it('refuses another guild the bot is in', () => {
    const result = inOpsGuild.check(interaction({ guildId: OTHER_GUILD, member: apiMember([ROLE]) }), context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/ops server/);
  });

  it('refuses a DM (guildId null, no member)', () => {
    const result = inOpsGuild.check(interaction({ guildId: null, member: null }), context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });

  it('has a name for logs', () => {
    expect(inOpsGuild.name).toBe('inOpsGuild');
    expect(hasOpsRole.name).toBe('hasOpsRole');
  });
});

describe('hasOpsRole', () => {
  it('passes a raw API member holding the role', () => {
    expect(hasOpsRole.check(interaction({ guildId: GUILD, member: apiMember([OTHER_ROLE, ROLE]) }), context)).toEqual({ ok: true });
  });

  it('passes a GuildMember holding the role (roles.cache)', () => {
    expect(hasOpsRole.check(interaction({ guildId: GUILD, member: guildMember([ROLE]) }), context)).toEqual({ ok: true });
  });

  it.each([
    ['a raw API member without it', apiMember([OTHER_ROLE])],
    ['a raw API member without any role', apiMember([])],
    ['a GuildMember without it', guildMember([OTHER_ROLE])],
    ['a GuildMember without any role', guildMember([])],
    ['no member at all (DM)', null],
  ])('refuses %s, naming the role as a mention', (_label, member) => {
    const result = hasOpsRole.check(interaction({ guildId: member ? GUILD : null, member }), context);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(`<@&${ROLE}>`) });
  });

  it('matches the whole id, not a part of it', () => {
    const near = [`${ROLE}0`, ROLE.slice(1), ` ${ROLE}`];
    expect(hasOpsRole.check(interaction({ guildId: GUILD, member: apiMember(near) }), context).ok).toBe(false);
    expect(hasOpsRole.check(interaction({ guildId: GUILD, member: guildMember(near) }), context).ok).toBe(false);
  });

  it('the role of another deployment does not count', () => {
    const otherContext = { env: { DISCORD_GUILD_ID: GUILD, OPS_ROLE_ID: OTHER_ROLE } } as unknown as BotContext;
    const result = hasOpsRole.check(interaction({ guildId: GUILD, member: apiMember([ROLE]) }), otherContext);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(`<@&${OTHER_ROLE}>`) });
  });
});

describe('runPreconditions', () => {
  it('passes when every precondition passes', () => {
    expect(runPreconditions([inOpsGuild, hasOpsRole], interaction({ guildId: GUILD, member: apiMember([ROLE]) }), context)).toEqual({ ok: true });
    expect(runPreconditions([], interaction({ guildId: null, member: null }), context)).toEqual({ ok: true });
  });

  it('gives the first refusal, and does not run the ones after it', () => {
    const calls: string[] = [];
    const spy = (name: string, ok: boolean): Precondition => ({
      name,
      check: () => {
        calls.push(name);
        return ok ? { ok: true } : { ok: false, message: `refused by ${name}` };
      },
    });
    const result = runPreconditions([spy('a', true), spy('b', false), spy('c', false)], interaction({ guildId: GUILD, member: null }), context);
    expect(result).toEqual({ ok: false, message: 'refused by b' });
    expect(calls).toEqual(['a', 'b']);
  });

  it('a member of the ops guild without the role gets the role refusal; from elsewhere, the guild refusal', () => {
    const inGuild = runPreconditions([inOpsGuild, hasOpsRole], interaction({ guildId: GUILD, member: guildMember([OTHER_ROLE]) }), context);
    expect(inGuild.ok).toBe(false);
    if (!inGuild.ok) expect(inGuild.message).toContain(`<@&${ROLE}>`);
    const elsewhere = runPreconditions([inOpsGuild, hasOpsRole], interaction({ guildId: OTHER_GUILD, member: guildMember([ROLE]) }), context);
    expect(elsewhere.ok).toBe(false);
    if (!elsewhere.ok) expect(elsewhere.message).toMatch(/ops server/);
  });
});

describe('isOpsMember', () => {
  it('checks a plain id list (e.g. a reaction from a member)', () => {
    expect(isOpsMember([OTHER_ROLE, ROLE], context)).toBe(true);
    expect(isOpsMember([OTHER_ROLE], context)).toBe(false);
    expect(isOpsMember([], context)).toBe(false);
  });
});
