import type { Keyv } from 'keyv';

/** Something a person must act on, with what to do. */
export interface RaisedAlert {
  /** One alert per (node, condition): the same key is not posted again within repeatEvery. */
  key: string;
  severity: 'warning' | 'critical';
  node: string;
  title: string;
  /** What to do about it, e.g. `/tokens sync from:pc-a to:t440`. */
  action: string;
}

export interface AlertSink {
  raise(alert: RaisedAlert): Promise<void>;
}

/**
 * Posts alerts to the ops channel, each key at most once per `repeatEveryMs`; when it was
 * last posted lives in keyv, so a bot restart does not post it all again.
 */
export class ChannelAlertSink implements AlertSink {
  /** Raises of one key run one after another, so two at once cannot both post. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Keyv<number>,
    private readonly post: (text: string) => Promise<void>,
    private readonly repeatEveryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  raise(alert: RaisedAlert): Promise<void> {
    const previous = this.queues.get(alert.key) ?? Promise.resolve();
    const next = previous.then(() => this.raiseNow(alert));
    const settled = next.catch(() => undefined);
    this.queues.set(alert.key, settled);
    void settled.then(() => {
      if (this.queues.get(alert.key) === settled) this.queues.delete(alert.key);
    });
    return next;
  }

  private async raiseNow(alert: RaisedAlert): Promise<void> {
    const last = await this.store.get(alert.key);
    if (last !== undefined && this.now() - last < this.repeatEveryMs) return;
    const icon = alert.severity === 'critical' ? '🔴' : '🟡';
    await this.post(`${icon} **${alert.node}: ${alert.title}**\n→ ${alert.action}`);
    await this.store.set(alert.key, this.now(), this.repeatEveryMs);
  }
}
