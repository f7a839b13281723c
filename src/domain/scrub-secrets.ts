/*
 * Agent-provided text (a store's unreadable reason, a provider's error code, the last lines
 * of a restart command) may quote a credential by mistake: anything token-shaped is cut out
 * before it reaches Discord or a terminal.
 */

// No "/" in the run: file paths are long too, while tokens carry long runs without one.
const SECRET_LIKE = /(?:sk-[A-Za-z0-9_-]{8,}|[A-Za-z0-9+_-]{32,}={0,2})/g;

export function scrub(text: string): string {
  return text.replace(SECRET_LIKE, '[redacted]');
}
