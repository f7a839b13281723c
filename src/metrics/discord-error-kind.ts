/** A Discord REST answer as an error kind, or null when it is not one. 429 is its own: the bot waits and retries it. */
export function discordResponseErrorKind(status: number): 'rate_limited' | 'rest_4xx' | 'rest_5xx' | null {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'rest_5xx';
  if (status >= 400) return 'rest_4xx';
  return null;
}

/** Every kind the counter carries, the REST ones above and the client's own. */
export const DISCORD_ERROR_KINDS = ['rest_4xx', 'rest_5xx', 'rate_limited', 'client', 'shard'] as const;
export type DiscordErrorKind = (typeof DISCORD_ERROR_KINDS)[number];
