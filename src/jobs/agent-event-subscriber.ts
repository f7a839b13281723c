import { EventEmitter } from 'node:events';
import type { FleetNode } from '../config/fleet-file.js';
import { fullJitterDelay } from '../domain/backoff.js';
import { subscribeAgentEvents, type EventSubscription } from '../fleet/agent-events.js';
import { AgentCallError } from '../fleet/agent-client.js';
import type { Logger } from '../logging/logger.js';
import type { AgentEvent } from '../protocol/agent-api.js';

const IDLE_TIMEOUT_MS = 45_000;
/** A connection that lasted this long resets the backoff. */
const STABLE_MS = 10_000;

/**
 * Holds a signed event stream open to every agent, reconnecting with exponential backoff
 * and full jitter (0.5 s doubling to 30 s) when an agent restarts, dies or goes quiet.
 * `connected` fires on each (re)connection, so callers can catch up on what a gap missed.
 */
export class AgentEventSubscriber extends EventEmitter<{
  event: [node: string, event: AgentEvent];
  connected: [node: string, reconnect: boolean];
  disconnected: [node: string, reason: string];
}> {
  private stopped = false;
  private readonly current = new Map<string, EventSubscription>();
  private readonly connected = new Set<string>();
  private readonly wake = new AbortController();

  constructor(
    private readonly nodes: readonly FleetNode[],
    private readonly logger: Logger,
    private readonly backoff = { baseMs: 500, capMs: 30_000 },
  ) {
    super();
  }

  isConnected(node: string): boolean {
    return this.connected.has(node);
  }

  start(): void {
    for (const node of this.nodes) void this.run(node);
  }

  stop(): void {
    this.stopped = true;
    this.wake.abort();
    for (const subscription of this.current.values()) subscription.close();
  }

  private async run(node: FleetNode): Promise<void> {
    let attempt = 0;
    let everConnected = false;
    let lastEventId: string | undefined;
    while (!this.stopped) {
      let reason = 'stream ended';
      // A stream that ends or drops is routine; one the bot cut for a broken limit or a failed check says something about the node.
      let suspect = false;
      try {
        const subscription = await subscribeAgentEvents(
          node.url,
          node.key,
          (event, id) => {
            lastEventId = id;
            this.emit('event', node.name, event);
          },
          { idleTimeoutMs: IDLE_TIMEOUT_MS, ...(lastEventId ? { lastEventId } : {}) },
        );
        this.current.set(node.name, subscription);
        this.connected.add(node.name);
        const since = Date.now();
        this.logger.info({ node: node.name, reconnect: everConnected }, 'event stream connected');
        this.emit('connected', node.name, everConnected);
        everConnected = true;
        await subscription.done;
        if (Date.now() - since > STABLE_MS) attempt = 0;
      } catch (error) {
        reason = (error as Error).message;
        suspect = error instanceof AgentCallError && (error.kind === 'bad_response' || error.kind === 'unauthorized' || error.kind === 'clock_skew');
      }
      this.current.delete(node.name);
      if (this.connected.delete(node.name)) this.emit('disconnected', node.name, reason);
      if (this.stopped) break;
      const delay = fullJitterDelay(attempt++, this.backoff);
      this.logger[suspect ? 'warn' : 'debug']({ node: node.name, reason, retryInMs: delay }, 'event stream down; reconnecting');
      await new Promise<void>((resolve) => {
        const onStop = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.wake.signal.removeEventListener('abort', onStop);
          resolve();
        }, delay);
        this.wake.signal.addEventListener('abort', onStop, { once: true });
      });
    }
  }
}
