import type { AlertSink, RaisedAlert } from '../alerts/alert-sink.js';
import type { Fleet } from '../config/fleet-file.js';
import type { FleetView } from '../domain/fleet-view.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import { AgentEventSubscriber } from '../jobs/agent-event-subscriber.js';
import { AlertChecks } from '../jobs/alert-checks.js';
import { AutoSync } from '../jobs/auto-sync.js';
import { Renewals } from '../jobs/renewals.js';
import type { RenewalStore } from '../state/renewal-store.js';
import { scheduleEvery, type ScheduledJob } from '../jobs/schedule.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { Logger } from '../logging/logger.js';
import type { AlertStore } from '../state/alert-store.js';
import type { AuditLog } from '../state/audit-log.js';
import type { Leadership } from '../state/coordination.js';
import type { LeadershipChange } from '../state/leader-lease.js';
import { pictureThresholds, picturesConcerning, type PictureFile } from '../timeline/timeline-picture.js';

/** A job tried to post after this replica stopped leading, or began to stop: the (next) leader posts it (alert state is shared). */
class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(stopping: boolean) {
    super(stopping ? 'this bot replica is stopping; the next leader posts instead' : 'this bot replica is no longer the leader; the leader posts instead');
  }
}

/**
 * How long a shutdown waits for a check, sync or renewal in progress. The bot's whole stop
 * has 5 s (src/bot/main.ts), and the lease, the Discord client and the log come after the
 * jobs. Work held longer (Discord holding a post in a rate limit, a node slow to answer) is
 * left behind: the node locks it holds lapse, and what it had not posted stays unposted for
 * the next leader, as when Discord is unreachable.
 */
export const SHUTDOWN_WAIT_MS = 2_000;

