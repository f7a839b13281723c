import { GatewayIntentBits } from 'discord.js';
import type { StandinContext } from './context.js';
import { apiEmoji, apiMember } from './fixtures.js';
import type { Gateway } from './gateway.js';
import type { RecordedMessage, RecordedReaction, StandinMember } from './types.js';

/**
 * Who reacts with what on which message, now (`on`) and over time (`log`), and the MESSAGE_REACTION_ADD /
 * REMOVE the bot is told of. Both the bot's own reactions (REST) and injected ones (members) go through here.
 */
export class ReactionStore {
  /** Every reaction added (and when it was removed), in order. */
  readonly log: RecordedReaction[] = [];
  /** messageId → emoji → user ids, in the order they reacted. */
  private readonly state = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly ctx: StandinContext,
    private readonly gateway: Gateway,
  ) {}

  /** Ids of the messages that ever had a reaction. */
  messageIds(): string[] {
    return [...this.state.keys()];
  }

  /** emoji → user ids currently reacting on a message. */
  on(messageId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [emoji, users] of this.state.get(messageId) ?? []) if (users.length) out[emoji] = [...users];
    return out;
  }

  /** False when the user already reacted so (Discord ignores it; nothing is dispatched). */
  add(message: RecordedMessage, emoji: string, userId: string): boolean {
    const byEmoji = this.state.get(message.id) ?? new Map<string, string[]>();
    this.state.set(message.id, byEmoji);
    const users = byEmoji.get(emoji) ?? [];
    if (users.includes(userId)) return false;
    users.push(userId);
    byEmoji.set(emoji, users);
    this.log.push({ messageId: message.id, channelId: message.channelId, emoji, userId, at: Date.now(), removedAt: null });
    this.ctx.feed.notify();
    return true;
  }

  /** False when there was no such reaction. */
  remove(message: RecordedMessage, emoji: string, userId: string): boolean {
    const users = this.state.get(message.id)?.get(emoji);
    const index = users?.indexOf(userId) ?? -1;
    if (!users || index < 0) return false;
    users.splice(index, 1);
    const entry = this.log.findLast((reaction) => reaction.messageId === message.id && reaction.emoji === emoji && reaction.userId === userId && reaction.removedAt === null);
    if (entry) entry.removedAt = Date.now();
    this.ctx.feed.notify();
    return true;
  }

  /** Tells the bot; only for messages in the stand-in guild (the bot sees no other guild's events). */
  dispatch(event: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', message: RecordedMessage, emoji: string, member: StandinMember): void {
    if (message.guildId !== this.ctx.guildId) return;
    this.gateway.dispatch(
      event,
      {
        user_id: member.id,
        channel_id: message.channelId,
        message_id: message.id,
        guild_id: message.guildId,
        emoji: apiEmoji(emoji),
        burst: false,
        type: 0,
        ...(event === 'MESSAGE_REACTION_ADD'
          ? { member: apiMember(this.ctx.guild, member), message_author_id: message.author.id, burst_colors: [] }
          : {}),
      },
      GatewayIntentBits.GuildMessageReactions,
    );
  }
}
