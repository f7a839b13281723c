import type { Client } from 'discord.js';

export const CONFIRM_EMOJI = '✅';
export const CANCEL_EMOJI = '❌';

export type ConfirmationResult = { result: 'confirmed' | 'cancelled'; by: { id: string; name: string } } | { result: 'expired' };

interface ReactionPacket {
  t?: string;
  d?: { message_id?: string; user_id?: string; emoji?: { name?: string | null }; member?: { roles?: string[]; user?: { username?: string } } };
}

/**
 * Waits for a ✅ or ❌ on one message from a member who passes `isOps` (never the bot
 * itself); anyone else's reaction is ignored. The gateway's raw reaction event carries the
 * member's roles, so this works for messages the bot has not cached (after a reconnect)
 * and needs no member cache. `expired` after `timeoutMs`.
 */
export function awaitConfirmation(
  client: Client,
  options: { messageId: string; timeoutMs: number; isOps: (roles: readonly string[]) => boolean; allowConfirm: boolean; onIgnored?: (userId: string, emoji: string) => void },
): Promise<ConfirmationResult> {
  return new Promise((resolve) => {
    const finish = (result: ConfirmationResult) => {
      clearTimeout(timer);
      client.off('raw', onRaw);
      resolve(result);
    };
    const onRaw = (packet: ReactionPacket) => {
      if (packet.t !== 'MESSAGE_REACTION_ADD' || packet.d?.message_id !== options.messageId) return;
      const userId = packet.d.user_id ?? '';
      const emoji = packet.d.emoji?.name ?? '';
      if (userId === client.user?.id) return;
      const roles = packet.d.member?.roles ?? [];
      const counts = (emoji === CONFIRM_EMOJI && options.allowConfirm) || emoji === CANCEL_EMOJI;
      if (!counts || !options.isOps(roles)) {
        options.onIgnored?.(userId, emoji);
        return;
      }
      finish({ result: emoji === CONFIRM_EMOJI ? 'confirmed' : 'cancelled', by: { id: userId, name: packet.d.member?.user?.username ?? userId } });
    };
    const timer = setTimeout(() => finish({ result: 'expired' }), options.timeoutMs);
    client.on('raw', onRaw);
  });
}
