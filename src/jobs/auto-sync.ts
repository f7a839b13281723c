import type { AlertSink } from '../alerts/alert-sink.js';
import type { Fleet } from '../config/fleet-file.js';
import { ownerOf, primaryOwners } from '../domain/ownership.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import { fleetStatus } from '../fleet/operations/fleet-status.js';
import { syncTokens } from '../fleet/operations/sync-tokens.js';
import { syncChanges, syncOutcome, type SyncReport } from '../fleet/operations/sync-report.js';
import { OperationRefusedError } from '../fleet/operation-refused.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { Logger } from '../logging/logger.js';
import type { AuditLog } from '../state/audit-log.js';
import { AUDIT_ACTIONS } from '../state/audit-actions.js';
import type { AgentEventSubscriber } from './agent-event-subscriber.js';
import { scheduleEvery, type ScheduledJob } from './schedule.js';

/** Refreshes often touch several agent stores within milliseconds: one sync for all of them. */
const DEBOUNCE_MS = 100;
const LOCK_WAIT_MS = 60_000;

export interface AutoSyncDeps {
  fleet: Fleet;
  fleetClient: FleetClient;
  locks: NodeLocks;
  events: AgentEventSubscriber;
  audit: AuditLog;
  alerts: AlertSink;
  logger: Logger;
  /** Syncs are written down while they run, so that one cut short by a crash is reported. */
  journal?: OperationJournal;
}

/**
 * Keeps followers holding their owners' tokens without anyone asking:
 * - refresh-triggered: an owner's agent reports a refreshed profile it owns → its new
 *   credential goes to every follower holding that profile, at once;
 * - periodic (`sync.every`, and once at start): every owner's accounts go to followers
 *   holding older ones, a safety net for missed events; also run for a node whose event
 *   stream comes back.
 * A follower holding a newer, different token for an owned account is a rotation conflict:
 * nothing is overwritten (newer wins), and an alert says who and what to do. Both paths are
 * normal operation: they are audited and post nothing (with renewal, a refresh comes several
 * times a day per account).
 */
export class AutoSync {
  private readonly pending = new Map<string, { profiles: Set<string>; timer: NodeJS.Timeout }>();
  private job: ScheduledJob | undefined;
  private readonly running = new Set<Promise<unknown>>();
  /** The catch-up run at start (refreshes missed while the bot was down). */
  catchUp: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AutoSyncDeps) {}

  start(): void {
    const { fleet, events, logger } = this.deps;
    if (fleet.sync.onRefresh) {
      events.on('event', (node, event) => {
        if (event.type === 'profile.refreshed' && ownerOf(event.profileId, fleet.owners) === node) this.schedule(node, event.profileId);
      });
    }
    events.on('connected', (node, reconnect) => {
      if (reconnect && this.ownsSomething(node)) this.track(this.syncOwnedBy(node, 'reconnect'));
    });
    this.job = scheduleEvery(fleet.sync.every, () => this.periodic(), (error) => logger.error({ err: (error as Error).message }, 'periodic sync failed'));
    this.catchUp = this.periodic().catch((error: Error) => logger.error({ err: error.message }, 'catch-up sync failed'));
    this.running.add(this.catchUp);
  }

  async stop(): Promise<void> {
    this.job?.stop();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Every owner's accounts to its followers (the periodic safety net; callable directly). */
  async periodic(): Promise<void> {
    for (const owner of primaryOwners(this.deps.fleet.owners)) await this.syncOwnedBy(owner, 'periodic');
  }

  private ownsSomething(node: string): boolean {
    return primaryOwners(this.deps.fleet.owners).includes(node);
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.catch((error: Error) => this.deps.logger.error({ err: error.message }, 'automatic sync failed')).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private schedule(owner: string, profileId: string): void {
    const entry = this.pending.get(owner) ?? { profiles: new Set<string>(), timer: setTimeout(() => this.flush(owner), DEBOUNCE_MS) };
    entry.profiles.add(profileId);
    this.pending.set(owner, entry);
  }

  private flush(owner: string): void {
    const entry = this.pending.get(owner);
    this.pending.delete(owner);
    if (entry) this.track(this.run(owner, [...entry.profiles], 'refresh'));
  }

  /** The owned profiles an owner holds right now (from its status). */
  private async syncOwnedBy(owner: string, trigger: 'periodic' | 'reconnect'): Promise<void> {
    const { results } = await fleetStatus(this.deps.fleetClient, [owner]);
    const status = results[0];
    if (!status?.ok) return;
    const owned = [...new Set(status.value.profiles.filter((profile) => ownerOf(profile.profileId, this.deps.fleet.owners) === owner && profile.health !== 'invalid').map((profile) => profile.profileId))];
    if (owned.length > 0) await this.run(owner, owned, trigger);
  }

  private async run(owner: string, profiles: string[], trigger: 'refresh' | 'periodic' | 'reconnect'): Promise<void> {
    const { fleetClient, locks, audit, logger } = this.deps;
    if (fleetClient.nodeNames.length < 2) return;
    let report: SyncReport;
    try {
      const by = `auto-sync (${trigger})`;
      const journal = this.deps.journal;
      report = await syncTokens(fleetClient, locks, { from: owner, to: 'all', profiles, dryRun: false, by, waitForLocksMs: LOCK_WAIT_MS, ...(journal ? { journalled: { journal, actor: { via: 'scheduler', id: 'auto-sync', name: by } } } : {}) });
    } catch (error) {
      // Nothing valid at the owner (expired, unreachable): the alert checks report that.
      if (error instanceof OperationRefusedError) {
        logger.info({ owner, trigger, reason: error.message }, 'automatic sync had nothing to do');
        return;
      }
      throw error;
    }
    await this.reportConflicts(owner, report);
    const changes = syncChanges(report);
    logger.info({ owner, trigger, changes: changes.length, outcome: syncOutcome(report) }, 'automatic sync');
    if (changes.length === 0) return;
    const summary = changes.map((change) => `${change.profileId} → ${change.node} (${change.agents.join(', ')})`).join('; ');
    await audit.record({ actor: { via: 'scheduler', id: 'auto-sync', name: `auto-sync (${trigger})` }, action: AUDIT_ACTIONS.sync, target: `${owner} → followers`, outcome: syncOutcome(report), detail: summary });
  }

  private async reportConflicts(owner: string, report: SyncReport): Promise<void> {
    for (const target of report.targets) {
      if (!target.ok) continue;
      for (const store of target.value.stores) {
        for (const plan of store.profiles) {
          if (plan.reason !== 'target_newer') continue;
          await this.deps.alerts.raise({
            key: `rotation-conflict:${target.node}:${plan.profileId}`,
            severity: 'critical',
            node: target.node,
            title: `rotation conflict on ${plan.profileId}: ${target.node} holds a newer token than its owner ${owner} (agent ${store.agentId}), so someone refreshed outside the owner`,
            action: `nothing was overwritten. If ${target.node}'s token works, copy it to the owner with \`/tokens sync from:${target.node} to:${owner} profile:${plan.profileId}\`, then stop whatever refreshes on ${target.node}; if not, log in again on ${owner}.`,
          });
        }
      }
    }
  }
}
