import type { AlertSink } from '../alerts/alert-sink.js';
import type { Fleet } from '../config/fleet-file.js';
import { nextDownSince, outcomeUnknown, planRenewals, withCurrent, type AccountRenewal, type RenewalStep } from '../domain/renewal-plan.js';
import { syncAfterRefresh } from '../fleet/operations/audited-refresh.js';
import { renewalSettings } from '../fleet/operations/renewal-view.js';
import { lifetimeOf, retryAt } from '../domain/renewal-schedule.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import { fleetStatus, fleetViewOf } from '../fleet/operations/fleet-status.js';
import { renewAccount } from '../fleet/operations/renew-account.js';
import { syncTokens } from '../fleet/operations/sync-tokens.js';
import { summarizeSync, syncOutcome, targetsKeepingSuperseded } from '../fleet/operations/sync-report.js';
import type { RefreshResult } from '../protocol/agent-api.js';
import { OperationRefusedError } from '../fleet/operation-refused.js';
import type { Logger } from '../logging/logger.js';
import { AUDIT_ACTIONS } from '../state/audit-actions.js';
import type { AuditActor, AuditLog } from '../state/audit-log.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { RenewalStore } from '../state/renewal-store.js';
import { scheduleEvery, type ScheduledJob } from './schedule.js';

const ACTOR: AuditActor = { via: 'scheduler', id: 'renewal', name: 'renewal' };
/** Followers busy with something else are waited for a little: the new token must reach them. */
const SYNC_LOCK_WAIT_MS = 15_000;
/** After acting, look again soon: a sync to a returning owner is followed by its renewal. */
const AFTER_STEPS_MS = 500;

export interface RenewalsDeps {
  fleet: Fleet;
  fleetClient: FleetClient;
  locks: NodeLocks;
  store: RenewalStore;
  audit: AuditLog;
  /** A renewal failed for good: the alert checks look soon (they post it). */
  alerts: AlertSink;
  logger: Logger;
  /** Syncs are written down while they run, so that one cut short by a crash is reported. */
  journal?: OperationJournal;
  now?: () => number;
}

export interface TickSummary {
  renewed: number;
  failed: number;
  synced: number;
  nextDueMs: number | null;
}

/**
 * The owner renews before anyone reaches expiry (DESIGN.md "Renewal"), run by the leader:
 * every `renew.checkEvery`, and at the moment the next renewal is due, it reads the fleet,
 * notes which nodes are down, plans with the pure rules (src/domain/renewal-plan.ts) and
 * carries out what is due: a renewal on the owner (or a stand-in) and the sync of its result
 * to every follower at once, or the sync that brings a returning owner up to date. It posts
 * nothing: every renewal, its propagation and a change of renewer are audited; a renewal
 * that failed for good is left to the alert checks, which post one alert for it.
 */
