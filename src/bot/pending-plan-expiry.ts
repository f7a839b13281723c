import type { PendingPlan } from '../state/pending-plans.js';
import { AUDIT_ACTIONS } from '../state/audit-actions.js';
import type { BotContext } from './bot-context.js';

/** A replica removes its own plan within the confirmation window; an ownerless one this much later is a leftover. */
const OWNERLESS_MARGIN_MS = 30_000;

export interface LeftoverOptions {
  /**
   * `all` (one replica, at start): every plan still pending belonged to the previous
   * process. `orphaned` (replicas on Redis): a plan is left over once the process waiting for
   * its ✅ has stopped beating (the operation journal's liveness), however young it is; a
   * live replica removes its own plans when answered or timed out.
   */
  scope: 'all' | 'orphaned';
  /** This process (its journal id). */
  self?: string;
  /** Owners (journal ids) still alive. */
  liveOwners: ReadonlySet<string>;
  /** A plan that names no owner (written before plans had one) is a leftover past this age. */
  ownerlessAfterMs: number;
  nowMs: number;
}

/** The plans to mark expired (pure). */
export function leftoverPlans(plans: readonly PendingPlan[], options: LeftoverOptions): PendingPlan[] {
  // This process's own plans are never leftovers: it is waiting on them.
  if (options.scope === 'all') return plans.filter((plan) => plan.owner === undefined || plan.owner !== options.self);
  return plans.filter((plan) => {
    if (plan.owner !== undefined) return !options.liveOwners.has(plan.owner);
    const created = Date.parse(plan.createdAt);
    return !Number.isFinite(created) || options.nowMs - created > options.ownerlessAfterMs;
  });
}

/**
 * Restart plans still waiting for a ✅ whose process can no longer run them: each is marked
 * expired (its message edited, the audit told) and dropped, so a late ✅ can never start a
 * stale plan. One replica: all of them, at start. Several replicas: the leader, at takeover
 * and then every three heartbeats, those whose replica has stopped (see LeftoverOptions).
 */
export async function expireLeftoverPlans(context: BotContext, scope: LeftoverOptions['scope']): Promise<number> {
  const pending = await context.pendingPlans.all();
  const owners = [...new Set(pending.flatMap((plan) => (plan.owner === undefined ? [] : [plan.owner])))];
  const alive = await Promise.all(owners.map(async (owner) => ((await context.journal?.isAlive(owner)) ?? true ? [owner] : [])));
  const plans = leftoverPlans(pending, { scope, ...(context.journal ? { self: context.journal.owner } : {}), liveOwners: new Set(alive.flat()), ownerlessAfterMs: context.env.CONFIRM_TIMEOUT + OWNERLESS_MARGIN_MS, nowMs: context.now() });
  const replicas = scope === 'orphaned';
  let expired = 0;
  for (const plan of plans) {
    // Taken first: whoever removes a plan decides it. A replica that was only slow, not dead,
    // and got its ✅ in the meantime removed it already and runs it; then it is not ours to expire.
    if (!(await context.pendingPlans.remove(plan.messageId))) continue;
    expired++;
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
      action: AUDIT_ACTIONS.restart,
      target: plan.nodes.join(', '),
      outcome: 'expired',
      detail: replicas ? `plan by ${plan.requestedBy.name} was pending when the bot replica that posted it stopped` : `plan by ${plan.requestedBy.name} was pending when the bot restarted`,
    });
  }
  if (expired > 0) context.logger.info({ count: expired }, 'leftover restart plans expired');
  return expired;
}
