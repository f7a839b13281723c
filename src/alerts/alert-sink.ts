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
  constructor(
    private readonly store: Keyv<number>,
    private readonly post: (text: string) => Promise<void>,
    private readonly repeatEveryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async raise(alert: RaisedAlert): Promise<void> {
    const last = await this.store.get(alert.key);
    if (last !== undefined && this.now() - last < this.repeatEveryMs) return;
    const icon = alert.severity === 'critical' ? '🔴' : '🟡';
    await this.post(`${icon} **${alert.node}: ${alert.title}**\n→ ${alert.action}`);
    await this.store.set(alert.key, this.now(), this.repeatEveryMs);
  }
}
