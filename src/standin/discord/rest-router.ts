import { discordError, type Json, type ParsedBody } from './http-util.js';

/** What a route answers; the REST server records it and writes it out. */
export interface Answer {
  status: number;
  body?: unknown;
  /** Extra headers (the rate limit's). */
  headers?: Record<string, string>;
}

export interface RouteContext {
  /** The `:name` segments of the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: ParsedBody;
  /** The JSON body (or multipart's payload_json), `{}` when there is none. */
  json: Json;
}

export type RouteHandler = (ctx: RouteContext) => Answer | Promise<Answer>;

interface Route {
  method: string;
  /** `METHOD /v10/pattern`, as registered: the rate limits' and the tests' name for it. */
  pattern: string;
  parts: string[];
  handler: RouteHandler;
}

export const ok = (body: unknown): Answer => ({ status: 200, body });
export const noContent = (): Answer => ({ status: 204 });
export const fail = (status: number, code: number, message: string): Answer => ({ status, body: discordError(code, message) });
// Discord's "Unknown …" answers the routes share, with its codes.
export const unknownMessage = () => fail(404, 10008, 'Unknown Message');
export const unknownChannel = () => fail(404, 10003, 'Unknown Channel');
export const unknownWebhook = () => fail(404, 10015, 'Unknown Webhook');
export const unknownInteraction = () => fail(404, 10062, 'Unknown interaction');

/**
 * The REST route table: `METHOD /v10/a/:b/c` patterns matched segment by segment against a decoded path
 * (after `/api`). The first route registered that matches wins. Each resource's file under routes/ adds its own.
 */
export class RestRouter {
  private readonly routes: Route[] = [];

  route(method: string, pattern: string, handler: RouteHandler): void {
    const parts = pattern.split('/').filter(Boolean);
    this.routes.push({ method, pattern: `${method} /${parts.join('/')}`, parts, handler });
  }

  /** `METHOD /v10/pattern` of every route, in the order registered. */
  get patterns(): string[] {
    return this.routes.map((route) => route.pattern);
  }

  match(method: string, segments: string[]): { handler: RouteHandler; params: Record<string, string>; pattern: string } | null {
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < route.parts.length; i++) {
        const part = route.parts[i]!;
        const segment = segments[i]!;
        if (part.startsWith(':')) params[part.slice(1)] = segment;
        else if (part !== segment) {
          matched = false;
          break;
        }
      }
      if (matched) return { handler: route.handler, params, pattern: route.pattern };
    }
    return null;
  }
}
