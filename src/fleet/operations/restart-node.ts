import { formatDuration } from '../../config/duration.js';
import type { Journalled } from '../../state/operation-journal.js';
import type { AuditActor, AuditEntry, AuditLog } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import { capacityResponseSchema, refreshResponseSchema, restartResponseSchema, type RestartResponse, type RestartVia } from '../../protocol/agent-api.js';
import { DEFAULT_RESTART_MARGIN_MS, preflightVerdicts } from '../../domain/preflight.js';
import { groupFixes, planRestart, type RestartPlan } from '../../domain/restart-plan.js';
import { AgentCallError } from '../agent-client.js';
import type { FleetClient } from '../fleet-client.js';
import type { NodeLocks } from '../node-locks.js';
import { OperationRefusedError } from '../operation-refused.js';
import { capacityChangeText } from './capacity.js';
import { fleetStatus } from './fleet-status.js';
import { syncTokens } from './sync-tokens.js';
import { summarizeSync, syncOutcome, syncTarget } from './sync-report.js';

export interface RestartOptions {
  force: boolean;
  raiseCapacity: boolean;
  marginMs?: number;
}

export type RestartPlanResult = { node: string; ok: true; plan: RestartPlan } | { node: string; ok: false; reason: string };

/**
 * A plan for each node, or why there is none (its agent did not answer), from one look at
 * the whole fleet (every node's status at once): the other nodes are the fixes' sources.
 */
export async function planRestarts(fleet: FleetClient, nodes: readonly string[], options: RestartOptions): Promise<RestartPlanResult[]> {
  for (const node of nodes) fleet.node(node);
  const report = await fleetStatus(fleet);
  const answered = report.results.flatMap((result) => (result.ok ? [{ node: result.node, status: result.value }] : []));
  return nodes.map((node): RestartPlanResult => {
    const target = report.results.find((result) => result.node === node);
    if (!target?.ok) return { node, ok: false, reason: `${node} did not answer (${target && !target.ok ? `${target.error.kind}: ${target.error.message}` : 'no answer'}); a restart needs its agent.` };
    const status = target.value;
    const plan = planRestart({
      node,
      profiles: status.profiles,
      unreadableStores: (status.store.stores ?? []).filter((store) => !store.readable).map((store) => store.path),
      capacity: status.capacity,
      others: answered.filter((other) => other.node !== node).map((other) => ({ node: other.node, profiles: other.status.profiles })),
      owners: fleet.fleet.owners,
      nowMs: Date.now(),
      marginMs: options.marginMs ?? DEFAULT_RESTART_MARGIN_MS,
      force: options.force,
      raiseCapacity: options.raiseCapacity,
      restartCommand: RESTART_VIA_WORDS[status.agent?.restartVia ?? 'command'].plan,
    });
    return { node, ok: true, plan };
  });
}

/** Plans for each node; a node whose agent did not answer refuses the whole restart. */
export async function prepareRestarts(fleet: FleetClient, nodes: readonly string[], options: RestartOptions): Promise<RestartPlan[]> {
  return (await planRestarts(fleet, nodes, options)).map((result) => {
    if (!result.ok) throw new OperationRefusedError(result.reason);
    return result.plan;
  });
}

export type RestartOutcome = 'ready' | 'not_ready' | 'command_failed' | 'fix_failed';

export interface RestartExecution {
  node: string;
  outcome: RestartOutcome;
  /** What failed and what is left as it was, for a person. */
  message: string;
  fixMs: number;
  restart?: RestartResponse;
}

/**
 * How each way of restarting reads, in the plan, the timings and the result (an agent older
 * than the field restarted with its command).
 */
export const RESTART_VIA_WORDS: Record<RestartVia, { plan: string; step: string; readyAfter: string }> = {
  gateway: { plan: 'its own restart, asked by the agent', step: 'restart asked of the gateway', readyAfter: 'the gateway agreed to restart' },
  command: { plan: "the agent's TOKENOPS_RESTART_CMD", step: 'restart command', readyAfter: 'the restart command' },
};

