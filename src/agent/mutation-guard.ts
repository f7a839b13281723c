/**
 * One mutating operation per node at a time (sync into it, refresh on it, restart it,
 * capacity change). A second one is refused at once, naming the one that runs, rather than
 * queued behind a restart that may take two minutes.
 */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  constructor(
    readonly running: string,
    readonly since: Date,
  ) {
    super(`another operation is running on this node: ${running} (since ${since.toISOString()})`);
  }
}

export class MutationGuard {
  private current: { name: string; since: Date } | null = null;

  get running(): { name: string; since: Date } | null {
    return this.current;
  }

  async run<T>(name: string, operation: () => Promise<T>): Promise<T> {
    if (this.current) throw new BusyError(this.current.name, this.current.since);
    this.current = { name, since: new Date() };
    try {
      return await operation();
    } finally {
      this.current = null;
    }
  }
}
