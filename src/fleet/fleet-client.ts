import Bottleneck from 'bottleneck';
import type { z } from 'zod';
import type { Fleet, FleetNode } from '../config/fleet-file.js';
import type { NodeResult } from '../protocol/node-result.js';
import { AgentCallError, AgentClient } from './agent-client.js';

export class UnknownNodeError extends Error {
  override readonly name = 'UnknownNodeError';
  constructor(
    readonly node: string,
    readonly known: string[],
  ) {
    super(`unknown node "${node}"; the fleet has ${known.join(', ')}`);
  }
}

export interface FleetClientOptions {
  /** Per node: one dead node never holds up the others. */
  timeoutMs: number;
  /** Nodes asked at once. */
  concurrency: number;
}

/**
 * Signed calls to the fleet's agents, shared by the bot, the scheduler and the CLI. A
 * fan-out asks every node at once (bottleneck caps how many) and gives each node's answer
 * or a typed error, so one unreachable node is one line in a report, not a failed command.
 */
export class FleetClient {
  private readonly clients = new Map<string, AgentClient>();
  private readonly limiter: Bottleneck;

  constructor(
    readonly fleet: Fleet,
    readonly options: FleetClientOptions,
  ) {
    for (const node of fleet.nodes) this.clients.set(node.name, new AgentClient({ baseUrl: node.url, key: node.key, timeoutMs: options.timeoutMs }));
    this.limiter = new Bottleneck({ maxConcurrent: options.concurrency });
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

  /** One call to one node, its answer checked against `schema`. Throws AgentCallError. */
  async call<T extends z.ZodType>(name: string, method: string, route: string, schema: T, body?: unknown, timeoutMs?: number): Promise<z.infer<T>> {
    const value = await this.limiter.schedule(() => this.client(name).request(method, route, body, timeoutMs));
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AgentCallError('bad_response', `answer from ${name} does not match the API (${parsed.error.issues[0]?.path.join('.') ?? 'body'})`);
    return parsed.data;
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

  async close(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true });
  }
}

export function describeError(error: unknown): Extract<NodeResult<unknown>, { ok: false }>['error'] {
  if (error instanceof AgentCallError) {
    return { kind: error.kind, message: error.message, ...(error.status ? { status: error.status } : {}), ...(error.code ? { code: error.code } : {}) };
  }
  return { kind: 'bad_response', message: (error as Error)?.message ?? 'unknown error' };
}
