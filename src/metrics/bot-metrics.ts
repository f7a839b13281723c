import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Fleet } from '../config/fleet-file.js';
import { activeAlertSchema, SEVERITIES } from '../domain/alerts.js';
import { cellHealth } from '../domain/fleet-view.js';
import type { FleetClient, NodeCall } from '../fleet/fleet-client.js';
import type { Logger } from '../logging/logger.js';
import type { StatusResponse } from '../protocol/agent-api.js';
import type { AlertStore } from '../state/alert-store.js';
import { fleetViewOf } from '../fleet/operations/fleet-status.js';
import { withRenewalSchedule, type RenewalMemory } from '../fleet/operations/renewal-view.js';
import type { AuditLog, AuditRecord } from '../state/audit-log.js';
import type { Leadership } from '../state/coordination.js';
import { auditCounts, CONFIRMATION_RESULTS, REFRESH_AUDIT_OUTCOMES, RENEWAL_OUTCOMES, RESTART_OUTCOMES, SYNC_OUTCOMES, type AuditCounter } from './audit-events.js';
import { DISCORD_ERROR_KINDS, type DiscordErrorKind } from './discord-error-kind.js';
import { registerNodeStatusMetrics } from './node-status-metrics.js';
import type { NodeStatusReading } from './profile-samples.js';

/** A status check takes milliseconds on a LAN; TOKENOPS_NODE_TIMEOUT (3 s by default) ends the slow ones. */
const CHECK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const CONDITIONS = activeAlertSchema.shape.condition.options;

export interface BotMetricsDeps {
  fleet: Fleet;
  alertStore: AlertStore;
  /** What renewal remembers: which copies it will replace in time (tokenops_bot_renewal_covered). */
  renewals?: RenewalMemory;
  leadership: Pick<Leadership, 'isLeader'>;
  logger: Logger;
  now?: () => number;
}

/**
 * The bot's metrics: the fleet from the status checks the bot makes anyway (alert checks,
 * commands), never a poll of its own; alerts from the shared alert state; what it did from
 * the audit log; Discord's errors from discord.js. In a registry of its own.
 */
export class BotMetrics {
  readonly registry = new Registry();
  /** Each node's last answered status check: the node-status family is served from these. */
  private readonly lastStatus = new Map<string, StatusResponse>();
  private readonly now: () => number;
  private readonly nodeUp: Gauge<'node'>;
  private readonly lastCheck: Gauge<'node'>;
  private readonly checks: Counter<'node' | 'result'>;
  private readonly checkSeconds: Histogram<'node'>;
  private readonly audited: Record<AuditCounter, { counter: Counter<string>; label: string }>;
  private readonly discordErrors: Counter<'kind'>;
  private readonly rateLimitWaits: Counter;

