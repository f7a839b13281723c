import type { CommandRegistry } from '../command-registry.js';
import type { StandinContext } from '../context.js';
import { apiUser } from '../fixtures.js';
import type { Json } from '../http-util.js';
import { fail, noContent, ok, type Answer, type RestRouter, type RouteContext } from '../rest-router.js';
import type { RegisteredCommand } from '../types.js';
import { commandsProblems, invalidFormBody } from '../validate.js';

/** The bot's application (what discord.js fetches at login), and its commands, global and per guild. */
export function applicationRoutes(router: RestRouter, ctx: StandinContext, commands: CommandRegistry): void {
  const { guild } = ctx;
  const application = () => ({
    id: ctx.applicationId,
    name: guild.botMember.username,
    icon: null,
    description: 'tokenops (stand-in)',
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    owner: apiUser({ id: guild.ownerId, username: 'owner' }),
    team: null,
    bot: apiUser(guild.botMember, true),
    approximate_guild_count: 1,
    integration_types_config: { '0': {} },
  });
  router.route('GET', '/v10/applications/@me', () => ok(application()));
  router.route('PATCH', '/v10/applications/@me', ({ json }) => ok({ ...application(), ...json }));
  router.route('GET', '/v10/oauth2/applications/@me', () => ok(application()));

  // The scope a command route names: 'global', or the stand-in guild (the bot is in no other).
  const scopeOf = (params: Record<string, string>): Answer | string => {
    if (params.app !== ctx.applicationId) return fail(404, 10002, 'Unknown Application');
    if (params.guild !== undefined && params.guild !== ctx.guildId) return fail(403, 50001, 'Missing Access');
    return params.guild ?? 'global';
  };
  const list = ({ params }: RouteContext) => {
    const scope = scopeOf(params);
    return typeof scope === 'string' ? ok(commands.inScope(scope)) : scope;
  };
  const overwrite = ({ params, body }: RouteContext) => {
    const scope = scopeOf(params);
    if (typeof scope !== 'string') return scope;
    const problems = commandsProblems(body.json);
    if (problems.length) {
      ctx.refuse(`PUT commands (${scope}): ${problems.join('; ')}`);
      return { status: 400, body: invalidFormBody(problems) };
    }
    return ok(commands.store(scope, body.json as Json[], true));
  };
  const createOne = ({ params, json }: RouteContext) => {
    const scope = scopeOf(params);
    if (typeof scope !== 'string') return scope;
    const problems = commandsProblems([json]);
    if (problems.length) {
      ctx.refuse(`POST command (${scope}): ${problems.join('; ')}`);
      return { status: 400, body: invalidFormBody(problems) };
    }
    // Creating a command that exists (same name and type) replaces it, as on Discord.
    const existing = commands.inScope(scope).filter((command) => !(command.name === json.name && (command.type ?? 1) === (json.type ?? 1)));
    const stored = commands.store(scope, [...existing, json], false);
    return { status: 201, body: stored.find((command) => command.name === json.name) };
  };
  const one = (handler: (scope: string, index: number, registered: RegisteredCommand[], route: RouteContext) => Answer) => (route: RouteContext) => {
    const scope = scopeOf(route.params);
    if (typeof scope !== 'string') return scope;
    const registered = commands.inScope(scope);
    const index = registered.findIndex((command) => command.id === route.params.command);
    if (index < 0) return fail(404, 10063, 'Unknown application command');
    return handler(scope, index, registered, route);
  };
  for (const base of ['/v10/applications/:app/commands', '/v10/applications/:app/guilds/:guild/commands']) {
    router.route('GET', base, list);
    router.route('PUT', base, overwrite);
    router.route('POST', base, createOne);
    router.route('GET', `${base}/:command`, one((_scope, index, registered) => ok(registered[index])));
    router.route(
      'PATCH',
      `${base}/:command`,
      one((scope, index, registered, { json }) => {
        const updated = { ...registered[index]!, ...json } as Json;
        const stored = commands.store(scope, registered.map((command, i) => (i === index ? updated : command)) as Json[], false);
        return ok(stored[index]);
      }),
    );
    router.route(
      'DELETE',
      `${base}/:command`,
      one((scope, index) => {
        commands.remove(scope, index);
        return noContent();
      }),
    );
  }
}
