/**
 * One read shared by every metric of a scrape. prom-client asks its metrics in parallel, and
 * each per-profile gauge needs the same node status: reading the stores and probing the
 * gateway once per gauge would multiply the work of a scrape by the number of gauges. A
 * read younger than `maxAgeMs` is handed out again (a concurrent scrape shares it too).
 */
export function sharedRead<T>(read: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (!last || at - last.at > maxAgeMs) last = { at, value: read() };
    return last.value;
  };
}
