import type { StandinContext } from '../context.js';
import { ok, type RestRouter } from '../rest-router.js';

/** Gateway discovery: where discord.js connects its WebSocket (this stand-in's own /gateway), one shard. */
export function gatewayRoutes(router: RestRouter, ctx: StandinContext): void {
  router.route('GET', '/v10/gateway/bot', () =>
    ok({
      url: ctx.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    }),
  );
  router.route('GET', '/v10/gateway', () => ok({ url: ctx.gatewayUrl }));
}