export class Renewals {
  private job: ScheduledJob | undefined;
  private wake: NodeJS.Timeout | undefined;
  private running: Promise<TickSummary> | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: RenewalsDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.tickLogged();
    this.job = scheduleEvery(this.deps.fleet.renew.checkEvery, async () => void (await this.tick()), (error) => this.failed(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.job?.stop();
    if (this.wake) clearTimeout(this.wake);
    await this.running?.catch(() => undefined);
  }

  /** One look at the fleet and what is due; concurrent callers share the one that runs. */
  tick(): Promise<TickSummary> {
    this.running ??= this.tickOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private tickLogged(): void {
    void this.tick().catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): void {
    this.deps.logger.error({ err: (error as Error).message }, 'renewal check failed');
  }

  /** Wakes at the next due moment, if it comes before the next scheduled look. */
  private wakeAt(atMs: number | null): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    if (atMs === null || this.stopped) return;
    const delay = Math.max(50, atMs - this.now());
    if (delay > this.deps.fleet.renew.checkEvery) return;
    this.wake = setTimeout(() => this.tickLogged(), delay);
    this.wake.unref?.();
  }

  private async tickOnce(): Promise<TickSummary> {
    const { store, fleet } = this.deps;
    const summary: TickSummary = { renewed: 0, failed: 0, synced: 0, nextDueMs: null };
    if (!fleet.renew.auto) return summary;
    // The plain view: renewal plans from the copies themselves, not from its own overlay.
    const report = await fleetStatus(this.deps.fleetClient);
    const nowMs = this.now();
    const view = fleetViewOf(fleet, report, nowMs);
    const holdings = new Map(report.results.flatMap((result) => (result.ok ? [[result.node, new Set(result.value.profiles.map((profile) => profile.profileId))] as const] : [])));
    const downSince = nextDownSince(await store.downSince(), view, nowMs);
    await store.saveDownSince(downSince);
    const remembered = await store.accounts();
    const plan = planRenewals(view, remembered, downSince, renewalSettings(fleet), nowMs);
    // What was decided and why, for whoever debugs a renewal (fingerprints and times, no token).
    if (this.deps.logger.isLevelEnabled('debug')) this.deps.logger.debug({ schedules: plan.schedules.map(({ profileId, renewer, state, dueAtMs, reason, current }) => ({ profileId, renewer, state, dueAtMs, reason, current })), steps: plan.steps }, 'renewal plan');
    const accounts = new Map(plan.accounts.map((account) => [account.profileId, account]));
    const save = async (account: AccountRenewal) => {
      accounts.set(account.profileId, account);
      await store.saveAccounts(accounts.values());
    };
    await store.saveAccounts(accounts.values());

    for (const step of plan.steps) {
      if (this.stopped) break;
      const account = accounts.get(step.profileId)!;
      if (step.kind === 'renew') {
        const { next, renewed } = await this.renew(step, account, save, holdings);
        summary[renewed ? 'renewed' : 'failed']++;
        await save(next);
      } else {
        await this.syncInto(step, account.current?.fingerprint);
        summary.synced++;
      }
    }
    summary.nextDueMs = plan.steps.length > 0 ? nowMs + AFTER_STEPS_MS : plan.nextDueMs;
    this.wakeAt(summary.nextDueMs);
    if (plan.steps.length > 0) this.deps.logger.info(summary, 'renewal check');
    return summary;
  }

  /** Renew on the chosen node, then bring every follower the new token; returns the account's memory after, and whether it renewed. */
  private async renew(step: Extract<RenewalStep, { kind: 'renew' }>, account: AccountRenewal, save: (account: AccountRenewal) => Promise<void>, holdings: ReadonlyMap<string, ReadonlySet<string>>): Promise<{ next: AccountRenewal; renewed: boolean }> {
    const { fleetClient, locks, audit, logger } = this.deps;
    const target = `${step.node} (${step.profileId})`;
    if (account.renewer !== null && account.renewer !== step.node) {
      await audit.record({ actor: ACTOR, action: AUDIT_ACTIONS.renewalOwner, target: step.profileId, outcome: 'ok', detail: `renewal owner: ${account.renewer} → ${step.node}${step.standIn ? ' (stand-in: the owner is unreachable)' : ''}` });
    }
    // Written down before it is sent: a leader killed now leaves the next one waiting for this node, not renewing elsewhere.
    const sent = { node: step.node, sinceMs: this.now() };
    await save({ ...account, inflight: sent });
    const outcome = await renewAccount(fleetClient, locks, step, ACTOR.name);
    const nowMs = this.now();
    const base: AccountRenewal = { ...account, inflight: null, renewer: step.node };
    switch (outcome.kind) {
      case 'renewed': {
        const { result } = outcome;
        const expiresAtMs = result.expiresAt ? Date.parse(result.expiresAt) : (account.current?.expiresAtMs ?? nowMs);
        const renewed = result.fingerprint ? withCurrent(base, { fingerprint: result.fingerprint, expiresAtMs, node: step.node }) : base;
        const next: AccountRenewal = { ...renewed, terminal: null, ...(outcome.byUs ? { lifetimeMs: result.lifetimeMs ?? account.lifetimeMs, lastRenewedAtMs: nowMs } : {}) };
        const propagation = await this.propagate(step, result, next.superseded, holdings);
        await audit.record({ actor: ACTOR, action: AUDIT_ACTIONS.renewal, target, outcome: 'ok', detail: `${outcome.byUs ? 'renewed' : 'already renewed there'}, expires ${new Date(expiresAtMs).toISOString()}${propagation ? `; followers: ${propagation}` : ''}` });
        return { next, renewed: true };
      }
      case 'failed_for_good': {
        await audit.record({ actor: ACTOR, action: AUDIT_ACTIONS.renewal, target, outcome: 'failed', detail: `failed for good (${outcome.error}): a new login is needed on ${step.node}; not retried` });
        logger.warn({ profileId: step.profileId, node: step.node, error: outcome.error }, 'renewal failed for good');
        await this.deps.alerts.raise({ key: `renewal-failed:${step.profileId}`, severity: 'critical', node: step.node, title: `renewal of ${step.profileId} failed for good`, action: 'log in again' }).catch(() => undefined);
        return { next: { ...base, terminal: { fingerprint: step.fingerprint, error: outcome.error, atMs: nowMs, node: step.node } }, renewed: false };
      }
      case 'failed_for_now': {
        const failures = account.failures + 1;
        const again = retryAt(nowMs, failures, lifetimeOf(step.provider, account.lifetimeMs, this.deps.fleet.renew.lifetimes));
        await audit.record({ actor: ACTOR, action: AUDIT_ACTIONS.renewal, target, outcome: 'failed', detail: `failed for now (${outcome.error}), try ${failures}; again at ${new Date(again).toISOString()}` });
        logger.warn({ profileId: step.profileId, node: step.node, error: outcome.error, failures }, 'renewal failed; will retry');
        // No answer: the grant may have happened there, so it stays in flight until the node tells.
        return { next: { ...base, failures, retryAtMs: again, lastError: outcome.error, inflight: outcomeUnknown(outcome.error) ? sent : null }, renewed: false };
      }
      case 'not_there':
        // The node holds an older copy than planned for (or none): the next look plans again
        // from what it holds; its refresh token was not sent.
        logger.warn({ profileId: step.profileId, node: step.node, why: outcome.error }, 'renewal skipped: the node does not hold the current token');
        return { next: { ...base, renewer: account.renewer }, renewed: false };
    }
  }

  /**
   * The renewed token to every follower at once (the sync after a refresh, newer-wins), then,
   * forced, to those that kept the token it replaced because that one expires later (a
   * provider may issue shorter-lived tokens than the lifetime guessed): theirs is spent.
   */
  private async propagate(step: Extract<RenewalStep, { kind: 'renew' }>, result: RefreshResult, superseded: readonly string[], holdings: ReadonlyMap<string, ReadonlySet<string>>): Promise<string | null> {
    const { fleetClient, locks, audit, journal, logger } = this.deps;
    try {
      // What each follower holds was read by this very tick: not asked again.
      const report = await syncAfterRefresh({ fleetClient, locks, audit, ...(journal ? { journal } : {}) }, ACTOR, step.node, { node: step.node, results: [result] }, { holdings });
      if (!report) return null;
      const stale = targetsKeepingSuperseded(report, step.profileId, superseded);
      if (stale.length > 0) await this.syncInto({ kind: 'replace_superseded', profileId: step.profileId, from: step.node, to: stale }, result.fingerprint ?? undefined);
      return summarizeSync(report);
    } catch (error) {
      if (!(error instanceof OperationRefusedError)) throw error;
      logger.warn({ node: step.node, profileId: step.profileId, err: error.message }, 'renewal: the sync to followers was refused');
      return `not synced (${error.message})`;
    }
  }

  /**
   * The current token into nodes that lack it: an owner back from being down (newer-wins, as
   * any sync), or nodes holding only superseded copies (forced: theirs are spent, however late
   * they expire).
   */
  private async syncInto(step: Exclude<RenewalStep, { kind: 'renew' }>, current: string | undefined): Promise<void> {
    const { fleetClient, locks, audit, journal, logger } = this.deps;
    const force = step.kind === 'replace_superseded';
    const nodes = step.kind === 'replace_superseded' ? step.to : [step.to];
    const why = force ? 'replaced a superseded token' : `${step.to} is back and takes renewal over again`;
    for (const to of nodes) {
      try {
        // Exactly the current token, whoever holds it (the holder may be a follower); nothing
        // else is forced anywhere. Without a known current token, only an owner may give it.
        const expected = current ? { expected: { [step.profileId]: current } } : {};
        const report = await syncTokens(fleetClient, locks, { from: step.from, to, profiles: [step.profileId], dryRun: false, force, ...expected, by: ACTOR.name, waitForLocksMs: SYNC_LOCK_WAIT_MS, ...(journal ? { journalled: { journal, actor: ACTOR } } : {}) });
        await audit.record({ actor: ACTOR, action: AUDIT_ACTIONS.syncAfterRefresh, target: `${step.from} → ${to} (${step.profileId})`, outcome: syncOutcome(report), detail: `${why}: ${summarizeSync(report)}` });
      } catch (error) {
        if (!(error instanceof OperationRefusedError)) throw error;
        logger.warn({ ...step, to, err: error.message }, 'renewal: the current token could not be synced');
      }
    }
  }
}
