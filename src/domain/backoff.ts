/**
 * Exponential backoff with full jitter (AWS's "full jitter"; the kubelet and Vault's
 * numbers: 10 s → 5 min for token refresh, shorter for reconnects): a delay drawn
 * uniformly from [0, min(cap, base · 2^attempt)], so many clients retrying at once spread out.
 */
export function fullJitterDelay(attempt: number, options: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
