import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { ioredis } from '../state/ioredis.js';
import type { z } from 'zod';
import type { Fleet, FleetNode } from '../config/fleet-file.js';
import type { NodeResult } from '../protocol/node-result.js';
import { redisTarget, type RedisTarget } from '../state/redis-url.js';
import { statusResponseSchema, type StatusResponse } from '../protocol/agent-api.js';
import { writeRefusal, type AgentInfo } from '../protocol/api-version.js';
import { TOKENOPS_VERSION } from '../runtime/version.js';
import { AgentCallError, AgentClient, protocolViolations } from './agent-client.js';

export class UnknownNodeError extends Error {
  override readonly name = 'UnknownNodeError';
  constructor(
    readonly node: string,
    readonly known: string[],
  ) {
    super(`unknown node "${node}"; the fleet has ${known.join(', ')}`);
  }
}

/**
 * The bot replicas' shared fan-out limiter could not be used (its Redis is down or refusing):
 * the node was not asked. Typed as an agent-call failure so a report shows it on the node's
 * line, with code `limiter_unavailable` and a message that says what to check.
 */
class SharedLimiterError extends AgentCallError {
  constructor(message: string) {
    super('unreachable', message, undefined, 'limiter_unavailable');
  }
}

interface SharedLimitOptions {
  /** The Redis the replicas share (TOKENOPS_STATE). */
  redisUrl: string;
  /** Bottleneck's limiter id; replicas with the same id share one limit. Default `tokenops-fanout`. */
  id?: string;
}

/** One call to one node as it ended: what was asked, and the answer or the typed error. */
export interface NodeCall {
  method: string;
  route: string;
  /** `ms` is the request itself, not the wait for a fan-out slot. */
  result: NodeResult<unknown>;
}

export interface FleetClientOptions {
  /** Per node: one dead node never holds up the others. */
  timeoutMs: number;
  /** Nodes asked at once. */
  concurrency: number;
  /**
   * Several bot replicas: hold `concurrency` across all of them, in Redis (bottleneck's
   * clustering). Without it the limit is this process's own (one replica, the CLI).
   */
  sharedLimit?: SharedLimitOptions;
}

/** Bottleneck's id for the replicas' shared limit: one per state store (= per fleet), whatever the fleet file's revision. */
const SHARED_LIMITER_ID = 'tokenops-fanout';
/** A job of a replica that died is freed after its own timeout plus this (else it holds a slot forever). */
const EXPIRATION_MARGIN_MS = 2_000;

/**
 * Signed calls to the fleet's agents, shared by the bot, the scheduler and the CLI. A
 * fan-out asks every node at once (bottleneck caps how many) and gives each node's answer
 * or a typed error, so one unreachable node is one line in a report, not a failed command.
 */
/**
 * The routes that change a node or carry its secrets out (an export's sealed bundle is read
 * by an import of the same API): sent only to an agent whose API this code speaks.
 */
const WRITE_ROUTES: ReadonlySet<string> = new Set(['/v1/export', '/v1/import', '/v1/refresh', '/v1/capacity', '/v1/restart']);

export class FleetClient {
  private readonly clients = new Map<string, AgentClient>();
  /** What each node's agent last said it runs (its status answers); absent: not asked yet. */
  private readonly agents = new Map<string, AgentInfo | null>();
  private readonly callListeners: Array<(call: NodeCall) => void> = [];
  private readonly limiter: Bottleneck;
  private readonly shared: { redis: Redis; connection: Bottleneck.IORedisConnection; target: RedisTarget; lastError: string } | undefined;

