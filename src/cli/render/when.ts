import { formatDuration } from '../../config/duration.js';
import { isResetExpiry, resetExpiryWords } from '../../domain/expiry-horizon.js';

/** `2026-02-14 16:40Z`: minutes are enough to act on, and UTC reads the same on every node. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** `in 7h 12m (2026-02-14 16:40Z)`, `2h 5m ago (…)`: relative to read, absolute to compare. */
export function when(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  const delta = at - nowMs;
  const relative = Math.abs(delta) < 1000 ? 'now' : delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
  return `${relative} (${utcMinute(at)})`;
}

/** `expired 2h ago (…)`, `expires in 7h (…)`, `no expiry`, or that a tool reset it. */
export function expiry(iso: string | null, nowMs: number): string {
  if (!iso) return 'no expiry';
  const at = Date.parse(iso);
  if (isResetExpiry(at)) return resetExpiryWords(at);
  return `${at <= nowMs ? 'expired' : 'expires'} ${when(iso, nowMs)}`;
}
