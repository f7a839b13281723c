import type { StandinContext } from '../context.js';
import { apiChannel, apiGuildBase, apiMember } from '../fixtures.js';
import { fail, ok, type RestRouter } from '../rest-router.js';

/** The stand-in guild: itself, its channels, roles and members (any other guild id is Unknown Guild). */
export function guildRoutes(router: RestRouter, ctx: StandinContext): void {
  const { guild } = ctx;
  const guildOnly = (params: Record<string, string>) => (params.guild === ctx.guildId ? null : fail(404, 10004, 'Unknown Guild'));
  router.route('GET', '/v10/guilds/:guild', ({ params }) => guildOnly(params) ?? ok({ ...apiGuildBase(guild), approximate_member_count: guild.members.size }));
  router.route('GET', '/v10/guilds/:guild/channels', ({ params }) => guildOnly(params) ?? ok(guild.channels.map((channel, index) => apiChannel(guild, channel, index))));
  router.route('GET', '/v10/guilds/:guild/roles', ({ params }) => guildOnly(params) ?? ok(apiGuildBase(guild).roles));
  router.route('GET', '/v10/guilds/:guild/members', ({ params, query }) => {
    const refused = guildOnly(params);
    if (refused) return refused;
    const limit = Number(query.get('limit') ?? 1);
    return ok([...guild.members.values()].slice(0, limit).map((member) => apiMember(guild, member)));
  });
  router.route('GET', '/v10/guilds/:guild/members/:user', ({ params }) => {
    const refused = guildOnly(params);
    if (refused) return refused;
    const member = guild.members.get(params.user!);
    return member ? ok(apiMember(guild, member)) : fail(404, 10007, 'Unknown Member');
  });
}
