import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/*
 * A node that breaks the agent protocol's reading limits, on loopback, posing as an agent
 * (issue 16, item 5). It sits where the agent's URL is (a compromised node, or anyone on
 * the path: an answer's status and headers are not signed) and passes every request to a
 * real agent behind it, except what it is told to spoil:
 *
 * - `events: 'endless-frame'`: `/v1/events` answers 200 and then sends bytes with no event
 *   boundary, as fast as the reader takes them, until it hangs up.
 * - `events: 'heartbeat-flood'`: well-formed frames (heartbeat comments), as fast as the
 *   reader takes them: no frame is too large, but no agent talks that much.
 * - `status: 'declared'`: `/v1/status` answers 200 declaring 256 MiB, and sends it.
 * - `status: 'chunked'`: `/v1/status` answers 200, chunked, and never ends.
 *
 * With `armed: false` its event streams open quietly and wait for `arm()`, so a test can
 * take its measures first and then start the flood on streams already open.
 *
 * It counts what it managed to send, so a test can tell how much the reader took.
 */

export interface HostileNode {
  url: string;
  port: number;
  /** Bytes written per route (what the reader accepted before it hung up). */
  sent: { events: number; status: number };
  /** Connections opened per route. */
  connections: { events: number; status: number };
  /** Starts the event flood on every stream open now and every one opened after. */
  arm(): void;
  close(): Promise<void>;
}

export interface HostileNodeOptions {
  /** The real agent behind it; without one, every route it does not spoil answers 502. */
  upstream?: string;
  events?: 'endless-frame' | 'heartbeat-flood';
  status?: 'declared' | 'chunked';
  /** Default true: the event streams flood from the start. */
  armed?: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const HEARTBEATS = Buffer.from(': heartbeat\n\n'.repeat(Math.floor((64 * 1024) / 13)));
const DECLARED_BYTES = 256 * 1024 * 1024;

/**
 * Until the reader takes more, or hangs up; both listeners go once either fires. (Racing two
 * `once()` left a 'close' and an 'error' listener behind at every drain, for as long as the
 * flood went on: Node's MaxListenersExceededWarning.)
 */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Writes until `limit` bytes (or forever), waiting for the reader; stops when it hangs up. */
async function flood(response: ServerResponse, count: (bytes: number) => void, limit = Number.POSITIVE_INFINITY, unit = CHUNK): Promise<void> {
  let written = 0;
  let closed = false;
  response.on('close', () => (closed = true));
  while (!closed && written < limit) {
    const chunk = limit - written < unit.length ? unit.subarray(0, limit - written) : unit;
    written += chunk.length;
    count(chunk.length);
    if (!response.write(chunk)) await drainedOrClosed(response);
  }
  if (!closed) response.end();
}

function proxy(upstream: string | undefined, request: IncomingMessage, response: ServerResponse): void {
  if (!upstream) {
    response.writeHead(502).end();
    return;
  }
  const target = new URL(request.url ?? '/', upstream);
  const forwarded = httpRequest(target, { method: request.method, headers: { ...request.headers, host: target.host } }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  forwarded.on('error', () => response.destroy());
  request.pipe(forwarded);
}

export async function startHostileNode(options: HostileNodeOptions): Promise<HostileNode> {
  const sent = { events: 0, status: 0 };
  const connections = { events: 0, status: 0 };
  let armed = options.armed ?? true;
  const waiting = new Set<() => void>();
  const server = createServer((request, response) => {
    response.on('error', () => undefined);
    const pathname = (request.url ?? '/').split('?')[0];
    if (pathname === '/v1/events' && options.events) {
      connections.events++;
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      const endless = options.events === 'endless-frame';
      response.write('retry: 2000\n: connected\n\n');
      const start = () => {
        waiting.delete(start);
        if (endless) response.write('data: ');
        void flood(response, (bytes) => (sent.events += bytes), undefined, endless ? CHUNK : HEARTBEATS);
      };
      if (armed) start();
      else {
        waiting.add(start);
        response.on('close', () => waiting.delete(start));
      }
      return;
    }
    if (pathname === '/v1/status' && options.status) {
      connections.status++;
      request.resume();
      const declared = options.status === 'declared';
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...(declared ? { 'content-length': DECLARED_BYTES } : {}) });
      void flood(response, (bytes) => (sent.status += bytes), declared ? DECLARED_BYTES : undefined);
      return;
    }
    proxy(options.upstream, request, response);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    sent,
    connections,
    arm() {
      armed = true;
      for (const start of [...waiting]) start();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
