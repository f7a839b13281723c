import type { AlertSink } from '../alerts/alert-sink.js';
import type { Fleet } from '../config/fleet-file.js';
import { afterNotification, currentAlerts, decideNotification, nextNodeState, type ActiveAlert, type AlertThresholds } from '../domain/alerts.js';
import { buildFleetView, type FleetView } from '../domain/fleet-view.js';
import type { PictureFile } from '../timeline/timeline-picture.js';
import { classifyExpiry } from '../domain/token-health.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import { fleetStatus } from '../fleet/operations/fleet-status.js';
import { syncChanges, syncTokens } from '../fleet/operations/sync-tokens.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { Logger } from '../logging/logger.js';
import type { AlertStore } from '../state/alert-store.js';
import type { AuditLog } from '../state/audit-log.js';
import { AUDIT_ACTIONS } from '../state/audit-actions.js';
import { renderNodeAlerts, renderResolvedEdit, renderResolvedNotice } from '../bot/render/alert-message.js';
import { scheduleEvery, type ScheduledJob } from './schedule.js';

export interface AlertChecksDeps {
  fleet: Fleet;
  fleetClient: FleetClient;
  locks: NodeLocks;
  store: AlertStore;
  audit: AuditLog;
  /** Posts to the ops channel (with files, if any); returns the message id; throws when Discord is unreachable. */
  post: (content: string, files?: readonly PictureFile[]) => Promise<string>;
  /**
   * The expiry timeline of a node (and its accounts' owners) to attach to its expiry alert;
   * empty when it cannot be drawn (it never throws: an alert is never lost for a picture).
   * `nowMs` is the check's clock, the one its alerts were decided at.
   */
  picture?: (view: FleetView, node: string, nowMs: number) => Promise<PictureFile[]>;
  /** Edits a posted message; `files` replaces its pictures (empty: removes them), without it they stay. */
  edit: (messageId: string, content: string, files?: readonly PictureFile[]) => Promise<void>;
  logger: Logger;
  /** Syncs are written down while they run, so that one cut short by a crash is reported. */
  journal?: OperationJournal;
  now?: () => number;
}

/** Alerts about when tokens die: the ones a timeline picture helps decide on. */
function isExpiryAlert(alert: ActiveAlert): boolean {
  return alert.condition === 'token_expiring' || alert.condition === 'token_expired';
}

export interface CheckSummary {
  posted: number;
  edited: number;
  resolved: number;
  autoFixed: number;
  active: number;
}

/**
 * The scheduled check (`alerts.checkEvery`): asks every node, applies the auto-fix
 * (`sync.autoFix`, with `sync.auto`: a follower's expiring token replaced from a fresher owner, with a note
 * instead of an alert), evaluates each node's alerts and carries out what the pure rules
 * decide. When Discord cannot be reached the state is not advanced, so the next check
 * posts what was missed. Also an AlertSink: `raise` asks for a check soon.
 */
