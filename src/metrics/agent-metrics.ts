import { Counter, Histogram, Registry } from 'prom-client';
import { REFRESH_OUTCOMES, type ImportResponse, type RefreshResponse, type StatusResponse } from '../protocol/agent-api.js';
import { importOutcome, IMPORT_OUTCOMES, refreshOutcomes } from './agent-outcomes.js';
import { methodLabel, routeLabel, statusLabel } from './http-labels.js';
import { registerNodeStatusMetrics } from './node-status-metrics.js';
import { sharedRead } from './shared-read.js';

/** Request times from a health check (ms) to a restart that waits for readiness (up to minutes). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Every collector of a scrape asks within this window; a longer one would serve a stale status. */
const SCRAPE_READ_MS = 1_000;

/**
 * One agent's metrics, in a registry of its own (never prom-client's global one: tests and
 * the load farm run many agents in one process). The node-status gauges read the node when
 * scraped, through the same code as `/v1/status`; the counters count as requests end.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<'node' | 'route' | 'method' | 'status'>;
  private readonly imports: Counter<'node' | 'outcome'>;
  private readonly refreshes: Counter<'node' | 'outcome'>;

  constructor(
    private readonly node: string,
    private readonly routes: ReadonlySet<string>,
    readStatus: () => Promise<StatusResponse>,
  ) {
    const read = sharedRead(async () => {
      const status = await readStatus();
      // The agent's own health, decided where /v1/status decides it, at the moment it read.
      return [{ node, status, nowMs: Date.parse(status.checkedAt), healthOf: (profile: StatusResponse['profiles'][number]) => profile.health }];
    }, SCRAPE_READ_MS);
    registerNodeStatusMetrics(this.registry, read);
    this.requests = new Histogram({
      name: 'tokenops_agent_http_request_duration_seconds',
      help: 'Agent API requests by route template (unrouted paths as "other"), method and status; _count is the number of requests. /v1/events lasts as long as its stream.',
      labelNames: ['node', 'route', 'method', 'status'],
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    });
    this.imports = new Counter({
      name: 'tokenops_agent_imports_total',
      help: `Import requests by outcome (${IMPORT_OUTCOMES.join(', ')}, or the API error code of a failed one).`,
      labelNames: ['node', 'outcome'],
      registers: [this.registry],
    });
    this.refreshes = new Counter({
      name: 'tokenops_agent_refreshes_total',
      help: `Profile refreshes by outcome (${REFRESH_OUTCOMES.join(', ')}, or the API error code of a failed request).`,
      labelNames: ['node', 'outcome'],
      registers: [this.registry],
    });
    // Known outcomes start at 0, so a rate() over them works from the first scrape.
    for (const outcome of IMPORT_OUTCOMES) this.imports.inc({ node, outcome }, 0);
    for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ node, outcome }, 0);
  }

  observeRequest(method: string | undefined, pathname: string, status: number, seconds: number): void {
    this.requests.observe({ node: this.node, route: routeLabel(pathname, this.routes), method: methodLabel(method), status: statusLabel(status) }, seconds);
  }

  /** An import answered: counted by what it came to. */
  imported(response: ImportResponse): void {
    this.imports.inc({ node: this.node, outcome: importOutcome({ ok: true, value: response }) });
  }

  /** A refresh answered: each profile it tried counted by its outcome. */
  refreshed(response: RefreshResponse): void {
    for (const outcome of refreshOutcomes({ ok: true, value: response })) this.refreshes.inc({ node: this.node, outcome });
  }

  /** A routed, authenticated import or refresh failed: counted once under its API error code. */
  requestFailed(pathname: string, code: string): void {
    if (pathname === '/v1/import') this.imports.inc({ node: this.node, outcome: importOutcome({ ok: false, code }) });
    if (pathname === '/v1/refresh') for (const outcome of refreshOutcomes({ ok: false, code })) this.refreshes.inc({ node: this.node, outcome });
  }
}
