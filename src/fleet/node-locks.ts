import { OperationRefusedError } from './operation-refused.js';

export interface LockHolder {
  operation: string;
  by: string;
  since: Date;
}

export type Release = () => void;

/**
 * One mutating operation per node at a time, on the fleet's side (the agent guards itself
 * too): a command asks with `tryAcquire` and is refused with who holds the node and since
 * when; scheduled work waits its turn with `acquire`.
 */
export class NodeLocks {
  private readonly held = new Map<string, LockHolder>();
  private readonly waiting = new Map<string, Array<() => void>>();

  holder(node: string): LockHolder | undefined {
    return this.held.get(node);
  }

  tryAcquire(node: string, operation: string, by: string): Release {
    const holder = this.held.get(node);
    if (holder) {
      throw new OperationRefusedError(`${node} is busy: ${holder.operation} by ${holder.by}, started <t:${Math.floor(holder.since.getTime() / 1000)}:R>. Try again when it is done.`);
    }
    this.held.set(node, { operation, by, since: new Date() });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(node);
      this.waiting.get(node)?.shift()?.();
    };
  }

  /** Every node or none: a refusal on one releases those already taken. */
  tryAcquireAll(nodes: readonly string[], operation: string, by: string): Release {
    const releases: Release[] = [];
    try {
      for (const node of nodes) releases.push(this.tryAcquire(node, operation, by));
    } catch (error) {
      for (const release of releases) release();
      throw error;
    }
    return () => {
      for (const release of releases) release();
    };
  }

  async acquire(node: string, operation: string, by: string, timeoutMs: number): Promise<Release> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.held.has(node)) return this.tryAcquire(node, operation, by);
      const remaining = deadline - Date.now();
      if (remaining <= 0) return this.tryAcquire(node, operation, by);
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(node) ?? [];
        this.waiting.set(node, queue);
        const timer = setTimeout(() => {
          queue.splice(queue.indexOf(wake), 1);
          resolve();
        }, remaining);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        queue.push(wake);
      });
    }
  }
}