export class AlertChecks implements AlertSink {
  private job: ScheduledJob | undefined;
  private running: Promise<CheckSummary> | null = null;
  private soon: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: AlertChecksDeps) {
    this.now = deps.now ?? Date.now;
  }

  private get thresholds(): AlertThresholds {
    const { alerts } = this.deps.fleet;
    return { warnBeforeMs: alerts.warnBefore, criticalBeforeMs: alerts.criticalBefore, repeatEveryMs: alerts.repeatEvery };
  }

  start(): void {
    // A first look at start: alert state survives restarts, so this posts only what changed.
    void this.check().catch((error: Error) => this.deps.logger.error({ err: error.message }, 'alert check failed'));
    this.job = scheduleEvery(this.deps.fleet.alerts.checkEvery, async () => void (await this.check()), (error) => this.deps.logger.error({ err: (error as Error).message }, 'alert check failed'));
  }

  async stop(): Promise<void> {
    this.job?.stop();
    if (this.soon) clearTimeout(this.soon);
    await this.running?.catch(() => undefined);
  }

  async raise(): Promise<void> {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.check().catch((error: Error) => this.deps.logger.error({ err: error.message }, 'alert check failed'));
    }, 1000);
  }

  /** One check; concurrent callers share the one that runs. */
  check(): Promise<CheckSummary> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The picture for a node's alert message: only when it is about when tokens die. */
  private async pictureOf(view: FleetView, node: string, shown: readonly ActiveAlert[], nowMs: number): Promise<PictureFile[]> {
    return this.deps.picture && shown.some(isExpiryAlert) ? this.deps.picture(view, node, nowMs) : [];
  }

  private async view(): Promise<FleetView> {
    const report = await fleetStatus(this.deps.fleetClient);
    return buildFleetView(report.checkedAt, report.results, { owners: this.deps.fleet.owners, warnBeforeMs: this.thresholds.warnBeforeMs, nowMs: this.now() });
  }

  private async checkOnce(): Promise<CheckSummary> {
    const summary: CheckSummary = { posted: 0, edited: 0, resolved: 0, autoFixed: 0, active: 0 };
    let view = await this.view();
    if (this.deps.fleet.sync.auto && this.deps.fleet.sync.autoFix) {
      summary.autoFixed = await this.autoFix(view);
      if (summary.autoFixed > 0) view = await this.view();
    }
    const nowMs = this.now();
    const silences = await this.deps.store.silences(nowMs);
    for (const node of view.nodes) {
      const previous = await this.deps.store.node(node.name);
      const state = nextNodeState(previous, node, currentAlerts(view, node, previous, this.thresholds, nowMs));
      const { decision, shown, severity, digest } = decideNotification(state, silences, this.thresholds, nowMs);
      summary.active += state.alerts.length;
      let next = state;
      try {
        if (decision.kind === 'post') {
          const messageId = await this.deps.post(renderNodeAlerts(node.name, shown, decision.reason), await this.pictureOf(view, node.name, shown, nowMs));
          next = afterNotification(state, decision, { messageId, severity, digest }, nowMs);
          summary.posted++;
        } else if (decision.kind === 'edit' && state.messageId) {
          // The picture is redrawn with the text: one from when the alert was first posted would
          // show the tokens as they were then, beside words about how they are now.
          await this.deps.edit(state.messageId, renderNodeAlerts(node.name, shown, 'edit'), this.deps.picture ? await this.pictureOf(view, node.name, shown, nowMs) : undefined);
          next = afterNotification(state, decision, { severity, digest }, nowMs);
          summary.edited++;
        } else if (decision.kind === 'resolve' && state.messageId) {
          await this.deps.edit(state.messageId, renderResolvedEdit(node.name, nowMs), this.deps.picture ? [] : undefined).catch(() => undefined);
          await this.deps.post(renderResolvedNotice(node.name));
          next = afterNotification(state, decision, { severity, digest }, nowMs);
          summary.resolved++;
        }
      } catch (error) {
        // Discord unreachable: keep the tracked alerts, not the notification; the next check retries.
        this.deps.logger.warn({ node: node.name, err: (error as Error).message }, 'alert notification failed; will retry');
        next = { ...state, messageId: previous.messageId, notifiedSeverity: previous.notifiedSeverity, lastNotifiedAt: previous.lastNotifiedAt, notifiedDigest: previous.notifiedDigest };
      }
      await this.deps.store.saveNode(next);
    }
    this.deps.logger.info(summary, 'alert check');
    return summary;
  }

  /** Followers' expiring tokens the owner holds fresher: sync them now, note it, no alert. */
  private async autoFix(view: FleetView): Promise<number> {
    const nowMs = this.now();
    let fixed = 0;
    for (const node of view.nodes.filter((candidate) => candidate.reachable)) {
      for (const cell of node.profiles) {
        if (!cell.owner || cell.isOwner || !cell.expiresAt) continue;
        if (classifyExpiry(Date.parse(cell.expiresAt), nowMs, this.thresholds.warnBeforeMs) === 'ok') continue;
        const owner = view.nodes.find((candidate) => candidate.name === cell.owner)?.profiles.find((candidate) => candidate.profileId === cell.profileId);
        if (!owner?.expiresAt || Date.parse(owner.expiresAt) <= Date.parse(cell.expiresAt) || Date.parse(owner.expiresAt) <= nowMs) continue;
        try {
          const journal = this.deps.journal;
          const report = await syncTokens(this.deps.fleetClient, this.deps.locks, {
            from: cell.owner,
            to: node.name,
            profiles: [cell.profileId],
            dryRun: false,
            by: 'auto-fix',
            waitForLocksMs: 30_000,
            ...(journal ? { journalled: { journal, actor: { via: 'scheduler', id: 'auto-fix', name: 'auto-fix' } } } : {}),
          });
          const changes = syncChanges(report);
          if (changes.length === 0) continue;
          fixed++;
          const text = `🔧 Auto-fix: ${cell.profileId} on ${node.name} ${Date.parse(cell.expiresAt) <= nowMs ? 'had expired' : 'was expiring'} (<t:${Math.floor(Date.parse(cell.expiresAt) / 1000)}:R>); synced the owner ${cell.owner}'s, valid until <t:${Math.floor(Date.parse(owner.expiresAt) / 1000)}:R> (${changes.map((change) => change.agents.join(', ')).join('; ')}).`;
          await this.deps.audit.record({ actor: { via: 'scheduler', id: 'auto-fix', name: 'auto-fix' }, action: AUDIT_ACTIONS.sync, target: `${cell.owner} → ${node.name} (${cell.profileId})`, outcome: 'ok', detail: 'auto-fix of an expiring token' });
          await this.deps.post(text).catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'auto-fix note not posted'));
        } catch (error) {
          this.deps.logger.warn({ node: node.name, profileId: cell.profileId, err: (error as Error).message }, 'auto-fix failed; the alert stands');
        }
      }
    }
    return fixed;
  }
}
