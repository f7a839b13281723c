import type { CellRenewal, FleetView } from '../../domain/fleet-view.js';
import type { RestartPlan } from '../../domain/restart-plan.js';
import { scrub } from '../../domain/scrub-secrets.js';
import type { RestartExecution } from '../../fleet/operations/restart-node.js';
import { syncOutcome, updatedProfiles, type SyncReport } from '../../fleet/operations/sync-report.js';
import type { RefreshResponse } from '../../protocol/agent-api.js';
import type { z } from 'zod';
import type { nodeErrorJson, RefreshJson, RestartPlanJson, restartResultJson, StatusJson, SyncReportJson } from './output-shapes.js';

/*
 * Domain results as the --json contract shapes them: the same facts the text shows, with
 * agent-provided text (reasons, error messages, command output) scrubbed on the way out.
 */

export function nodeErrorToJson(error: { kind: string; message: string; code?: string }): z.infer<typeof nodeErrorJson> {
  return { kind: error.kind, message: scrub(error.message), ...(error.code ? { code: error.code } : {}) };
}

function renewalToJson(renewal: CellRenewal): NonNullable<StatusJson['nodes'][number]['profiles'][number]['renewal']> {
  return {
    state: renewal.state,
    at: renewal.atMs === null ? null : new Date(renewal.atMs).toISOString(),
    node: renewal.node,
    standIn: renewal.standIn,
    covers: renewal.covers,
    // Discord's relative timestamps in the shared wording, as the contract's ISO times.
    ...(renewal.reason ? { reason: scrub(renewal.reason).replace(/<t:(\d+):[a-zA-Z]>/g, (_, seconds: string) => new Date(Number(seconds) * 1000).toISOString()) } : {}),
    ...(renewal.lastError ? { lastError: scrub(renewal.lastError) } : {}),
  };
}

export function statusToJson(view: FleetView, failures: string[]): Omit<StatusJson, 'ok' | 'command'> {
  return {
    checkedAt: view.checkedAt,
    worst: view.worst,
    counts: view.counts,
    failures,
    nodes: view.nodes.map((node) => ({
      name: node.name,
      reachable: node.reachable,
      error: node.error ? nodeErrorToJson(node.error) : null,
      gateway: node.gateway ?? null,
      capacity: node.capacity ?? null,
      unreadableStores: node.unreadableStores.map((store) => ({ agentId: store.agentId, reason: scrub(store.reason) })),
      worst: node.worst,
      profiles: node.profiles.map((cell) => ({
        profileId: cell.profileId,
        type: cell.type,
        health: cell.health,
        expiresAt: cell.expiresAt,
        agents: cell.agents,
        fingerprint: cell.fingerprint,
        tokenTag: cell.tokenTag,
        owner: cell.owner,
        isOwner: cell.isOwner,
        divergesFromOwner: cell.divergesFromOwner,
        agentsDisagree: cell.agentsDisagree,
        ...(cell.reason ? { reason: scrub(cell.reason) } : {}),
        ...(cell.refreshError ? { refreshError: scrub(cell.refreshError) } : {}),
        ...(cell.renewal ? { renewal: renewalToJson(cell.renewal) } : {}),
      })),
    })),
  };
}

export function syncReportToJson(report: SyncReport): SyncReportJson {
  return {
    from: report.from,
    dryRun: report.dryRun,
    outcome: syncOutcome(report),
    exported: report.exported.map((profile) => ({ profileId: profile.profileId, type: profile.type, expiresAt: profile.expiresAt, fingerprint: profile.fingerprint })),
    skippedAtSource: report.skippedAtSource.map((skip) => ({ profileId: skip.profileId, reason: scrub(skip.reason) })),
    targets: report.targets.map((target) =>
      target.ok
        ? {
            node: target.node,
            ok: true as const,
            updated: updatedProfiles(target.value),
            stores: target.value.stores.map((store) => ({
              agentId: store.agentId,
              path: store.path,
              outcome: store.outcome,
              ...(store.backup ? { backup: store.backup } : {}),
              ...(store.reason ? { reason: scrub(store.reason) } : {}),
              profiles: store.profiles.map((plan) => ({
                profileId: plan.profileId,
                action: plan.action,
                reason: plan.reason,
                changedFields: plan.changedFields,
                fromExpiresAt: plan.fromExpiresAt,
                toExpiresAt: plan.toExpiresAt,
              })),
            })),
            notHeld: target.value.notHeld,
          }
        : { node: target.node, ok: false as const, error: nodeErrorToJson(target.error) },
    ),
  };
}

export function refreshResultsToJson(response: RefreshResponse): RefreshJson['results'] {
  return response.results.map((result) => ({
    profileId: result.profileId,
    outcome: result.outcome,
    ...(result.error ? { error: scrub(result.error) } : {}),
    previousExpiresAt: result.previousExpiresAt,
    expiresAt: result.expiresAt,
    rotated: result.rotated,
    stores: result.stores,
    attempts: result.attempts,
  }));
}

export function planToJson(plan: RestartPlan): RestartPlanJson {
  return {
    node: plan.node,
    verdict: plan.verdict,
    marginMs: plan.marginMs,
    checks: plan.checks.map((check) => ({
      profileId: check.profileId,
      agents: check.agents,
      expiresAt: check.expiresAt,
      staysValid: check.staysValid,
      fix: check.fix,
      ...(check.blocker ? { blocker: check.blocker } : {}),
    })),
    blastRadius: plan.blastRadius,
    capacityChange: plan.capacityChange,
    steps: plan.steps,
    risks: plan.risks,
    unreadableStores: plan.unreadableStores,
  };
}

export function restartResultToJson(execution: RestartExecution): z.infer<typeof restartResultJson> {
  const restart = execution.restart;
  return {
    node: execution.node,
    outcome: execution.outcome,
    message: scrub(execution.message),
    fixMs: execution.fixMs,
    restart: restart
      ? {
          outcome: restart.outcome,
          ...(restart.via ? { via: restart.via } : {}),
          readyAfterMs: restart.readyAfterMs,
          totalMs: restart.totalMs,
          command: {
            exitCode: restart.command.exitCode,
            signal: restart.command.signal,
            timedOut: restart.command.timedOut,
            durationMs: restart.command.durationMs,
            outputTail: restart.command.outputTail.map(scrub),
          },
          profiles: restart.profiles.map((profile) => ({ agentId: profile.agentId, profileId: profile.profileId, type: profile.type, health: profile.health, expiresAt: profile.expiresAt })),
        }
      : null,
  };
}