  constructor(private readonly deps: BotMetricsDeps) {
    this.now = deps.now ?? Date.now;
    const registers = [this.registry];
    registerNodeStatusMetrics(this.registry, async () => this.readings());

    this.nodeUp = new Gauge({ name: 'tokenops_bot_node_up', help: "1 when the node's agent answered the bot's last status check, else 0.", labelNames: ['node'], registers });
    this.lastCheck = new Gauge({ name: 'tokenops_bot_node_last_check_timestamp_seconds', help: "When the bot last asked the node's status (Unix seconds), answered or not.", labelNames: ['node'], registers });
    this.checks = new Counter({ name: 'tokenops_bot_node_checks_total', help: 'Status checks of the node by result: ok, or why not (unreachable, timeout, unauthorized, clock_skew, bad_response, http_error).', labelNames: ['node', 'result'], registers });
    this.checkSeconds = new Histogram({ name: 'tokenops_bot_node_check_duration_seconds', help: "How long the node's agent took to answer a status check (or to fail).", labelNames: ['node'], buckets: CHECK_BUCKETS, registers });

    const alertStore = deps.alertStore;
    const logger = deps.logger;
    const fleet = deps.fleet;
    const now = this.now;
    new Gauge({
      name: 'tokenops_bot_alerts_active',
      help: 'Alerts the bot tracks now (pending first failures left out; silenced ones counted), by severity and condition, from the shared alert state.',
      labelNames: ['severity', 'condition'],
      registers,
      async collect() {
        this.reset();
        try {
          const states = await Promise.all(fleet.nodes.map((node) => alertStore.node(node.name)));
          for (const severity of SEVERITIES) for (const condition of CONDITIONS) this.set({ severity, condition }, 0);
          for (const alert of states.flatMap((state) => state.alerts)) if (!alert.pending) this.inc({ severity: alert.severity, condition: alert.condition });
        } catch (error) {
          // No figure rather than a wrong zero: the state store could not be read.
          logger.warn({ err: (error as Error).message }, 'metrics: alert state not readable');
        }
      },
    });
    new Gauge({
      name: 'tokenops_bot_silences_active',
      help: 'Silences in force now.',
      registers,
      async collect() {
        this.reset();
        try {
          this.set((await alertStore.silences(now())).length);
        } catch (error) {
          logger.warn({ err: (error as Error).message }, 'metrics: silences not readable');
        }
      },
    });
    const leadership = deps.leadership;
    new Gauge({
      name: 'tokenops_bot_leader',
      help: 'This replica runs the scheduled jobs (alert checks, automatic sync): 1, else 0. Its node figures are the fresh ones.',
      registers,
      collect() {
        this.set(leadership.isLeader ? 1 : 0);
      },
    });

    const auditCounter = (counter: AuditCounter, help: string, outcomes: readonly string[], label = 'outcome') => {
      const metric = new Counter({ name: `tokenops_bot_${counter}_total`, help, labelNames: [label], registers });
      // Known outcomes start at 0, so a rate() over them works from the first scrape.
      for (const outcome of outcomes) metric.inc({ [label]: outcome }, 0);
      return { counter: metric, label };
    };
    this.audited = {
      syncs: auditCounter('syncs', `Syncs this replica ran or finished, manual, after a refresh or automatic (dry runs left out), by outcome: ${SYNC_OUTCOMES.join(', ')}.`, SYNC_OUTCOMES),
      refreshes: auditCounter('refreshes', `/tokens refresh by outcome: ${REFRESH_AUDIT_OUTCOMES.join(', ')}.`, REFRESH_AUDIT_OUTCOMES),
      restarts: auditCounter('restarts', `Node restarts by outcome: ${RESTART_OUTCOMES.join(', ')} (one per node of a rolling restart).`, RESTART_OUTCOMES),
      confirmations: auditCounter('confirmations', `Restart plans by answer: ${CONFIRMATION_RESULTS.join(', ')}.`, CONFIRMATION_RESULTS, 'result'),
      renewals: auditCounter('renewals', `Scheduled renewals on an account's owner (or stand-in), by outcome: ${RENEWAL_OUTCOMES.join(', ')}.`, RENEWAL_OUTCOMES),
    };
    const lastStatus = this.lastStatus;
    new Gauge({
      name: 'tokenops_bot_renewal_covered',
      help: "1 when renewal replaces this node's copy of the account before it expires (no one needs telling), 0 when it will not (renewal off, failing, or nobody can renew); OAuth accounts with an owner only.",
      labelNames: ['node', 'profile'],
      registers,
      async collect() {
        this.reset();
        try {
          const nowMs = now();
          const results = [...lastStatus].map(([node, value]) => ({ node, ok: true as const, value, ms: 0 }));
          const { view } = await withRenewalSchedule(fleetViewOf(fleet, { checkedAt: new Date(nowMs).toISOString(), results }, nowMs), fleet, deps.renewals, nowMs);
          for (const node of view.nodes) for (const cell of node.profiles) if (cell.renewal) this.set({ node: node.name, profile: cell.profileId }, cell.renewal.covers ? 1 : 0);
        } catch (error) {
          logger.warn({ err: (error as Error).message }, 'metrics: renewal state not readable');
        }
      },
    });
    this.discordErrors = new Counter({ name: 'tokenops_bot_discord_errors_total', help: `Discord errors by kind: ${DISCORD_ERROR_KINDS.join(', ')}.`, labelNames: ['kind'], registers });
    for (const kind of DISCORD_ERROR_KINDS) this.discordErrors.inc({ kind }, 0);
    this.rateLimitWaits = new Counter({ name: 'tokenops_bot_discord_rate_limit_waits_total', help: 'Times discord.js held a request back for a rate limit.', registers });
  }

  /** Hooks the metrics to where the figures arise: the fleet client's calls and the audit log. */
  watch(fleetClient: Pick<FleetClient, 'onCall'>, audit: Pick<AuditLog, 'onRecord'>): void {
    fleetClient.onCall((call) => this.nodeCalled(call));
    audit.onRecord((record) => this.audit(record));
  }

  countDiscordError(kind: DiscordErrorKind): void {
    this.discordErrors.inc({ kind });
  }

  countRateLimitWait(): void {
    this.rateLimitWaits.inc();
  }

  private nodeCalled({ method, route, result }: NodeCall): void {
    if (method !== 'GET' || route !== '/v1/status') return;
    const node = result.node;
    this.nodeUp.set({ node }, result.ok ? 1 : 0);
    this.lastCheck.set({ node }, this.now() / 1000);
    this.checks.inc({ node, result: result.ok ? 'ok' : result.error.kind });
    this.checkSeconds.observe({ node }, result.ms / 1000);
    // Answers were checked against the status schema by the fleet client.
    if (result.ok) this.lastStatus.set(node, result.value as StatusResponse);
  }

  private audit(record: AuditRecord): void {
    for (const { counter, outcome } of auditCounts(record)) this.audited[counter].counter.inc({ [this.audited[counter].label]: outcome });
  }

  /**
   * Each node as last answered, its health under the fleet's threshold at scrape time (as
   * `/tokens status` shows it). A node that stopped answering keeps its last answer: its
   * tokens still expire; tokenops_bot_node_up says the answer is old.
   */
  private readings(): NodeStatusReading[] {
    const nowMs = this.now();
    const options = { nowMs, warnBeforeMs: this.deps.fleet.alerts.warnBefore };
    return [...this.lastStatus].map(([node, status]) => ({ node, status, nowMs, healthOf: (profile) => cellHealth(profile, options) }));
  }
}
