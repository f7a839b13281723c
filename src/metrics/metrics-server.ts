import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import type { ListenAddress } from '../config/listen-address.js';
import { hardenServer } from '../http/harden-server.js';
import type { Logger } from '../logging/logger.js';
import { sendMetrics } from './metrics-response.js';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The bot's only HTTP listener: `GET /metrics`, and 404 for anything else. Unsigned, so it
 * listens on loopback unless told otherwise, and carries nothing secret.
 */
export async function startMetricsServer(registry: Registry, listen: ListenAddress, logger: Logger): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0];
    const plain = (status: number, text: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      response.end(text);
    };
    if (pathname !== '/metrics') return plain(404, 'not found; metrics are at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'use GET\n');
    void sendMetrics(registry, request, response).then((served) => {
      if (!served.ok) logger.error({ err: served.error.message }, 'metrics scrape failed');
    });
  });
  const close = hardenServer(server, { maxConnections: 64 });
  server.listen(listen.port, listen.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  return { port, close };
}
