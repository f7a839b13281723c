import type { RestartPlan } from '../../domain/restart-plan.js';
import type { AuditActor } from '../../state/audit-log.js';
import type { JournalEntry } from '../../state/operation-journal.js';
import type { Release } from '../node-locks.js';
import type { OperationContext } from './operation-context.js';
import { noGoPlans, restartAudit, restartTarget } from './restart-audit.js';
import { prepareRestarts, rollingRestart, type RestartExecution } from './restart-node.js';
import { scrub } from '../../domain/scrub-secrets.js';

/*
 * The confirm-then-act restart, once for every front end: the nodes locked from the plan to
 * the end (a pending plan counts as running), the plan, a no-go that cannot be confirmed,
 * the question, then the fixes and the rolling restart, written down while it runs and
 * audited at each step. The front end only shows things and asks: a ✅ on a Discord message,
 * or the node's name typed back at a terminal.
 */

export type RestartAnswer = { result: 'confirmed'; by: AuditActor; how?: string } | { result: 'cancelled'; by: AuditActor } | { result: 'expired' };

export interface RestartAsker {
  /** A no-go: shown, and nothing else happens. */
  showNoGo(plans: readonly RestartPlan[]): Promise<void>;
  /** Puts the plan in front of a person; returns where it shows (for the journal), if anywhere. */
  offer(plans: readonly RestartPlan[]): Promise<JournalEntry['message'] | undefined>;
  /** Waits for the person's answer. */
  answer(plans: readonly RestartPlan[]): Promise<RestartAnswer>;
  progress(node: string, index: number, step: string, by: AuditActor): Promise<void>;
}

export interface RestartRequest {
  /** As the person asked: a node's name or `all`. */
  target: string;
  nodes: readonly string[];
  force: boolean;
  raiseCapacity: boolean;
  marginMs?: number;
  actor: AuditActor;
}

export type ConfirmedRestartOutcome =
  | { outcome: 'no_go' | 'expired'; plans: RestartPlan[] }
  | { outcome: 'cancelled'; plans: RestartPlan[]; by: AuditActor }
  | { outcome: 'done' | 'failed'; plans: RestartPlan[]; by: AuditActor; results: RestartExecution[]; untouched: string[] };

export async function confirmedRestart(context: OperationContext, request: RestartRequest, asker: RestartAsker): Promise<ConfirmedRestartOutcome> {
  const { actor, nodes, force } = request;
  const label = restartTarget(request.target, force);
  let release: Release;
  try {
    release = await context.locks.tryAcquireAll(nodes, `restart (${actor.name}'s plan)`, actor.name);
  } catch (error) {
    await context.audit.record(restartAudit.refused(actor, label, (error as Error).message));
    throw error;
  }
  try {
    let plans: RestartPlan[];
    try {
      plans = await prepareRestarts(context.fleetClient, nodes, { force, raiseCapacity: request.raiseCapacity, ...(request.marginMs ? { marginMs: request.marginMs } : {}) });
    } catch (error) {
      // No plan (a node did not answer): a refusal, audited as every refusal is.
      await context.audit.record(restartAudit.refused(actor, label, (error as Error).message));
      throw error;
    }
    if (noGoPlans(plans).length > 0) {
      await asker.showNoGo(plans);
      await context.audit.record(restartAudit.noGo(actor, label, plans));
      return { outcome: 'no_go', plans };
    }
    const message = await asker.offer(plans);
    await context.audit.record(restartAudit.planned(actor, label, plans));
    const answer = await asker.answer(plans);
    if (answer.result === 'expired') {
      await context.audit.record(restartAudit.expired(actor, label));
      return { outcome: 'expired', plans };
    }
    if (answer.result === 'cancelled') {
      await context.audit.record(restartAudit.cancelled(answer.by, label, actor.name));
      return { outcome: 'cancelled', plans, by: answer.by };
    }
    const { by } = answer;
    await context.audit.record(restartAudit.confirmed(by, label, plans, { planBy: actor.name, force, ...(answer.how ? { how: answer.how } : {}) }));
    const journalled = context.journal ? { journal: context.journal, actor: by, target: label, ...(message ? { message } : {}) } : undefined;
    // Progress is for people to watch; a message that cannot be edited (Discord's webhook
    // gone after 15 min, an outage) must never stop a roll halfway. The front end logs it.
    const progress = (node: string, index: number, step: string) => asker.progress(node, index, step, by).catch(() => undefined);
    const done: RestartExecution[] = [];
    let rolled: Awaited<ReturnType<typeof rollingRestart>>;
    try {
      rolled = await rollingRestart({ fleet: context.fleetClient, locks: context.locks, actor: by, audit: context.audit }, plans, progress, {
        ...(journalled ? { journalled } : {}),
        onNodeDone: async (execution, plan) => {
          done.push(execution);
          await context.audit.record(restartAudit.executed(by, execution, plan));
        },
      });
    } catch (error) {
      // The journal entry stays, marked: the leader reports it interrupted, with where each node is.
      await context.audit.record(restartAudit.broke(by, label, scrub((error as Error).message), done)).catch(() => undefined);
      throw error;
    }
    const { results, untouched } = rolled;
    return { outcome: results.some((execution) => execution.outcome !== 'ready') ? 'failed' : 'done', plans, by, results, untouched };
  } finally {
    await release();
  }
}

/** The first node that did not come back, and what was left alone after it. */
export function restartFailureSummary(results: readonly RestartExecution[], untouched: readonly string[]): string | null {
  const failed = results.find((execution) => execution.outcome !== 'ready');
  if (!failed) return null;
  return `${failed.node}: ${failed.message}.${untouched.length > 0 ? ` Stopped: ${untouched.join(', ')} left as ${untouched.length === 1 ? 'it was' : 'they were'}.` : ''}`;
}