/** Whether `work` settles before `deadline` (epoch ms); never rejects. */
async function settlesBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  if (deadline === Infinity) return work.then(() => true, () => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LeaderJobsDeps {
  fleet: Fleet;
  fleetClient: FleetClient;
  locks: NodeLocks;
  audit: AuditLog;
  alertStore: AlertStore;
  /** The ops channel (src/bot/ops-channel.ts); gated here on leadership. */
  post: (content: string, files?: readonly PictureFile[]) => Promise<string>;
  /** `files` replaces the message's pictures (empty: removes them); without it they stay. */
  edit: (messageId: string, content: string, files?: readonly PictureFile[]) => Promise<void>;
  logger: Logger;
  /** What renewal remembers (keyv, shared by the replicas). */
  renewals: RenewalStore;
  leadership: Leadership;
  /** A follower's raise: asks the leader for an alert check soon. */
  requestAlertCheck: () => Promise<void>;
  /** Where the jobs' syncs are written down while they run. */
  journal?: OperationJournal;
  /** At every takeover: restart plans left by a process that can no longer run them. */
  expirePlans: () => Promise<unknown>;
  /** Several replicas: the same, periodically (a follower that died leaves its plans behind). */
  planSweepEveryMs?: number;
  /**
   * Restarts and syncs a dead process left running in the operation journal: reported as
   * interrupted, at takeover and then every `interruptedEveryMs` (a process killed just
   * before this one started still has a live heartbeat for a few beats).
   */
  reportInterrupted?: () => Promise<unknown>;
  interruptedEveryMs?: number;
}

/**
 * One alert check draws a picture per node alerted, all at the check's clock: the audit log
 * is read once for them (the same `since` is the same check), not once per picture.
 */
function readOncePerCheck(audit: Pick<AuditLog, 'since'>): Pick<AuditLog, 'since'> {
  let last: { atMs: number; records: ReturnType<AuditLog['since']> } | undefined;
  return {
    since: (atMs) => {
      if (last?.atMs !== atMs) last = { atMs, records: audit.since(atMs) };
      return last.records;
    },
  };
}

interface Running {
  events: AgentEventSubscriber;
  autoSync: AutoSync;
  renewals: Renewals;
  alertChecks: AlertChecks;
  sweep: ScheduledJob | undefined;
  interrupted: ScheduledJob | undefined;
}

/**
 * The scheduled work, run by the leader only: the agents' event streams and the automatic
 * sync they trigger, the periodic sync, the alert checks, the expiry of leftover restart
 * plans. Started when this replica becomes leader and stopped when it stops being one, one
 * transition at a time; each takeover builds them afresh (their state is in keyv, shared).
 * Their posts are gated on leadership at the moment of posting, so a leader that lost its
 * lease in the middle of a check posts nothing more (the check keeps the alert unposted, as
 * when Discord is unreachable, and the new leader posts it).
 *
 * Also the AlertSink that commands raise into: on the leader, its checks run soon; on a
 * follower, the leader is asked to check soon.
 */
export class LeaderJobs implements AlertSink {
  private running: Running | null = null;
  private transitions: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: LeaderJobsDeps) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Follows leadership: start on gain, stop on loss. */
  follow(change: Pick<LeadershipChange, 'leader'>): Promise<void> {
    return this.enqueue(() => (change.leader ? this.start() : this.stop()));
  }

  /** Stops the jobs (shutdown); waits for a check, sync or renewal in progress at most `withinMs`. */
  shutdown(withinMs = SHUTDOWN_WAIT_MS): Promise<void> {
    this.closed = true;
    return this.enqueue(() => this.stop(withinMs));
  }

  async raise(_alert: RaisedAlert): Promise<void> {
    if (this.running && this.deps.leadership.isLeader) return this.running.alertChecks.raise();
    await this.deps.requestAlertCheck();
  }

  /** A follower asked for a check (leader only; ignored elsewhere). */
  checkSoon(): void {
    if (this.running && this.deps.leadership.isLeader) void this.running.alertChecks.raise();
  }

  private enqueue(transition: () => Promise<void>): Promise<void> {
    this.transitions = this.transitions.then(transition).catch((error: Error) => this.deps.logger.error({ err: error.message }, 'scheduled jobs: start or stop failed'));
    return this.transitions;
  }

  private async start(): Promise<void> {
    if (this.running || this.closed || !this.deps.leadership.isLeader) return;
    const { fleet, fleetClient, locks, audit, alertStore, logger, leadership } = this.deps;
    const leaderOnly =
      <A extends unknown[], R>(send: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        if (!leadership.isLeader || this.closed) throw new NotLeaderError(this.closed);
        return send(...args);
      };
    const events = new AgentEventSubscriber(fleet.nodes, logger);
    const journal = this.deps.journal;
    const pictureSources = { audit: readOncePerCheck(audit), thresholds: pictureThresholds(fleet.alerts) };
    const picture = (view: FleetView, node: string, nowMs: number) => picturesConcerning(view, [node], pictureSources, { nowMs, logger });
    const renewalStore = this.deps.renewals;
    const alertChecks = new AlertChecks({ fleet, fleetClient, locks, store: alertStore, audit, post: leaderOnly(this.deps.post), edit: leaderOnly(this.deps.edit), picture, logger, renewals: renewalStore, ...(journal ? { journal } : {}) });
    const autoSync = new AutoSync({ fleet, fleetClient, locks, events, audit, alerts: alertChecks, logger, ...(journal ? { journal } : {}) });
    const renewals = new Renewals({ fleet, fleetClient, locks, store: renewalStore, audit, alerts: alertChecks, logger, ...(journal ? { journal } : {}) });
    const running: Running = { events, autoSync, renewals, alertChecks, sweep: undefined, interrupted: undefined };
    this.running = running;
    await this.deps.expirePlans().catch((error: Error) => logger.warn({ err: error.message }, 'leftover restart plans not expired'));
    alertChecks.start();
    // The first alert check asks every node; what else starts by asking them all (renewal's
    // first plan, the event streams) waits until it has, rather than asking at the same
    // moment (at 100 nodes, all at once slowed the first alerts by half), but not for its
    // messages and pictures.
    void alertChecks.firstAsked.then(() => {
      if (this.running !== running) return;
      events.start();
      if (fleet.sync.auto) autoSync.start();
      if (fleet.renew.auto) renewals.start();
    });
    if (this.deps.planSweepEveryMs) {
      running.sweep = scheduleEvery(this.deps.planSweepEveryMs, async () => void (await this.deps.expirePlans()), (error) => logger.warn({ err: (error as Error).message }, 'leftover restart plans not expired'));
    }
    const reportInterrupted = this.deps.reportInterrupted;
    if (reportInterrupted) {
      const report = async () => void (await reportInterrupted());
      const failed = (error: unknown) => logger.warn({ err: (error as Error).message }, 'interrupted operations not reported');
      await report().catch(failed);
      if (this.deps.interruptedEveryMs) running.interrupted = scheduleEvery(this.deps.interruptedEveryMs, report, failed);
    }
    logger.info({ autoSync: fleet.sync.auto, onRefresh: fleet.sync.onRefresh, everyMs: fleet.sync.every, renewal: fleet.renew.auto }, 'jobs started');
  }

  /** On a lost lease the work in progress ends first (no overlap with the next leader); at shutdown, within `withinMs`. */
  private async stop(withinMs = Infinity): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.sweep?.stop();
    running.interrupted?.stop();
    running.events.stop();
    const deadline = Date.now() + withinMs;
    const abandoned: string[] = [];
    // Renewal and sync raise alerts: they stop before the checks do.
    const stops: [string, () => Promise<void>][] = [
      ['renewal', () => running.renewals.stop()],
      ['automatic sync', () => running.autoSync.stop()],
      ['alert check', () => running.alertChecks.stop()],
    ];
    for (const [what, stop] of stops) if (!(await settlesBy(stop(), deadline))) abandoned.push(what);
    this.deps.logger.info(abandoned.length ? { abandoned } : {}, 'jobs stopped');
  }
}
