import type { AlertSink } from '../alerts/alert-sink.js';
import type { Fleet } from '../config/fleet-file.js';
import { fleetWideGroups, groupAction } from '../domain/alert-groups.js';
import { nodesToPicture, type PictureCandidate } from '../domain/alert-pictures.js';
import { afterNotification, criticalFirst, currentAlerts, decideNotification, isCritical, nextNodeState, type ActiveAlert, type AlertThresholds, type NodeAlertState, type Notification } from '../domain/alerts.js';
import type { FleetView } from '../domain/fleet-view.js';
import type { PictureFile } from '../timeline/timeline-picture.js';
import { classifyExpiry } from '../domain/token-health.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import { fleetStatusView } from '../fleet/operations/fleet-status.js';
import { syncTokens } from '../fleet/operations/sync-tokens.js';
import { syncChanges } from '../fleet/operations/sync-report.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { Logger } from '../logging/logger.js';
import type { AlertStore } from '../state/alert-store.js';
import type { AuditLog } from '../state/audit-log.js';
import { AUDIT_ACTIONS } from '../state/audit-actions.js';
import { renderGroupAlert, renderGroupResolvedEdit, renderGroupResolvedNotice, renderMovedEdit, renderNodeAlerts, renderResolvedEdit, renderResolvedNotice } from '../bot/render/alert-message.js';
import type { RenewalMemory } from '../fleet/operations/renewal-view.js';
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
  /** Syncs are written down while they run, so that one cut short by a crash is reported; restarts running show as such, not as alerts. */
  journal?: OperationJournal;
  /** What renewal remembers: copies it will replace in time are not alerted. */
  renewals?: RenewalMemory;
  now?: () => number;
  /** Overrides PICTURE_WAIT_MS (tests). */
  pictureWaitMs?: number;
}