/** How long each part took (`fixes 1s`, `restart command 2s` or `restart asked of the gateway 40ms`, `ready after 281ms`, `total 3s`), for either front end. */
export function restartTimings(execution: RestartExecution): string[] {
  const timings = [`fixes ${formatDuration(execution.fixMs)}`];
  const restart = execution.restart;
  if (restart) {
    timings.push(`${RESTART_VIA_WORDS[restart.via ?? 'command'].step} ${formatDuration(restart.command.durationMs)}`);
    if (restart.readyAfterMs !== null) timings.push(`ready after ${formatDuration(restart.readyAfterMs)}`);
    timings.push(`total ${formatDuration(execution.fixMs + restart.totalMs)}`);
  }
  return timings;
}

function fail(node: string, message: string, started: number): RestartExecution {
  return { node, outcome: 'fix_failed', message, fixMs: Date.now() - started };
}

/** What carrying out a confirmed plan needs, and who it acts for. */
export interface RestartRun {
  fleet: FleetClient;
  locks: NodeLocks;
  /** Who confirmed it: the actor of every change the restart makes. */
  actor: AuditActor;
  /** Each change (refresh, sync, capacity) audited as its own action as it is made; the restart's own record is the caller's. */
  audit?: Pick<AuditLog, 'record'>;
  /**
   * Every node the operation holds (a rolling restart holds them all): an owner among them is
   * refreshed under that lock, never waited for, since the one waiting would be the operation itself.
   */
  held: ReadonlySet<string>;
}

/**
 * Carries out a confirmed plan: the fixes (refresh on owners, syncs into the node), a check
 * that the tokens now stay valid (unless forced), the capacity change, then the restart
 * through the agent, which waits for readiness and re-reads token health. The caller holds
 * the node's lock. Progress is reported step by step; each change is audited as it is made,
 * so that a restart that fails afterwards still leaves a record of what it changed.
 */
