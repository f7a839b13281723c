import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import JSON5 from 'json5';
import { openclawConfigPath } from '../agent/openclaw-config.js';
import { configHash, mergePatch, parseConfig, readConfigText, valueAt, writeConfig, type OpenClawConfig } from './openclaw-config-file.js';

/*
 * The stand-in gateway's side of OpenClaw's admin HTTP RPC (its admin-http-rpc plugin):
 * POST /api/v1/admin/rpc {method, params}, behind the gateway's own auth. Only what tokenops
 * calls: config.get (its revision hash), config.patch (a JSON5 merge patch on that
 * revision) and gateway.restart.request (the gateway restarts; how is the caller's hook). Answers have OpenClaw's shape: {id, ok, payload} or {id, ok: false, error}.
 */

export const ADMIN_RPC_PATH = '/api/v1/admin/rpc';

/** Whether openclaw.json turns the plugin on, and the gateway's token if it has one; read once, at start, as the real gateway does. */
export function adminRpcSettings(config: OpenClawConfig): { enabled: boolean; token: string | null } {
  const token = valueAt(config, 'gateway.auth.token');
  return { enabled: valueAt(config, 'plugins.entries.admin-http-rpc.enabled') === true, token: typeof token === 'string' ? token : null };
}

function leafPaths(patch: unknown, prefix = ''): string[] {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return [prefix];
  return Object.entries(patch).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

function authorized(request: IncomingMessage, token: string | null): boolean {
  if (token === null) return true;
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return JSON.parse(text);
}

export interface AdminRpcHooks {
  log: (line: string) => void;
  /** gateway.restart.request: called once the answer is on its way. */
  restart: () => void;
}

export async function handleAdminRpc(stateDir: string, token: string | null, request: IncomingMessage, response: ServerResponse, hooks: AdminRpcHooks): Promise<void> {
  const json = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'POST') return json(405, { ok: false, error: { type: 'method_not_allowed', message: 'Method Not Allowed' } });
  if (!authorized(request, token)) return json(401, { error: { message: 'Unauthorized', type: 'unauthorized' } });
  let body: { id?: string; method?: unknown; params?: { raw?: unknown; baseHash?: unknown } };
  try {
    body = (await readBody(request)) as typeof body;
  } catch {
    return json(400, { ok: false, error: { type: 'invalid_request', message: 'request body must be valid JSON' } });
  }
  const id = body.id ?? 'standin';
  const refuse = (message: string) => json(400, { id, ok: false, error: { code: 'INVALID_REQUEST', message } });
  const text = readConfigText(stateDir);
  if (body.method === 'config.get') return json(200, { id, ok: true, payload: { path: openclawConfigPath(stateDir), exists: text !== null, hash: configHash(text) } });
  if (body.method === 'gateway.restart.request') {
    json(200, { id, ok: true, payload: { ok: true, status: 'scheduled' } });
    return hooks.restart();
  }
  if (body.method !== 'config.patch') return refuse(`admin HTTP RPC method is not supported: ${String(body.method)}`);
  if (body.params?.baseHash !== configHash(text)) return refuse('config changed since last load; re-run config.get and retry');
  let patch: unknown;
  try {
    patch = JSON5.parse(String(body.params.raw));
  } catch {
    return refuse('config.patch raw must be JSON5');
  }
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return refuse('config.patch raw must be an object');
  const changedPaths = leafPaths(patch);
  hooks.log(`config.patch write changedPaths=${changedPaths.join(',')}`);
  const next = mergePatch(parseConfig(text), patch) as OpenClawConfig;
  const written = await writeConfig(stateDir, next, text);
  return json(200, { id, ok: true, payload: { ok: true, path: openclawConfigPath(stateDir), hash: configHash(written), changedPaths } });
}
