import { API_VERSION } from '../../protocol/api-version.js';
import { TOKENOPS_VERSION } from '../../runtime/version.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { formatIssues } from '../../config/format-issues.js';
import { hardenServer } from '../../http/harden-server.js';
import {
  capacityRequestSchema,
  exportRequestSchema,
  importRequestSchema,
  preflightRequestSchema,
  refreshRequestSchema,
  restartRequestSchema,
} from '../../protocol/agent-api.js';
import { MAX_SKEW_SECONDS, signResponse, RESPONSE_HEADER } from '../../protocol/signing.js';
import { ReplayWindow } from '../../protocol/replay-window.js';
import { UnsealError } from '../../protocol/sealing.js';
import { verifyRequest } from '../../protocol/verify-request.js';
import type { AgentContext } from '../agent-context.js';
import { BusyError } from '../mutation-guard.js';
import { CapacityChangeError, readNodeCapacity, setNodeCapacity } from '../operations/capacity.js';
import { exportCredentials } from '../operations/export-credentials.js';
import { BadBundleError, ImportRefusedError, importCredentials } from '../operations/import-credentials.js';
import { preflight } from '../operations/preflight.js';
import { refreshCredentials } from '../operations/refresh-credentials.js';
import { restartGateway } from '../operations/restart-gateway.js';
import { nodeStatus } from '../operations/status.js';
import type { AgentMetrics } from '../../metrics/agent-metrics.js';
import { sendMetrics } from '../../metrics/metrics-response.js';
import { DiskFullError } from '../store/credential-store.js';
import { LockBusyError } from '../store/sidecar-lock.js';
import { ApiError, UNAUTHORIZED_MESSAGE } from './api-error.js';
import { EventStream } from './event-stream.js';
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from './read-body.js';
import { ReplayLog, ReplayLogError } from './replay-log.js';

interface RouteInput {
  body: unknown;
  request: IncomingMessage;
  response: ServerResponse;
  nonce: string;
}
/** A handler answers with a JSON value, or `undefined` when it took over the response (SSE). */
type Handler = (input: RouteInput) => Promise<unknown>;

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'bad_request', formatIssues(parsed.error.issues, 'body').join('; '));
  return parsed.data;
}

export interface AgentServer {
  server: Server;
  events: EventStream;
  close(): Promise<void>;
}

/** Signed requests taken in one replay window (10 min): 160 a second, far above any fleet's. */
const MAX_LIVE_NONCES = 100_000;

/**
 * The agent's HTTP API. Order of checks on every request: body size (413, before anything
 * is read past the limit), the unsigned health route, then the signature (401, the same
 * answer for every failure), then the route (404/405), then the body's schema (400).
 * `/metrics` is unsigned like health, and answers only with TOKENOPS_METRICS=on (else 404,
 * as an unknown path would). Async only to load the metrics code (and prom-client) when
 * TOKENOPS_METRICS asks for it.
 */
