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
