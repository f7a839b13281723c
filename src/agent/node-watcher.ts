import { EventEmitter } from 'node:events';
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { AgentEvent } from '../protocol/agent-api.js';
import { diffObservations, observe, type ObservedNode } from '../domain/node-changes.js';
import type { AgentContext } from './agent-context.js';
import { probeGateway } from './gateway-probe.js';
import { readNodeSnapshot } from './node-snapshot.js';

const DEBOUNCE_MS = 40;
export const GATEWAY_POLL_MS = 5000;

/**
 * Notices changes on the node and emits them as agent events: store changes from a file
 * watch on every agent dir (OpenClaw replaces files by rename, which a directory watch
 * sees at once), with a slow poll as the fallback; gateway readiness from a poll.
 */
export class NodeWatcher extends EventEmitter<{ event: [AgentEvent] }> {
  private observed: ObservedNode | null = null;
  private gatewayReady: boolean | null = null;
  private watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  private timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescanWanted = false;
  private stopped = false;

  constructor(private readonly context: AgentContext) {
    super();
  }

  async start(): Promise<void> {
    await this.scan();
    await this.pollGateway();
    this.timers.push(setInterval(() => void this.scan(), this.context.env.TOKENOPS_POLL_EVERY));
    this.timers.push(setInterval(() => void this.pollGateway(), GATEWAY_POLL_MS));
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.debounce) clearTimeout(this.debounce);
    for (const { watcher } of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Rescans soon; bursts of file events (temp file, rename, lock) collapse into one scan. */
  private poke = (): void => {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.scan(), DEBOUNCE_MS);
  };

  /**
   * Watches exactly these dirs: a dir that is gone is unwatched, one replaced by a new dir
   * of the same name (another inode) is watched anew, since a watch follows the old inode.
   */
  private syncWatches(dirs: ReadonlySet<string>): void {
    for (const [dir, { watcher, ino }] of this.watchers) {
      let current: number | null = null;
      try {
        current = statSync(dir).ino;
      } catch {
        current = null;
      }
      if (!dirs.has(dir) || current !== ino) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir) || this.stopped) continue;
      try {
        const ino = statSync(dir).ino;
        const watcher = watch(dir, { persistent: false }, this.poke);
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, { watcher, ino });
      } catch {
        // Not there yet: the poll will find it, and the next scan will watch it.
      }
    }
  }

  /** One scan at a time; a change during a scan schedules exactly one more. */
  async scan(): Promise<void> {
    if (this.scanning) {
      this.rescanWanted = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.rescanWanted = false;
        await this.scanOnce().catch((error: Error) => this.context.logger.warn({ err: error.message }, 'store scan failed'));
      } while (this.rescanWanted && !this.stopped);
    })();
    try {
      await this.scanning;
    } finally {
      this.scanning = null;
    }
  }

  private async scanOnce(): Promise<void> {
    const { env } = this.context;
    const nowMs = this.context.now();
    const snapshot = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, nowMs, env.TOKENOPS_WARN_BEFORE);
    this.syncWatches(
      new Set([
        path.join(env.OPENCLAW_STATE_DIR, 'agents'),
        ...snapshot.stores.map(({ store }) => store.directory),
      ]),
    );
    const next = observe(snapshot.profiles, snapshot.storeStatuses);
    if (this.observed) {
      for (const event of diffObservations(this.observed, next, new Date(nowMs).toISOString())) this.emit('event', event);
    }
    this.observed = next;
  }

  private async pollGateway(): Promise<void> {
    const gateway = await probeGateway(this.context.env.TOKENOPS_GATEWAY_URL);
    if (this.gatewayReady !== null && gateway.ready !== this.gatewayReady && !this.stopped) {
      const at = new Date(this.context.now()).toISOString();
      this.emit('event', gateway.ready ? { type: 'gateway.ready', at } : { type: 'gateway.not_ready', at, ...(gateway.detail ? { detail: gateway.detail } : {}) });
    }
    this.gatewayReady = gateway.ready;
  }
}