export async function createAgentServer(context: AgentContext, key: Buffer): Promise<AgentServer> {
  const { logger } = context;
  // Capped well below the default: every nonce in it is also a line in the replay log.
  const replay = new ReplayWindow(2 * MAX_SKEW_SECONDS * 1000, MAX_LIVE_NONCES);
  const replayLog = ReplayLog.open(context.env.OPENCLAW_STATE_DIR, replay, logger);
  const events = new EventStream(key);

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/v1/status': { GET: () => nodeStatus(context) },
    '/v1/export': { POST: ({ body }) => exportCredentials(context, key, parseBody(exportRequestSchema, body)) },
    '/v1/import': {
      POST: async ({ body }) => {
        const answer = await importCredentials(context, key, parseBody(importRequestSchema, body));
        metrics?.imported(answer);
        return answer;
      },
    },
    '/v1/preflight': { POST: ({ body }) => preflight(context, parseBody(preflightRequestSchema, body).marginMs) },
    '/v1/refresh': {
      POST: async ({ body }) => {
        const request = parseBody(refreshRequestSchema, body);
        const answer = await refreshCredentials(context, request.profiles, request.onlyIf);
        metrics?.refreshed(answer);
        return answer;
      },
    },
    '/v1/restart': { POST: ({ body }) => restartGateway(context, parseBody(restartRequestSchema, body).readyDeadlineMs) },
    '/v1/capacity': {
      GET: () => readNodeCapacity(context),
      POST: ({ body }) => setNodeCapacity(context, parseBody(capacityRequestSchema, body).maxConcurrent),
    },
    '/v1/events': {
      GET: async ({ request, response, nonce }) => {
        const lastEventId = request.headers['last-event-id'];
        events.subscribe(response, nonce, typeof lastEventId === 'string' ? lastEventId : undefined);
        return undefined;
      },
    },
  };

  // Only with TOKENOPS_METRICS=on: routes as metric labels, anything else "other", whatever path was asked.
  const metrics: AgentMetrics | undefined = context.env.TOKENOPS_METRICS ? new (await import('../../metrics/agent-metrics.js')).AgentMetrics(context.env.TOKENOPS_NODE, new Set([...Object.keys(routes), '/v1/health', '/metrics']), () => nodeStatus(context)) : undefined;

  function send(response: ServerResponse, status: number, value: unknown, nonce?: string): void {
    const body = Buffer.from(JSON.stringify(value));
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-store',
    };
    if (nonce) {
      const timestamp = Math.floor(Date.now() / 1000);
      headers[RESPONSE_HEADER.timestamp] = timestamp;
      headers[RESPONSE_HEADER.signature] = signResponse(key, nonce, status, timestamp, body);
    }
    response.writeHead(status, headers);
    response.end(body);
  }

  function sendError(response: ServerResponse, error: ApiError, nonce?: string): void {
    const payload = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
    send(response, error.status, payload, nonce);
  }

  function toApiError(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (error instanceof BusyError) return new ApiError(409, 'busy', error.message, { running: error.running, since: error.since.toISOString() });
    if (error instanceof LockBusyError) {
      return new ApiError(409, 'lock_busy', error.message, { holder: error.holder ? { pid: error.holder.pid, createdAt: error.holder.createdAt } : null });
    }
    if (error instanceof DiskFullError) return new ApiError(507, 'disk_full', error.message);
    if (error instanceof ImportRefusedError) return new ApiError(422, 'store_invalid', error.message, { stores: error.stores });
    if (error instanceof UnsealError || error instanceof BadBundleError) return new ApiError(400, 'bad_sealed_body', error.message);
    if (error instanceof CapacityChangeError) return new ApiError(502, 'command_failed', error.message, { exitCode: error.exitCode });
    const reference = randomUUID().slice(0, 8);
    logger.error({ reference, err: (error as Error)?.message, stack: (error as Error)?.stack }, 'request failed');
    return new ApiError(500, 'internal', `internal error (reference ${reference}; see the agent's log)`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const pathAndQuery = request.url ?? '/';
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        response.setHeader('connection', 'close');
        sendError(response, new ApiError(413, 'payload_too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      throw error;
    }

    if (pathname === '/v1/health') {
      // Unsigned, so anyone may read it: which tokenops runs here, and nothing about the node.
      if (method === 'GET' || method === 'HEAD') send(response, 200, { ok: true, version: TOKENOPS_VERSION, api: API_VERSION });
      else sendError(response, new ApiError(405, 'method_not_allowed', 'use GET'));
      return;
    }

    if (pathname === '/metrics') {
      if (!metrics) sendError(response, new ApiError(404, 'not_found', `no route ${pathname}`));
      else if (method !== 'GET' && method !== 'HEAD') sendError(response, new ApiError(405, 'method_not_allowed', 'use GET'));
      else {
        const served = await sendMetrics(metrics.registry, request, response);
        if (!served.ok) logger.error({ err: served.error.message }, 'metrics scrape failed');
      }
      return;
    }

    const verdict = verifyRequest(key, { method, pathAndQuery, headers: request.headers, body }, replay, Date.now());
    if (!verdict.ok) {
      logger.warn({ method, path: pathname, reason: verdict.reason, remote: request.socket.remoteAddress }, 'request refused: unauthorized');
      sendError(response, new ApiError(401, 'unauthorized', UNAUTHORIZED_MESSAGE));
      return;
    }
    const nonce = verdict.nonce;
    // Only a request whose nonce survives a restart is acted on (replay-log.ts).
    if (verdict.timestamp <= replayLog.floorSeconds) {
      logger.warn({ method, path: pathname, problem: replayLog.problem }, 'request refused: signed before the replay log could vouch for it');
      const from = new Date(replayLog.floorSeconds * 1000 + 1000).toISOString();
      sendError(response, new ApiError(503, 'replay_log_unavailable', `the agent lost track of the requests it took before it started (${replayLog.problem}), so it takes no request signed before ${from}; send it again then`), nonce);
      return;
    }
    try {
      await replayLog.record(nonce.toLowerCase());
    } catch (error) {
      if (!(error instanceof ReplayLogError)) throw error;
      logger.error({ method, path: pathname, err: error.message }, 'request refused: nonce not recorded');
      sendError(response, new ApiError(503, 'replay_log_unavailable', error.message), nonce);
      return;
    }
    let routed = false;
    try {
      const route = routes[pathname];
      if (!route) throw new ApiError(404, 'not_found', `no route ${pathname}`);
      const handler = route[method];
      if (!handler) throw new ApiError(405, 'method_not_allowed', `${pathname} accepts ${Object.keys(route).join(', ')}`);
      routed = true;
      let json: unknown = {};
      if (body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          throw new ApiError(400, 'bad_request', 'body is not valid JSON');
        }
      }
      const result = await handler({ body: json, request, response, nonce });
      if (result !== undefined) send(response, 200, result, nonce);
      logger.debug({ method, path: pathname, ms: Date.now() - started }, 'request');
    } catch (error) {
      const apiError = toApiError(error);
      if (routed) metrics?.requestFailed(pathname, apiError.code);
      logger.info({ method, path: pathname, status: apiError.status, code: apiError.code }, 'request failed');
      if (!response.headersSent) sendError(response, apiError, nonce);
    }
  }

  const server = createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    if (metrics) {
      const started = performance.now();
      // 'close' also ends an aborted request and an event stream, which never 'finish'.
      response.once('close', () => metrics.observeRequest(request.method, pathname, response.statusCode, (performance.now() - started) / 1000));
    }
    handle(request, response, pathname).catch((error: Error) => {
      logger.error({ err: error.message }, 'unhandled request error');
      if (!response.headersSent) sendError(response, new ApiError(500, 'internal', 'internal error'));
      else response.destroy();
    });
  });
  const closeServer = hardenServer(server, { maxConnections: 256 });

  return {
    server,
    events,
    close: async () => {
      events.close();
      await closeServer();
      await replayLog.close();
    },
  };
}
