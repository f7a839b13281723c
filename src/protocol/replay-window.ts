/**
 * Remembers nonces for as long as their timestamps are acceptable, so a captured request
 * cannot be sent twice. Only requests with a valid signature are recorded, so the set grows
 * with legitimate traffic alone; `maxEntries` still caps it, refusing (not forgetting) when
 * full, because forgetting would reopen the replay window.
 *
 * Memory only: the agent keeps a durable copy beside it (agent/http/replay-log.ts) and puts
 * it back with `restore` at start, so a restart does not reopen the window either.
 */
export class ReplayWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    private readonly maxEntries = 1_000_000,
  ) {}

  /** Records the nonce; false when it was already seen within the window (or the set is full). */
  admit(nonce: string, nowMs: number): boolean {
    this.prune(nowMs);
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.maxEntries) return false;
    this.seen.set(nonce, nowMs + this.windowMs);
    return true;
  }

  /** When a remembered nonce may be forgotten (epoch ms); undefined if it is not remembered. */
  expiryOf(nonce: string): number | undefined {
    return this.seen.get(nonce);
  }

  /**
   * Puts back a nonce remembered before (by an earlier run). Call in order of expiry, oldest
   * first, as pruning relies on it. False when it has expired already or the set is full.
   */
  restore(nonce: string, expiresAt: number, nowMs: number): boolean {
    if (expiresAt <= nowMs || this.seen.has(nonce) || this.seen.size >= this.maxEntries) return false;
    this.seen.set(nonce, expiresAt);
    return true;
  }

  /** Every nonce still remembered at `nowMs`, with its expiry, oldest first. */
  live(nowMs: number): Array<[nonce: string, expiresAt: number]> {
    this.prune(nowMs);
    return [...this.seen];
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(nowMs: number): void {
    // Map iteration is insertion order, and expiry grows with insertion time.
    for (const [nonce, expiresAt] of this.seen) {
      if (expiresAt > nowMs) break;
      this.seen.delete(nonce);
    }
  }
}