  constructor(
    readonly fleet: Fleet,
    readonly options: FleetClientOptions,
  ) {
    for (const node of fleet.nodes) this.clients.set(node.name, new AgentClient({ baseUrl: node.url, key: node.key, timeoutMs: options.timeoutMs }));
    if (!options.sharedLimit) {
      this.limiter = new Bottleneck({ maxConcurrent: options.concurrency });
      return;
    }
    // Bottleneck's clustering: every replica's limiter with this id shares one count of running
    // jobs in Redis, so `maxConcurrent` holds for the fleet, not per replica. The ioredis client
    // comes from the same URL as the state; its errors are kept (password scrubbed) for the
    // message a failed call gets.
    const target = redisTarget(options.sharedLimit.redisUrl);
    const { Redis } = ioredis();
    const redis = new Redis(target.url, { maxRetriesPerRequest: 1, connectionName: 'tokenops-fanout' });
    const shared = { redis, connection: undefined as unknown as Bottleneck.IORedisConnection, target, lastError: '' };
    redis.on('error', (error: Error) => {
      shared.lastError = target.scrub(error.message);
    });
    shared.connection = new Bottleneck.IORedisConnection({ client: redis, Redis });
    shared.connection.on('error', (error: Error) => {
      shared.lastError = target.scrub(error.message);
    });
    this.shared = shared;
    const settings: Bottleneck.ConstructorOptions & { heartbeatInterval: number } = {
      datastore: 'ioredis',
      connection: shared.connection,
      id: options.sharedLimit.id ?? SHARED_LIMITER_ID,
      // Another replica's running jobs are in there: never wipe them at start.
      clearDatastore: false,
      maxConcurrent: options.concurrency,
      // How often a replica looks at the shared state (bottleneck's default 5 s): it is also
      // when a dead replica's expired jobs are noticed and the waiting calls woken.
      heartbeatInterval: 1_000,
    };
    this.limiter = new Bottleneck(settings);
    this.limiter.on('error', (error: Error) => {
      shared.lastError = target.scrub(error.message);
    });
    // With clearDatastore false the first replica's settings would stay; the latest start's apply.
    // (updateSettings answers a promise in clustering mode, whatever its typings say.)
    void Promise.resolve(this.limiter.updateSettings({ maxConcurrent: options.concurrency })).catch(() => undefined);
  }

  get nodeNames(): string[] {
    return this.fleet.nodes.map((node) => node.name);
  }

  node(name: string): FleetNode {
    const node = this.fleet.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new UnknownNodeError(name, this.nodeNames);
    return node;
  }

  client(name: string): AgentClient {
    this.node(name);
    return this.clients.get(name)!;
  }

  /**
   * One call to one node, its answer checked against `schema`. Throws AgentCallError; a write
   * to an agent of an API this code does not speak is refused before it is sent
   * ('incompatible_api', naming both versions).
   */
  async call<T extends z.ZodType>(name: string, method: string, route: string, schema: T, body?: unknown, timeoutMs?: number): Promise<z.infer<T>> {
    const client = this.client(name);
    if (method === 'POST' && WRITE_ROUTES.has(route)) await this.refuseUnspokenApi(name);
    let ms = 0;
    const request = async () => {
      const started = performance.now();
      try {
        return await client.request(method, route, body, timeoutMs);
      } finally {
        ms = Math.round(performance.now() - started);
      }
    };
    try {
      // A node held for breaking a reading limit is not asked, nor queued behind the others.
      const held = protocolViolations.check(client.baseUrl);
      if (held) throw held;
      const value = this.shared ? await this.scheduleShared(name, request, timeoutMs ?? this.options.timeoutMs) : await this.limiter.schedule(request);
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw new AgentCallError('bad_response', `answer from ${name} does not match the API (${parsed.error.issues[0]?.path.join('.') ?? 'body'})`);
      if (route === '/v1/status') this.agents.set(name, (parsed.data as StatusResponse).agent ?? null);
      this.report({ method, route, result: { node: name, ok: true, value: parsed.data, ms } });
      return parsed.data;
    } catch (error) {
      this.report({ method, route, result: { node: name, ok: false, error: describeError(error), ms } });
      throw error;
    }
  }

  /** What a node's agent said it runs, when it was last asked for its status. */
  agentOf(name: string): AgentInfo | null | undefined {
    return this.agents.get(name);
  }

