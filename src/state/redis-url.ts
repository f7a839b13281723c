/*
 * A `redis://` / `rediss://` state URL may carry a password (`redis://:secret@host:6379/0`).
 * Everything that names the server in a log line or an error message goes through here, so
 * the password never leaves the process.
 */

export interface RedisTarget {
  /** The URL as given, for the client only: never log it. */
  readonly url: string;
  /** `redis://host:port/db`, without user or password: for logs and messages. */
  readonly display: string;
  /** Replaces the password (and the full URL) wherever it appears in `text`. */
  scrub(text: string): string;
}

export function isRedisUrl(url: string): boolean {
  return /^rediss?:\/\//.test(url);
}

export function redisTarget(url: string): RedisTarget {
  const parsed = new URL(url);
  const display = `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  // A password with a bare `%` is not URI-encoded: scrub it as written.
  let decoded = parsed.password;
  try {
    decoded = decodeURIComponent(parsed.password);
  } catch {
    // keep it as written
  }
  const secrets = [url, parsed.password, decoded].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  return {
    url,
    display,
    scrub(text: string): string {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join(secret === url ? display : '[redacted]');
      return out;
    },
  };
}
