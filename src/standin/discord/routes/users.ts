import type { StandinContext } from '../context.js';
import type { DmChannels } from '../dm-channels.js';
import { apiDmChannel, apiUser } from '../fixtures.js';
import { fail, ok, type RestRouter } from '../rest-router.js';

/** Users: the bot itself, members by id, and opening a DM channel with a member. */
export function userRoutes(router: RestRouter, ctx: StandinContext, dms: DmChannels): void {
  const { guild } = ctx;
  router.route('GET', '/v10/users/@me', () => ok({ ...apiUser(guild.botMember, true), verified: true, mfa_enabled: false }));
  router.route('POST', '/v10/users/@me/channels', ({ json }) => {
    const member = guild.members.get(String(json.recipient_id));
    if (!member) return fail(400, 50007, 'Cannot send messages to this user');
    return ok(apiDmChannel(dms.channelFor(member), member));
  });
  router.route('GET', '/v10/users/:user', ({ params }) => {
    const member = guild.members.get(params.user!);
    return member ? ok(apiUser(member, member.id === ctx.botUserId)) : fail(404, 10013, 'Unknown User');
  });
}
