import { Events, RESTEvents, type Client } from 'discord.js';
import type { BotMetrics } from './bot-metrics.js';
import { discordResponseErrorKind } from './discord-error-kind.js';

/**
 * Counts Discord's errors as discord.js reports them: REST answers of 400 and up (429 on
 * its own), the waits its rate limiter imposes, and the client's and shards' error events.
 * A network failure that never got an answer is not a REST response and is not seen here.
 */
export function countDiscordErrors(client: Client, metrics: Pick<BotMetrics, 'countDiscordError' | 'countRateLimitWait'>): void {
  client.rest.on(RESTEvents.Response, (_request, response) => {
    const kind = discordResponseErrorKind(response.status);
    if (kind) metrics.countDiscordError(kind);
  });
  client.rest.on(RESTEvents.RateLimited, () => metrics.countRateLimitWait());
  client.on(Events.Error, () => metrics.countDiscordError('client'));
  client.on(Events.ShardError, () => metrics.countDiscordError('shard'));
}