/** How long a message waits for its picture before its text goes out alone; the picture is edited in when drawn. */
export const PICTURE_WAIT_MS = 1500;

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
  private stopped = false;
  private readonly now: () => number;
  private markAsked: () => void = () => undefined;
  /**
   * Settles once the first check has asked every node (or failed to): what else starts by
   * asking them all waits for this, not for the check's messages and pictures.
   */
  readonly firstAsked: Promise<void> = new Promise((resolve) => (this.markAsked = resolve));

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
    this.stopped = true;
    this.job?.stop();
    if (this.soon) clearTimeout(this.soon);
    await this.running?.catch(() => undefined);
  }

  async raise(): Promise<void> {
    // A sync or renewal left running by a bounded stop may still raise: no check after stop.
    if (this.soon || this.stopped) return;
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

  /**
   * Starts, all at once, the pictures this check's messages will carry (nodesToPicture: the
   * ones about when tokens die, at most a few); the pool draws them side by side while the
   * messages before them go out.
   */
  private startPictures(view: FleetView, candidates: readonly PictureCandidate[], nowMs: number): Map<string, Promise<PictureFile[]>> {
    const draw = this.deps.picture;
    if (!draw) return new Map();
    return new Map(
      nodesToPicture(candidates).map((node) => [
        node,
        draw(view, node, nowMs).catch((error: Error) => {
          this.deps.logger.warn({ node, err: error.message }, 'alert picture failed; posting without it');
          return [];
        }),
      ]),
    );
  }

  /** The picture if it is drawn within the wait, else 'late' (the text goes out first). */
  private async inTime(picture: Promise<PictureFile[]>): Promise<PictureFile[] | 'late'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, this.deps.pictureWaitMs ?? PICTURE_WAIT_MS, 'late')));
    try {
      return await Promise.race([picture, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A late picture joins the message it belongs to, with the same text, when it is drawn. */
  private async editInLate(messageId: string, content: string, picture: Promise<PictureFile[]>, node: string): Promise<void> {
    const files = await picture;
    if (files.length === 0) return;
    await this.deps.edit(messageId, content, files).catch((error: Error) => this.deps.logger.warn({ node, err: error.message }, 'late alert picture not attached'));
  }

  private view(): Promise<FleetView> {
    return fleetStatusView(this.deps.fleetClient, { nowMs: this.now(), ...(this.deps.renewals ? { renewals: this.deps.renewals } : {}) });
  }

  /** Nodes inside a confirmed restart the bot runs (this replica or another): the restart, not their gateway, is what they show. */
  private async busyNodes(): Promise<ReadonlySet<string>> {
    const running = (await this.deps.journal?.running().catch(() => [])) ?? [];
    return new Set(running.filter((entry) => entry.action === AUDIT_ACTIONS.restart).flatMap((entry) => entry.nodes));
  }

  private async checkOnce(): Promise<CheckSummary> {
    const summary: CheckSummary = { posted: 0, edited: 0, resolved: 0, autoFixed: 0, active: 0 };
    const startedAt = performance.now();
    let view = await this.view().finally(() => this.markAsked());
    // Where a slow check spends its time: asking the fleet, or telling the channel.
    const viewMs = Math.round(performance.now() - startedAt);
    if (this.deps.fleet.sync.auto && this.deps.fleet.sync.autoFix) {
      summary.autoFixed = await this.autoFix(view);
      if (summary.autoFixed > 0) view = await this.view();
    }
    const nowMs = this.now();
    const silences = await this.deps.store.silences(nowMs);
    const busy = await this.busyNodes();
    const states: Array<{ previous: NodeAlertState; state: NodeAlertState }> = [];
    for (const node of view.nodes) {
      const previous = await this.deps.store.node(node.name);
      states.push({ previous, state: nextNodeState(previous, node, currentAlerts(view, node, previous, this.thresholds, nowMs, { busy })) });
    }
    // A condition on more than a few nodes is one message for all of them; each node's own
    // message keeps the rest.
    const groups = fleetWideGroups(states.map(({ state }) => state.alerts));
    const grouped = new Set([...groups.values()].flat().map((alert) => alert.key));
    const own = states.map(({ state }) => ({ ...state, alerts: state.alerts.filter((alert) => !grouped.has(alert.key)) }));
    const decided = own.map((state) => decideNotification(state, silences, this.thresholds, nowMs));
    const pictures = this.startPictures(view, own.map((state, index) => ({ node: state.node, ...decided[index]! })), nowMs);
    const late: Promise<void>[] = [];
    const messages: Array<{ critical: boolean; send: () => Promise<void> }> = [];
    for (const [index, { previous, state }] of states.entries()) {
      summary.active += state.alerts.length;
      const moved = own[index]!.alerts.length < state.alerts.length;
      messages.push({
        critical: own[index]!.alerts.some(isCritical),
        send: async () => {
          const next = await this.notify(own[index]!, decided[index]!, previous, nowMs, summary, late, {
            render: (shown, reason) => renderNodeAlerts(state.node, shown, reason),
            picture: pictures.get(state.node),
            resolved: moved ? { edit: renderMovedEdit(state.node), notice: null } : { edit: renderResolvedEdit(state.node, nowMs), notice: renderResolvedNotice(state.node) },
          });
          // The node keeps tracking every alert it has (their `since`), grouped or not.
          await this.deps.store.saveNode({ ...next, alerts: state.alerts });
        },
      });
    }
    const keys = new Set([...(await this.deps.store.groupKeys()), ...groups.keys()]);
    const active: string[] = [];
    for (const key of keys) {
      const previous = await this.deps.store.group(key);
      const state = { ...previous, alerts: groups.get(key) ?? [] };
      messages.push({
        critical: state.alerts.some(isCritical),
        send: async () => {
          const next = await this.notify(state, decideNotification(state, silences, this.thresholds, nowMs), previous, nowMs, summary, late, {
            render: (shown, reason) => renderGroupAlert(shown, groupAction(shown), reason),
            picture: undefined,
            resolved: { edit: renderGroupResolvedEdit(key, nowMs), notice: renderGroupResolvedNotice(key) },
          });
          await this.deps.store.saveGroup(next);
          if (next.messageId !== null || next.alerts.length > 0) active.push(key);
        },
      });
    }
    // Discord takes about five messages per five seconds in a channel: in a burst, a
    // fleet-wide critical must not wait behind a node's warnings.
    for (const message of criticalFirst(messages, (candidate) => candidate.critical)) await message.send();
    await this.deps.store.saveGroupKeys(active);
    // The check ends with its pictures: the next one must not edit a message under a late one.
    await Promise.all(late);
    this.deps.logger.info({ ...summary, viewMs, tookMs: Math.round(performance.now() - startedAt) }, 'alert check');
    return summary;
  }

  /**
   * Carries out what the pure rules decide for one message (a node's, or a fleet-wide
   * group's). When Discord is unreachable the notification is not advanced, so the next
   * check sends what was missed. A picture still being drawn when its text is ready is
   * edited in later (added to `late`).
   */
  private async notify(
    state: NodeAlertState,
    { decision, shown, severity, digest }: Notification,
    previous: NodeAlertState,
    nowMs: number,
    summary: CheckSummary,
    late: Promise<void>[],
    how: {
      render: (shown: ActiveAlert[], reason: 'new' | 'severity_rose' | 'repeat' | 'edit') => string;
      /** This message's picture, being drawn; none: the message has no picture. */
      picture: Promise<PictureFile[]> | undefined;
      resolved: { edit: string; notice: string | null };
    },
  ): Promise<NodeAlertState> {
    const picture = how.picture;
    try {
      if (decision.kind === 'post') {
        const content = how.render(shown, decision.reason);
        const files = picture ? await this.inTime(picture) : [];
        const messageId = await this.deps.post(content, files === 'late' ? [] : files);
        if (files === 'late' && picture) late.push(this.editInLate(messageId, content, picture, state.node));
        summary.posted++;
        return afterNotification(state, decision, { messageId, severity, digest }, nowMs);
      }
      if (decision.kind === 'edit' && state.messageId) {
        // The picture is redrawn with the text: one from when the alert was first posted would
        // show the tokens as they were then, beside words about how they are now (a message
        // without a picture this time loses its old one).
        const content = how.render(shown, 'edit');
        const files = picture ? await this.inTime(picture) : this.deps.picture ? [] : undefined;
        await this.deps.edit(state.messageId, content, files === 'late' ? undefined : files);
        if (files === 'late' && picture) late.push(this.editInLate(state.messageId, content, picture, state.node));
        summary.edited++;
        return afterNotification(state, decision, { severity, digest }, nowMs);
      }
      if (decision.kind === 'resolve' && state.messageId) {
        await this.deps.edit(state.messageId, how.resolved.edit, this.deps.picture ? [] : undefined).catch(() => undefined);
        if (how.resolved.notice) await this.deps.post(how.resolved.notice);
        summary.resolved++;
        return afterNotification(state, decision, { severity, digest }, nowMs);
      }
      return state;
    } catch (error) {
      // Discord unreachable: keep the tracked alerts, not the notification; the next check retries.
      this.deps.logger.warn({ node: state.node, err: (error as Error).message }, 'alert notification failed; will retry');
      return { ...state, messageId: previous.messageId, notifiedSeverity: previous.notifiedSeverity, lastNotifiedAt: previous.lastNotifiedAt, notifiedDigest: previous.notifiedDigest };
    }
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
          // Normal operation posts nothing: the fix is audited, and the channel hears only what a person must do.
          const detail = `auto-fix: ${cell.profileId} ${Date.parse(cell.expiresAt) <= nowMs ? 'had expired' : 'was expiring'} (${cell.expiresAt}); the owner's, valid until ${owner.expiresAt}, synced to ${changes.map((change) => change.agents.join(', ')).join('; ')}`;
          await this.deps.audit.record({ actor: { via: 'scheduler', id: 'auto-fix', name: 'auto-fix' }, action: AUDIT_ACTIONS.sync, target: `${cell.owner} → ${node.name} (${cell.profileId})`, outcome: 'ok', detail });
        } catch (error) {
          this.deps.logger.warn({ node: node.name, profileId: cell.profileId, err: (error as Error).message }, 'auto-fix failed; the alert stands');
        }
      }
    }
    return fixed;
  }
}
