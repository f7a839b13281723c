import type { Client, MessageCreateOptions } from 'discord.js';
import type { Logger } from '../logging/logger.js';

/**
 * Posts to the ops channel. Jobs get this function, not the client: they say what to
 * post; how it reaches Discord stays here. A failure is logged and rethrown, so a caller
 * that must not lose a message (alerts) can keep it and try again.
 */
export function opsChannelPoster(client: Client, channelId: string, logger: Logger) {
  return async (message: string | MessageCreateOptions): Promise<string> => {
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error(`OPS_CHANNEL_ID ${channelId} is not a channel the bot can post in`);
      const sent = await channel.send(typeof message === 'string' ? { content: message, allowedMentions: { parse: [] } } : message);
      return sent.id;
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not post to the ops channel');
      throw error;
    }
  };
}

/** Edits a message the bot posted in the ops channel. Throws when Discord is unreachable. */
export function opsChannelEditor(client: Client, channelId: string) {
  return async (messageId: string, content: string): Promise<void> => {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) throw new Error(`OPS_CHANNEL_ID ${channelId} is not a text channel`);
    await channel.messages.edit(messageId, { content, allowedMentions: { parse: [] } });
  };
}
