import type { RestartPlan } from '../../domain/restart-plan.js';
import type { AuditActor, AuditEntry } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import type { RestartExecution } from './restart-node.js';

/*
 * What a restart leaves in the audit log, in the same words whichever front end ran it:
 * the plan, the refusal or no-go, the confirmation (who, and for a forced plan the risk
 * taken), a cancel or an expiry, and each node's outcome.
 */

/** `t440`, `all (force)`: the target as the person asked for it. */
export function restartTarget(target: string, force: boolean): string {
  return `${target}${force ? ' (force)' : ''}`;
}

export function noGoPlans(plans: readonly RestartPlan[]): RestartPlan[] {
  return plans.filter((plan) => plan.verdict === 'no_go');
}

export const restartAudit = {
  refused(actor: AuditActor, target: string, reason: string): AuditEntry {
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: 'refused', detail: reason };
  },

  noGo(actor: AuditActor, target: string, plans: readonly RestartPlan[]): AuditEntry {
    const blockers = noGoPlans(plans).flatMap((plan) => plan.checks.filter((check) => check.blocker).map((check) => `${check.profileId}: ${check.blocker}`));
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: 'refused', detail: `no-go: ${blockers.join('; ')}` };
  },

  planned(actor: AuditActor, target: string, plans: readonly RestartPlan[]): AuditEntry {
    return { actor, action: AUDIT_ACTIONS.restartPlan, target, outcome: 'planned', detail: plans.map((plan) => `${plan.node}: ${plan.verdict}; ${plan.steps.join(' → ')}`).join(' | ') };
  },

  expired(actor: AuditActor, target: string): AuditEntry {
    return { actor, action: AUDIT_ACTIONS.restart, target, outcome: 'expired', detail: 'no confirmation in time' };
  },

  cancelled(by: AuditActor, target: string, planBy: string): AuditEntry {
    return { actor: by, action: AUDIT_ACTIONS.restart, target, outcome: 'cancelled', detail: `plan by ${planBy}` };
  },

  /** `how` says what counted as the confirmation when it was not the usual one (a ✅). */
  confirmed(by: AuditActor, target: string, plans: readonly RestartPlan[], options: { planBy: string; force: boolean; how?: string }): AuditEntry {
    const forced = options.force ? `; FORCED: ${plans.flatMap((plan) => plan.risks).join('; ')}` : '';
    return { actor: by, action: AUDIT_ACTIONS.restartConfirmation, target, outcome: 'confirmed', detail: `plan by ${options.planBy}${options.how ? ` (${options.how})` : ''}${forced}` };
  },

  /** The roll itself broke (not a node that failed to come back): what was done before it, and the error. */
  broke(by: AuditActor, target: string, error: string, done: readonly RestartExecution[]): AuditEntry {
    const before = done.length > 0 ? `; before it: ${done.map((execution) => `${execution.node} ${execution.outcome}`).join(', ')}` : '; no node was restarted';
    return { actor: by, action: AUDIT_ACTIONS.restart, target, outcome: 'failed', detail: `stopped on an error: ${error}${before}` };
  },

  executed(by: AuditActor, execution: RestartExecution, plan: RestartPlan | undefined): AuditEntry {
    return {
      actor: by,
      action: AUDIT_ACTIONS.restart,
      target: execution.node,
      outcome: execution.outcome === 'ready' ? 'ok' : 'failed',
      detail: `${execution.message}${plan?.verdict === 'forced' ? ' (forced)' : ''}`,
    };
  },
};
