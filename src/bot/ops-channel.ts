import { AttachmentBuilder, type Client, type MessageCreateOptions } from 'discord.js';
import type { Logger } from '../logging/logger.js';
import type { PictureFile } from '../timeline/timeline-picture.js';

/**
 * Posts to the ops channel. Jobs get this function, not the client: they say what to
 * post; how it reaches Discord stays here. A failure is logged and rethrown, so a caller
 * that must not lose a message (alerts) can keep it and try again.
 */
export function opsChannelPoster(client: Client, channelId: string, logger: Logger) {
  return async (message: string | MessageCreateOptions, files: readonly PictureFile[] = []): Promise<string> => {
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error(`OPS_CHANNEL_ID ${channelId} is not a channel the bot can post in`);
      const options: MessageCreateOptions = typeof message === 'string' ? { content: message, allowedMentions: { parse: [] } } : message;
      const attachments = files.map(attachmentOf);
      const sent = await channel.send(attachments.length > 0 ? { ...options, files: [...(options.files ?? []), ...attachments] } : options);
      return sent.id;
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not post to the ops channel');
      throw error;
    }
  };
}

/**
 * Edits a message the bot posted in the ops channel. `files` replaces its pictures (an
 * empty list removes them); without it they stay as they are. Throws when Discord is
 * unreachable.
 */
export function opsChannelEditor(client: Client, channelId: string) {
  return async (messageId: string, content: string, files?: readonly PictureFile[]): Promise<void> => {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isTextBased()) throw new Error(`OPS_CHANNEL_ID ${channelId} is not a text channel`);
    // `attachments: []` drops the old ones; `files` uploads the new.
    const pictures = files ? { attachments: [], files: files.map(attachmentOf) } : {};
    await channel.messages.edit(messageId, { content, allowedMentions: { parse: [] }, ...pictures });
  };
}

/** A picture as Discord attaches it: its name, and its caption as alt text. */
export function attachmentOf(file: PictureFile): AttachmentBuilder {
  return new AttachmentBuilder(file.data, { name: file.name, description: file.description });
}