export async function executeRestart(run: RestartRun, plan: RestartPlan, progress: (step: string) => Promise<void>): Promise<RestartExecution> {
  const { fleet, locks, actor, held } = run;
  const record = async (entry: Omit<AuditEntry, 'actor'>) => run.audit?.record({ actor, ...entry });
  const why = `a fix before restarting ${plan.node}`;
  const node = plan.node;
  const started = Date.now();
  const { refreshes, syncs } = groupFixes(plan.checks);
  try {
    for (const [owner, profiles] of refreshes) {
      await progress(`refreshing ${profiles.join(', ')} on ${owner}…`);
      const release = owner === node || held.has(owner) ? async () => undefined : await locks.acquire(owner, 'refresh for a restart', actor.name, 30_000);
      try {
        // Only if it would still not outlast the restart: in a rolling restart every node's plan
        // asks the owner for the same refresh, and the first one did it for all.
        const onlyIf = { expiresBefore: new Date(Date.now() + plan.marginMs).toISOString() };
        const response = await fleet.call(owner, 'POST', '/v1/refresh', refreshResponseSchema, { profiles, onlyIf }, 90_000);
        const bad = response.results.filter((result) => result.outcome !== 'refreshed' && result.outcome !== 'already_refreshed');
        const detail = response.results.map((result) => `${result.profileId}: ${result.outcome}${result.error ? ` (${result.error})` : ''}`).join('; ');
        await record({ action: AUDIT_ACTIONS.refresh, target: `${owner} (${profiles.join(', ')})`, outcome: bad.length === 0 ? 'ok' : 'failed', detail: `${why}: ${detail}` });
        if (bad.length > 0) return fail(node, `refresh on ${owner} failed (${bad.map((result) => `${result.profileId}: ${result.error ?? result.outcome}`).join('; ')}); ${node} was not restarted`, started);
      } finally {
        await release();
      }
    }
    for (const [from, profiles] of syncs) {
      await progress(`syncing ${profiles.join(', ')} from ${from}…`);
      // The plan a person confirmed named this source.
      const report = await syncTokens(fleet, locks, { from, to: node, profiles, dryRun: false, authority: 'named', by: actor.name, locksHeld: [...held] });
      await record({ action: AUDIT_ACTIONS.sync, target: syncTarget({ from, to: node, profiles }), outcome: syncOutcome(report), detail: `${why}: ${summarizeSync(report)}` });
      const target = report.targets[0];
      if (!target?.ok) return fail(node, `sync from ${from} failed (${target && !target.ok ? target.error.message : 'no answer'}); ${node} was not restarted`, started);
    }
    if (refreshes.size + syncs.size > 0 && plan.verdict !== 'forced') {
      const status = (await fleetStatus(fleet, [node])).results[0];
      if (!status?.ok) return fail(node, `${node} did not answer after the fixes; it was not restarted`, started);
      const still = preflightVerdicts(status.value.profiles, Date.now(), plan.marginMs).filter((verdict) => !verdict.staysValid);
      if (still.length > 0) return fail(node, `after the fixes ${[...new Set(still.map((verdict) => verdict.profileId))].join(', ')} still would not stay valid; ${node} was not restarted`, started);
    }
    if (plan.capacityChange) {
      await progress(`raising maxConcurrent to ${plan.capacityChange.to}…`);
      try {
        const response = await fleet.call(node, 'POST', '/v1/capacity', capacityResponseSchema, { maxConcurrent: plan.capacityChange.to }, 60_000);
        await record({ action: AUDIT_ACTIONS.capacitySet, target: node, outcome: 'ok', detail: `${why}: ${capacityChangeText(response.changed ?? plan.capacityChange)}` });
      } catch (error) {
        await record({ action: AUDIT_ACTIONS.capacitySet, target: node, outcome: 'failed', detail: `${why}: ${(error as Error).message}` });
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof AgentCallError || error instanceof OperationRefusedError) return fail(node, `${error.message}; ${node} was not restarted`, started);
    throw error;
  }
  const fixMs = Date.now() - started;
  await progress(`restarting the gateway on ${node} and waiting for it to be ready…`);
  let restart: RestartResponse;
  try {
    restart = await fleet.call(node, 'POST', '/v1/restart', restartResponseSchema, {}, 10 * 60_000);
  } catch (error) {
    if (error instanceof AgentCallError) return { node, outcome: 'command_failed', message: `the agent did not carry out the restart (${error.message})`, fixMs };
    throw error;
  }
  return { node, outcome: restart.outcome, message: restartMessage(restart), fixMs, restart };
}

/** The agent's answer for a person: ready after what, or what failed. */
export function restartMessage(restart: RestartResponse): string {
  if (restart.outcome === 'ready') return `ready ${Math.round((restart.readyAfterMs ?? 0) / 100) / 10} s after ${RESTART_VIA_WORDS[restart.via ?? 'command'].readyAfter}`;
  if (restart.outcome === 'not_ready') return `the gateway was not ready again within the deadline (${restart.gateway.detail ?? 'no detail'})`;
  return `the restart command failed (exit ${restart.command.exitCode ?? restart.command.signal ?? 'none'}${restart.command.timedOut ? ', timed out' : ''})`;
}

/**
 * A rolling restart: one node at a time, in order, stopping at the first that does not come
 * back ready; the rest are left as they were. `onNodeDone` hears each node's outcome as it
 * finishes (its audit record), not once the whole roll is over.
 */
export async function rollingRestart(
  run: Omit<RestartRun, 'held'>,
  plans: readonly RestartPlan[],
  progress: (node: string, index: number, step: string) => Promise<void>,
  options: { journalled?: Journalled & { target: string }; onNodeDone?: (execution: RestartExecution, plan: RestartPlan) => Promise<void> } = {},
): Promise<{ results: RestartExecution[]; untouched: string[] }> {
  const held = new Set(plans.map((plan) => plan.node));
  const roll = async () => {
    const results: RestartExecution[] = [];
    for (const [index, plan] of plans.entries()) {
      const execution = await executeRestart({ ...run, held }, plan, (step) => progress(plan.node, index, step));
      results.push(execution);
      await options.onNodeDone?.(execution, plan);
      if (execution.outcome !== 'ready') break;
    }
    return { results, untouched: plans.slice(results.length).map((plan) => plan.node) };
  };
  if (!options.journalled) return roll();
  // Written down while it runs: a restart cut short by a crash is reported, never rerun.
  const { journal, actor, message, target } = options.journalled;
  return journal.around({ action: AUDIT_ACTIONS.restart, target, nodes: plans.map((plan) => plan.node), actor, ...(message ? { message } : {}) }, roll, { abandonOnError: true });
}
