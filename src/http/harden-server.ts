import type { Server } from 'node:http';

/**
 * The limits every HTTP listener of tokenops sets (the agent's API, the bot's /metrics): a
 * request's headers within 10 s and the whole request (headers and body) within 30 s, so a
 * slow client cannot hold a socket; answers may take longer (a restart waits for readiness),
 * which requestTimeout does not limit. At most `maxConnections` sockets at once.
 *
 * Returns how to close it: stop listening and drop every connection, kept-alive and
 * streaming ones included, so that closing does not wait for idle clients.
 */
export function hardenServer(server: Server, options: { maxConnections: number }): () => Promise<void> {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = options.maxConnections;
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
