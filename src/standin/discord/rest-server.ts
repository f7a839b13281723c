import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandinContext } from './context.js';
import { discordError, parseBody, readBody, send, type Json } from './http-util.js';
import type { Outage } from './outage.js';
import { RateLimiter } from './rate-limits.js';
import { fail, type Answer, type RestRouter } from './rest-router.js';
import { discordSpec, specViolation, withoutTokens } from './spec/spec-check.js';
import { recordUnclaimed } from './spec/unclaimed-violations.js';
import type { RecordedAttachment, RecordedRequest } from './types.js';

/**
 * The HTTP side of the stand-in: records every request (and its raw body, for secret scans), applies an
 * injected outage and the bot token check, parses JSON and multipart bodies, and hands `/api/…` to the route
 * table. Attachments are served from `/attachments/…`, outside the API, where their recorded urls point.
 */
export class RestServer {
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every raw request body the bot sent (multipart included), for secret scans. */
  readonly requestBodies: string[] = [];
  /** `METHOD /path` of requests no route answered (they got a 404). */
  readonly unknownRoutes: string[] = [];
  /** Requests Discord's published API refuses (a route it lacks, a wrong method, a query or body it refuses), each answered as Discord would. */
  readonly specViolations: string[] = [];
  private readonly rates: RateLimiter | null;

  constructor(
    private readonly ctx: StandinContext,
    private readonly outage: Outage,
    private readonly router: RestRouter,
    private readonly attachment: (id: string) => RecordedAttachment | undefined,
  ) {
    this.rates = ctx.options.rateLimits === false ? null : new RateLimiter(ctx.options.rateLimits);
  }

  /** The HTTP server's `request` handler. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    const text = raw.toString('utf8');
    if (raw.length) this.requestBodies.push(text);
    const parts = url.pathname
      .split('/')
      .filter((part, index) => index > 0 && part !== '')
      .map((part) => {
        try {
          return decodeURIComponent(part);
        } catch {
          return part;
        }
      });
    const path = `/${parts.slice(parts[0] === 'api' ? 1 : 0).join('/')}`;
    const record = (status: number) => {
      this.requests.push({ method, path, query: url.search, status, at: Date.now(), body: text });
      this.ctx.debug(`${method} ${path}${url.search} → ${status}`);
      this.ctx.feed.notify();
    };

    if (method === 'GET' && parts[0] === 'attachments') return this.serveAttachment(parts, res, record);
    if (this.outage.rest === 'reset') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (this.outage.rest === 'http-503') {
      record(503);
      return send(res, 503, discordError(0, '503: Service Unavailable'));
    }
    if (parts[0] !== 'api') {
      this.unknownRoutes.push(`${method} ${withoutTokens(url.pathname)}`);
      this.ctx.warn(`UNKNOWN ROUTE ${method} ${withoutTokens(url.pathname)} (not under /api: is DISCORD_API_BASE missing its /api?)`);
      record(404);
      return send(res, 404, discordError(0, '404: Not Found'));
    }
    // Only a request that names another token is refused: interaction webhooks are called without one.
    const token = this.ctx.options.token;
    if (token !== undefined && req.headers.authorization !== undefined && req.headers.authorization !== `Bot ${token}`) {
      record(401);
      return send(res, 401, discordError(0, '401: Unauthorized'));
    }
    const answer = await this.answer(method, path, url, parts.slice(1), raw, req.headers['content-type']);
    record(answer.status);
    send(res, answer.status, answer.body, undefined, answer.headers);
  }

  private async answer(method: string, path: string, url: URL, segments: string[], raw: Buffer, contentType: string | undefined): Promise<Answer> {
    // What is logged or listed of the path: an interaction's token is a credential for 15 minutes.
    const shown = withoutTokens(path);
    const body = await parseBody(raw, contentType);
    if (body.error) {
      const answer = fail(400, 50109, `The request body contains invalid JSON. (${body.error})`);
      this.ctx.refuse(`${method} ${shown}: ${body.error}`);
      return answer;
    }
    const violation = specViolation(await discordSpec(), { method, path, query: url.searchParams, json: body.json });
    if (violation) {
      this.specViolations.push(violation.message);
      recordUnclaimed(violation.message);
      this.ctx.warn(`NOT DISCORD'S API: ${violation.message}; answering ${violation.status} as Discord would`);
      if (violation.status === 404) this.unknownRoutes.push(`${method} ${shown}`);
      this.ctx.feed.notify();
      return { status: violation.status, body: violation.body };
    }
    const match = this.router.match(method, segments);
    if (!match) {
      this.unknownRoutes.push(`${method} ${shown}`);
      this.ctx.warn(`UNKNOWN ROUTE ${method} ${shown}${url.search}: answering 404; teach the stand-in this route if the bot needs it`);
      return fail(404, 0, '404: Not Found');
    }
    const rate = this.rates?.take(match.pattern, match.params) ?? null;
    if (rate && !rate.allowed) {
      this.ctx.warn(`RATE LIMITED ${method} ${shown}: retry after ${rate.retryAfterMs} ms${rate.global ? ' (global)' : ''}`);
      return { status: 429, headers: rate.headers, body: { message: 'You are being rate limited.', retry_after: rate.retryAfterMs / 1000, global: rate.global } };
    }
    try {
      const json = (body.json && typeof body.json === 'object' ? body.json : {}) as Json;
      const answer = await match.handler({ params: match.params, query: url.searchParams, body, json });
      return rate ? { ...answer, headers: { ...rate.headers, ...answer.headers } } : answer;
    } catch (error) {
      this.ctx.warn(`route ${method} ${path} threw: ${(error as Error).stack ?? String(error)}`);
      return fail(500, 0, '500: Internal Server Error');
    }
  }

  private serveAttachment(parts: string[], res: ServerResponse, record: (status: number) => void): void {
    const attachment = this.attachment(parts[2]!);
    record(attachment ? 200 : 404);
    if (!attachment) return send(res, 404, discordError(0, '404: Not Found'));
    send(res, 200, attachment.data, attachment.contentType ?? 'application/octet-stream');
  }
}
