import type { ChatInputCommandInteraction, InteractionEditReplyOptions, Message, MessageEditOptions } from 'discord.js';
import type { Logger } from '../logging/logger.js';

/*
 * The message a long operation shows itself on (a restart's plan, then its progress and
 * outcome). Discord lets an interaction's webhook edit its reply for 15 minutes only; a
 * rolling restart of a large fleet, or one confirmed late in its window, runs past that.
 * So an edit that the webhook refuses is made again through the channel, with the bot's own
 * token (which has no such limit); one that fails both ways is logged and dropped: the
 * operation goes on, and its audit records say what happened.
 */
export class OperationMessage {
  private message: Message | undefined;
  private webhookGone = false;

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly logger: Logger,
  ) {}

  /** The reply, once it exists (a deferred reply does from the start). */
  async attach(): Promise<Message> {
    this.message ??= await this.interaction.fetchReply();
    return this.message;
  }

  /** Edits it, through the webhook or else the channel; never throws. Returns whether the edit landed. */
  async edit(options: InteractionEditReplyOptions & MessageEditOptions): Promise<boolean> {
    let webhookError: unknown = null;
    if (!this.webhookGone) {
      try {
        await this.interaction.editReply(options);
        return true;
      } catch (error) {
        webhookError = error;
      }
    }
    if (!this.message) {
      this.logger.warn({ err: (webhookError as Error | null)?.message }, 'could not edit the operation message');
      return false;
    }
    try {
      await this.message.edit(options);
      // Refused once, the webhook is not asked again: every later edit goes straight through the channel.
      if (!this.webhookGone) this.logger.info({ messageId: this.message.id, err: (webhookError as Error).message }, "the interaction's webhook refused an edit; editing through the channel from now on");
      this.webhookGone = true;
      return true;
    } catch (channelError) {
      this.logger.warn({ messageId: this.message.id, webhook: (webhookError as Error | null)?.message, channel: (channelError as Error).message }, 'could not edit the operation message; the operation goes on');
      return false;
    }
  }
}
