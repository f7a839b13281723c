import { randomUUID } from 'node:crypto';
import { MemoryNodeLockStore, type LockRecord, type NodeLockStore } from '../state/node-lock-store.js';
import { OperationRefusedError } from './operation-refused.js';

export interface LockHolder {
  operation: string;
  by: string;
  since: Date;
}

export type Release = () => Promise<void>;

export interface NodeLocksOptions {
  /** The process taking locks (a bot replica's lease owner, or the CLI run), shown to whoever is refused. */
  owner?: string;
  /** A shared lock's lease: renewed every third of it while held, so a dead holder's lapses within it. */
  ttlMs?: number;
  /** How often a waiter looks again for a holder in another process. */
  pollMs?: number;
  /** Told when a held lock could not be renewed (it may lapse and be taken while the operation runs). */
  onLost?: (node: string, reason: string) => void;
}

/** Long enough to ride out a Redis or disk hiccup; short enough that a dead holder does not block for long. */
export const DEFAULT_LOCK_TTL_MS = 15_000;

/**
 * One mutating operation per node at a time, across every process that shares the state
 * (bot replicas on Redis, the CLI and a bot on one SQLite file; the agent guards itself
 * too): a command asks with `tryAcquire` and is refused with who holds the node and since
 * when; scheduled work waits its turn with `acquire`. Waiters in this process are woken in
 * arrival order when a lock here is released; a holder in another process is looked for
 * again every `pollMs`. Held shared locks are leases, renewed while held.
 */
export class NodeLocks {
  readonly owner: string;
  private readonly ttlMs: number;
  private readonly pollMs: number;
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly store: NodeLockStore = new MemoryNodeLockStore(),
    private readonly options: NodeLocksOptions = {},
  ) {
    this.owner = options.owner ?? randomUUID();
    // A lock only this process can see never needs to lapse: it is released, or the process is gone.
    this.ttlMs = store.shared ? (options.ttlMs ?? DEFAULT_LOCK_TTL_MS) : Number.POSITIVE_INFINITY;
    this.pollMs = options.pollMs ?? 250;
  }

  async holder(node: string): Promise<LockHolder | undefined> {
    const record = await this.store.holder(node);
    return record ? { operation: record.operation, by: record.by, since: new Date(record.sinceMs) } : undefined;
  }

  async tryAcquire(node: string, operation: string, by: string): Promise<Release> {
    const record: LockRecord = { token: randomUUID(), operation, by, sinceMs: Date.now(), owner: this.owner };
    const holder = await this.store.take(node, record, this.ttlMs);
    if (holder) throw busy(node, holder);
    return this.held(node, record.token);
  }

  /** Every node or none: a refusal on one releases those already taken. */
  async tryAcquireAll(nodes: readonly string[], operation: string, by: string): Promise<Release> {
    const releases: Release[] = [];
    try {
      for (const node of nodes) releases.push(await this.tryAcquire(node, operation, by));
    } catch (error) {
      for (const release of releases) await release();
      throw error;
    }
    return async () => {
      for (const release of releases) await release();
    };
  }

  async acquire(node: string, operation: string, by: string, timeoutMs: number): Promise<Release> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = deadline - Date.now();
      try {
        return await this.tryAcquire(node, operation, by);
      } catch (error) {
        if (!(error instanceof OperationRefusedError) || remaining <= 0) throw error;
      }
      await this.wait(node, this.store.shared ? Math.min(remaining, this.pollMs) : remaining);
    }
  }

  /** Until a release here wakes this waiter (in arrival order), or `ms` pass. */
  private wait(node: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const queue = this.waiting.get(node) ?? [];
      this.waiting.set(node, queue);
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(wake), 1);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      queue.push(wake);
    });
  }

  /** The release of a lock just taken; a shared one is renewed until then. */
  private held(node: string, token: string): Release {
    let renewal: NodeJS.Timeout | undefined;
    if (Number.isFinite(this.ttlMs)) {
      renewal = setInterval(() => {
        this.store.renew(node, token, this.ttlMs).then(
          (ok) => {
            if (!ok) this.options.onLost?.(node, 'the lock was no longer ours at renewal');
          },
          (error: Error) => this.options.onLost?.(node, `renewal failed: ${error.message}`),
        );
      }, Math.max(50, Math.floor(this.ttlMs / 3)));
      renewal.unref();
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (renewal) clearInterval(renewal);
      await this.store.release(node, token).catch(() => undefined);
      this.waiting.get(node)?.shift()?.();
    };
  }
}

function busy(node: string, holder: LockRecord): OperationRefusedError {
  return new OperationRefusedError(`${node} is busy: ${holder.operation} by ${holder.by}, started <t:${Math.floor(holder.sinceMs / 1000)}:R>. Try again when it is done.`);
}
