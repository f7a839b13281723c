import type { BotContext } from './bot-context.js';

/**
 * At start: every restart plan still waiting for a ✅ belonged to the previous process, which
 * can no longer run it. Each is marked expired (its message edited, the audit told) and
 * dropped, so a late ✅ can never start a stale plan.
 */
export async function expireLeftoverPlans(context: BotContext): Promise<number> {
  const plans = await context.pendingPlans.all();
  for (const plan of plans) {
    try {
      const channel = await context.client.channels.fetch(plan.channelId);
      if (channel?.isTextBased()) {
        const message = await channel.messages.fetch(plan.messageId);
        await message.edit({ content: '⌛ Expired: the bot restarted while this plan waited for confirmation. Nothing was done; run /restart again.' });
      }
    } catch (error) {
      context.logger.warn({ messageId: plan.messageId, err: (error as Error).message }, 'could not mark a leftover plan expired');
    }
    await context.audit.record({ actor: { via: 'scheduler', id: 'bot', name: 'bot restart' }, action: 'restart', target: plan.nodes.join(', '), outcome: 'expired', detail: `plan by ${plan.requestedBy.name} was pending when the bot restarted` });
    await context.pendingPlans.remove(plan.messageId);
  }
  if (plans.length > 0) context.logger.info({ count: plans.length }, 'leftover restart plans expired');
  return plans.length;
}
