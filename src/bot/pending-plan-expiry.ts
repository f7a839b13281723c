import type { PendingPlan } from '../state/pending-plans.js';
import type { BotContext } from './bot-context.js';

export interface LeftoverOptions {
  /**
   * Only plans older than this are leftovers. 0 (one replica, at start): every plan still
   * pending belonged to the previous process. With replicas on Redis, a plan younger than the
   * confirmation window plus a margin may be waiting in another live replica, which removes
   * it itself when answered or timed out; one older than that was left by a replica that died.
   */
  olderThanMs: number;
  nowMs: number;
}

/** The plans to mark expired (pure). */
export function leftoverPlans(plans: readonly PendingPlan[], options: LeftoverOptions): PendingPlan[] {
  if (options.olderThanMs <= 0) return [...plans];
  return plans.filter((plan) => {
    const created = Date.parse(plan.createdAt);
    return !Number.isFinite(created) || options.nowMs - created > options.olderThanMs;
  });
}

/**
 * Restart plans still waiting for a ✅ whose process can no longer run them: each is marked
 * expired (its message edited, the audit told) and dropped, so a late ✅ can never start a
 * stale plan. One replica: all of them, at start. Several replicas: the leader, at takeover
 * and then periodically, those older than the confirmation window (see LeftoverOptions).
 */
export async function expireLeftoverPlans(context: BotContext, options: LeftoverOptions = { olderThanMs: 0, nowMs: context.now() }): Promise<number> {
  const plans = leftoverPlans(await context.pendingPlans.all(), options);
  const replicas = options.olderThanMs > 0;
  for (const plan of plans) {
    try {
      const channel = await context.client.channels.fetch(plan.channelId);
      if (channel?.isTextBased()) {
        const message = await channel.messages.fetch(plan.messageId);
        await message.edit({
          content: replicas
            ? '⌛ Expired: the bot replica that posted this plan stopped while it waited for confirmation. Nothing was done; run /restart again.'
            : '⌛ Expired: the bot restarted while this plan waited for confirmation. Nothing was done; run /restart again.',
        });
      }
    } catch (error) {
      context.logger.warn({ messageId: plan.messageId, err: (error as Error).message }, 'could not mark a leftover plan expired');
    }
    await context.audit.record({
      actor: { via: 'scheduler', id: 'bot', name: replicas ? 'bot replica stopped' : 'bot restart' },
      action: 'restart',
      target: plan.nodes.join(', '),
      outcome: 'expired',
      detail: replicas ? `plan by ${plan.requestedBy.name} was pending when the bot replica that posted it stopped` : `plan by ${plan.requestedBy.name} was pending when the bot restarted`,
    });
    await context.pendingPlans.remove(plan.messageId);
  }
  if (plans.length > 0) context.logger.info({ count: plans.length }, 'leftover restart plans expired');
  return plans.length;
}
