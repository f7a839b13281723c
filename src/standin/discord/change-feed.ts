/** Lets tests wait until some condition over the recorded state holds; everything that records calls `notify()`. */
export class ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private closedError: Error | null = null;

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Rejects every pending and future wait (the stand-in closed). */
  close(reason: string): void {
    this.closedError = new Error(reason);
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves with the first truthy value `check` returns, re-checked on every change (and once now);
   * rejects after `timeoutMs` with `describe()` in the message.
   */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: Error | null, value?: T) => {
        this.listeners.delete(listener);
        if (timer) clearTimeout(timer);
        if (error) reject(error);
        else resolve(value as T);
      };
      const listener = () => {
        if (this.closedError) return finish(new Error(`${describe()}: ${this.closedError.message}`));
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          return finish(error as Error);
        }
        if (value) finish(null, value);
      };
      this.listeners.add(listener);
      timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`)), timeoutMs);
      listener();
    });
  }
}