  /** Asks for the node's status first if it was not asked yet (its version comes with it). */
  private async refuseUnspokenApi(name: string): Promise<void> {
    if (!this.agents.has(name)) await this.call(name, 'GET', '/v1/status', statusResponseSchema);
    const refusal = writeRefusal(name, this.agents.get(name), TOKENOPS_VERSION);
    if (refusal) throw new AgentCallError('incompatible_api', refusal, undefined, 'incompatible_api');
  }

  /** Every call's end from now on (the bot's metrics: node reachability and check latency come from the checks it makes anyway). */
  onCall(listener: (call: NodeCall) => void): void {
    this.callListeners.push(listener);
  }

  private report(call: NodeCall): void {
    for (const listener of this.callListeners) {
      try {
        listener(call);
      } catch {
        // A watcher's bug must not turn a node's answer into a failure.
      }
    }
  }

  /** The same call to each named node (all by default), in parallel, each answer or error. */
  async fanOut<T extends z.ZodType>(method: string, route: string, schema: T, options: { nodes?: string[]; body?: unknown } = {}): Promise<NodeResult<z.infer<T>>[]> {
    const names = options.nodes ?? this.nodeNames;
    for (const name of names) this.node(name);
    return Promise.all(
      names.map(async (name): Promise<NodeResult<z.infer<T>>> => {
        const started = Date.now();
        try {
          const value = await this.call(name, method, route, schema, options.body);
          return { node: name, ok: true, value, ms: Date.now() - started };
        } catch (error) {
          return { node: name, ok: false, error: describeError(error), ms: Date.now() - started };
        }
      }),
    );
  }

  /**
   * A call under the replicas' shared limit. Each job carries an expiration (its own timeout
   * plus a margin), so the slot of a replica killed mid-call is freed in Redis rather than held
   * forever. A limiter failure (Redis down) is a SharedLimiterError, not the agent's fault.
   */
  private async scheduleShared<T>(node: string, task: () => Promise<T>, timeoutMs: number): Promise<T> {
    const shared = this.shared!;
    if (shared.redis.status !== 'ready') {
      // Not connected (yet, or any more): wait as long as a node may take, then say why.
      let timer: NodeJS.Timeout | undefined;
      const ready = await Promise.race([
        this.limiter.ready().then(
          () => shared.redis.status === 'ready',
          () => false,
        ),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
      if (!ready) throw this.limiterError(node);
    }
    let taskFailure: { error: unknown } | undefined;
    try {
      return await this.limiter.schedule({ expiration: timeoutMs + EXPIRATION_MARGIN_MS }, async () => {
        try {
          return await task();
        } catch (error) {
          taskFailure = { error };
          throw error;
        }
      });
    } catch (error) {
      if (taskFailure) throw taskFailure.error;
      if (error instanceof Bottleneck.BottleneckError && /timed out/.test(error.message)) throw new AgentCallError('timeout', `no answer within ${timeoutMs + EXPIRATION_MARGIN_MS} ms`);
      shared.lastError ||= shared.target.scrub((error as Error)?.message ?? String(error));
      throw this.limiterError(node);
    }
  }

  private limiterError(node: string): SharedLimiterError {
    const { target, lastError } = this.shared!;
    return new SharedLimiterError(`${node} was not asked: the replicas' shared fan-out limit (Redis at ${target.display}) is unavailable${lastError ? ` (${lastError})` : ''}; check that redis-server runs there and TOKENOPS_STATE points at it`);
  }

  async close(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    if (this.shared) {
      await this.shared.connection.disconnect(true).catch(() => undefined);
      this.shared.redis.disconnect();
    }
  }
}

export function describeError(error: unknown): Extract<NodeResult<unknown>, { ok: false }>['error'] {
  if (error instanceof AgentCallError) {
    return { kind: error.kind, message: error.message, ...(error.status ? { status: error.status } : {}), ...(error.code ? { code: error.code } : {}) };
  }
  return { kind: 'bad_response', message: (error as Error)?.message ?? 'unknown error' };
}
