import type { Keyv } from 'keyv';
import { z } from 'zod';

/*
 * Restart plans waiting for a ✅, kept so that a bot restart can find them: a pending
 * confirmation survives nothing, so a plan whose process is gone is marked expired (its
 * message edited) and never executed later.
 */
export const pendingPlanSchema = z.object({
  messageId: z.string(),
  channelId: z.string(),
  nodes: z.array(z.string()),
  requestedBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.iso.datetime(),
  /** The process waiting for its ✅ (its operation-journal owner): the plan lives as long as it does. */
  owner: z.string().optional(),
});
export type PendingPlan = z.infer<typeof pendingPlanSchema>;

export class PendingPlans {
  constructor(private readonly store: Keyv<PendingPlan>) {}

  async add(plan: PendingPlan): Promise<void> {
    await this.store.set(plan.messageId, pendingPlanSchema.parse(plan));
  }

  /** False when it was no longer there: someone (the leader's sweep) expired it meanwhile. */
  async remove(messageId: string): Promise<boolean> {
    return this.store.delete(messageId);
  }

  async all(): Promise<PendingPlan[]> {
    if (!this.store.iterator) return [];
    const plans: PendingPlan[] = [];
    for await (const [, value] of this.store.iterator(undefined)) {
      const parsed = pendingPlanSchema.safeParse(value);
      if (parsed.success) plans.push(parsed.data);
    }
    return plans;
  }
}
