import { Events, Routes, type Client } from 'discord.js';

export const CONFIRM_EMOJI = '✅';
export const CANCEL_EMOJI = '❌';

export type ConfirmationResult = { result: 'confirmed' | 'cancelled'; by: { id: string; name: string } } | { result: 'expired' };

interface ReactionPacket {
  t?: string;
  d?: { message_id?: string; channel_id?: string; guild_id?: string; user_id?: string; emoji?: { name?: string | null }; member?: { roles?: string[]; user?: { username?: string } } };
}

/** Where the plan is: a ✅ counts only there, never on a look-alike message id in another channel or guild. */
export interface PlanMessage {
  id: string;
  channelId: string;
  guildId: string;
}

export interface ConfirmationOptions {
  message: PlanMessage;
  timeoutMs: number;
  isOps: (roles: readonly string[]) => boolean;
  allowConfirm: boolean;
  onIgnored?: (userId: string, emoji: string) => void;
  /** A look at the reactions already on the message failed (it is tried again at the next reconnect and at the deadline). */
  onScanFailed?: (error: Error) => void;
}

export interface ConfirmationWatch {
  readonly answer: Promise<ConfirmationResult>;
  /** Stops watching (the plan was answered some other way). */
  stop(): void;
}

/**
 * Watches one plan message for a ✅ or ❌ from an ops member (never the bot itself); anyone
 * else's reaction is ignored. Started before the prompt is visible, so a quick ✅ cannot slip
 * past. The gateway's raw reaction event carries the member's roles, so this works for
 * messages the bot has not cached and needs no member cache. A reaction made while the
 * gateway session was down is never delivered, so after each reconnect, and once more at
 * the deadline, the reactions already on the message are read over REST, each reactor's
 * roles fetched fresh. `expired` when the deadline passes with no answer.
 */
export function watchConfirmation(client: Client, options: ConfirmationOptions): ConfirmationWatch {
  const { message } = options;
  let settle!: (result: ConfirmationResult) => void;
  let done = false;
  const answer = new Promise<ConfirmationResult>((resolve) => (settle = resolve));

  const counts = (emoji: string) => (emoji === CONFIRM_EMOJI && options.allowConfirm) || emoji === CANCEL_EMOJI;
  const finish = (result: ConfirmationResult) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    client.off('raw', onRaw);
    client.off(Events.ShardReady, onReconnect);
    client.off(Events.ShardResume, onReconnect);
    settle(result);
  };

  const onRaw = (packet: ReactionPacket) => {
    const data = packet.d;
    if (packet.t !== 'MESSAGE_REACTION_ADD' || data?.message_id !== message.id) return;
    if (data.channel_id !== message.channelId || data.guild_id !== message.guildId) return;
    const userId = data.user_id ?? '';
    const emoji = data.emoji?.name ?? '';
    if (userId === client.user?.id) return;
    if (!counts(emoji) || !options.isOps(data.member?.roles ?? [])) {
      options.onIgnored?.(userId, emoji);
      return;
    }
    finish({ result: emoji === CONFIRM_EMOJI ? 'confirmed' : 'cancelled', by: { id: userId, name: data.member?.user?.username ?? userId } });
  };

  /** The reactions already on the message, each reactor's roles read now: ❌ first (a cancel wins a tie). */
  const scan = async (): Promise<ConfirmationResult | null> => {
    for (const emoji of [CANCEL_EMOJI, ...(options.allowConfirm ? [CONFIRM_EMOJI] : [])]) {
      const users = (await client.rest.get(Routes.channelMessageReaction(message.channelId, message.id, encodeURIComponent(emoji)))) as Array<{ id: string; username?: string; bot?: boolean }>;
      for (const user of users) {
        if (user.id === client.user?.id || user.bot) continue;
        const member = (await client.rest.get(Routes.guildMember(message.guildId, user.id)).catch(() => null)) as { roles?: string[]; user?: { username?: string } } | null;
        if (member && options.isOps(member.roles ?? [])) return { result: emoji === CONFIRM_EMOJI ? 'confirmed' : 'cancelled', by: { id: user.id, name: member.user?.username ?? user.username ?? user.id } };
      }
    }
    return null;
  };
  const scanned = async (): Promise<ConfirmationResult | null> => {
    try {
      return await scan();
    } catch (error) {
      options.onScanFailed?.(error as Error);
      return null;
    }
  };
  const onReconnect = () => {
    void scanned().then((found) => found && finish(found));
  };
  // At the deadline, one last look: a ✅ the gateway never delivered still counts.
  const timer = setTimeout(() => void scanned().then((found) => finish(found ?? { result: 'expired' })), options.timeoutMs);

  client.on('raw', onRaw);
  client.on(Events.ShardReady, onReconnect);
  client.on(Events.ShardResume, onReconnect);
  return { answer, stop: () => finish({ result: 'expired' }) };
}
