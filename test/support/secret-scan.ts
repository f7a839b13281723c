import { plantedSecrets } from './state-dir.js';

/** Every planted secret (token, refresh token, key) found in the given texts. */
export function findSecrets(texts: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const secret of plantedSecrets) if (text.includes(secret)) found.add(secret.slice(0, 12) + '…');
  }
  return [...found];
}

/** Shown instead of a found secret: enough to recognise it, not enough to use it. */
export function secretLabel(secret: string): string {
  return `${secret.slice(0, 12)}…`;
}

/**
 * Which of many secrets occur in large texts, and where: one pass per text. A rolling hash
 * runs over windows as long as the secrets' tails (their random part), and only a window
 * whose hash is some tail's is compared as text. (includes() per secret would cost
 * secrets × text, minutes for a whole suite's output.)
 */
export function locateSecrets(secrets: Iterable<string>, sources: Iterable<readonly [where: string, text: string]>): Array<{ secret: string; where: string }> {
  const all = [...new Set(secrets)];
  const short = all.filter((secret) => secret.length > 0 && secret.length < 8);
  const long = all.filter((secret) => secret.length >= 8);
  const found = new Map<string, { secret: string; where: string }>();
  const note = (secret: string, where: string) => found.set(`${where}\u0000${secret}`, { secret, where });
  const width = Math.min(24, ...long.map((secret) => secret.length));
  const BASE = 257;
  const hashOf = (text: string, start: number) => {
    let hash = 0;
    for (let i = 0; i < width; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(start + i)) >>> 0;
    return hash;
  };
  let top = 1;
  for (let i = 0; i < width - 1; i++) top = Math.imul(top, BASE) >>> 0;
  const byTail = new Map<number, string[]>();
  for (const secret of long) {
    const hash = hashOf(secret, secret.length - width);
    byTail.set(hash, [...(byTail.get(hash) ?? []), secret]);
  }
  for (const [where, text] of sources) {
    for (const secret of short) if (text.includes(secret)) note(secret, where);
    if (long.length === 0 || text.length < width) continue;
    let hash = hashOf(text, 0);
    for (let end = width; ; end++) {
      const candidates = byTail.get(hash);
      if (candidates) for (const secret of candidates) if (end >= secret.length && text.startsWith(secret, end - secret.length)) note(secret, where);
      if (end === text.length) break;
      hash = (Math.imul((hash - Math.imul(text.charCodeAt(end - width), top)) >>> 0, BASE) + text.charCodeAt(end)) >>> 0;
    }
  }
  return [...found.values()];
}
