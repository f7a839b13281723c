/**
 * Remembers nonces for as long as their timestamps are acceptable, so a captured request
 * cannot be sent twice. Only requests with a valid signature are recorded, so the set grows
 * with legitimate traffic alone; `maxEntries` still caps it, refusing (not forgetting) when
 * full, because forgetting would reopen the replay window.
 */
export class ReplayWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
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
