import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * A registry's scrape as an HTTP answer: Prometheus text, never cached. A collector that
 * fails (a store that cannot be read right now) gives a 500 with a short reason, so the
 * scrape shows as failed rather than as a node with no profiles.
 */
export async function sendMetrics(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<{ ok: true } | { ok: false; error: Error }> {
  try {
    const body = Buffer.from(await registry.metrics());
    response.writeHead(200, { 'content-type': registry.contentType, 'content-length': body.length, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
    return { ok: true };
  } catch (error) {
    const body = 'metrics could not be collected; see the log\n';
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    response.end(body);
    return { ok: false, error: error as Error };
  }
}
