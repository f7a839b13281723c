import { realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { scrub } from '../domain/scrub-secrets.js';
import { failureWord, httpExchange } from '../net/http-exchange.js';

/*
 * OpenClaw's admin HTTP RPC: its admin-http-rpc plugin (off unless openclaw.json has
 * plugins.entries.admin-http-rpc.enabled) runs gateway methods at POST /api/v1/admin/rpc,
 * behind the gateway's own auth. Through config.patch the running gateway changes its own
 * config with the validation and backup `openclaw config set` uses, and applies it at once
 * (maxConcurrent needs no restart), in well under a second: the CLI takes 8 s to start on
 * OpenClaw 2026.9, most of a recovery's time outside the gateway's own start (issue 20).
 */

const RPC_PATH = 'api/v1/admin/rpc';
/** A real config.get answers the whole config, resolved and as written: tens of KB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const rpcAnswerSchema = z.union([
  z.object({ ok: z.literal(true), payload: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ message: z.string().optional() }).optional() }),
]);
const configGetSchema = z.object({ hash: z.string().min(1), path: z.string().optional() });
/** `scheduled`, `deferred` (until its work drains) or `coalesced` (joined one already pending); a word, since the agent logs it. */
const restartAnswerSchema = z.object({ status: z.string().regex(/^[a-z_-]{1,40}$/) });

export type AdminRpcResult = { ok: true; payload: unknown } | { ok: false; reason: string };

export interface GatewayAdmin {
  url: string;
  /** The gateway's token (TOKENOPS_GATEWAY_TOKEN), for a gateway with token auth. */
  token?: string | undefined;
}

/** One gateway method; every failure is a reason a person can act on, never the answer's content. */
export async function callAdminRpc(gateway: GatewayAdmin, method: string, params: unknown, timeoutMs: number): Promise<AdminRpcResult> {
  const url = new URL(RPC_PATH, gateway.url.endsWith('/') ? gateway.url : `${gateway.url}/`);
  let answer;
  try {
    answer = await httpExchange(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(gateway.token ? { authorization: `Bearer ${gateway.token}` } : {}) },
      body: JSON.stringify({ method, params }),
      timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
  } catch (error) {
    return { ok: false, reason: `the gateway did not answer ${method} (${failureWord(error, 'unreachable')})` };
  }
  if (answer.status === 404) return { ok: false, reason: "OpenClaw's admin HTTP RPC is off (plugins.entries.admin-http-rpc.enabled in openclaw.json)" };
  if (answer.status === 401 || answer.status === 403) return { ok: false, reason: `the gateway refused our credentials (HTTP ${answer.status}): set TOKENOPS_GATEWAY_TOKEN to its token` };
  let parsed;
  try {
    parsed = answer.body === 'too_large' ? null : rpcAnswerSchema.safeParse(JSON.parse(answer.body.toString('utf8')));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) return { ok: false, reason: `the gateway answered ${method} with HTTP ${answer.status} and no RPC answer` };
  if (!parsed.data.ok) return { ok: false, reason: `the gateway refused ${method}: ${scrub(parsed.data.error?.message ?? `HTTP ${answer.status}`).slice(0, 300)}` };
  return { ok: true, payload: parsed.data.payload };
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The gateway's config revision (config.get), when that gateway runs on `configFile`, the
 * one this agent reads: a URL pointing at another node's gateway must not change or
 * restart that node.
 */
async function ownGatewayRevision(gateway: GatewayAdmin, configFile: string): Promise<{ ok: true; hash: string } | { ok: false; reason: string }> {
  const current = await callAdminRpc(gateway, 'config.get', {}, 5_000);
  if (!current.ok) return current;
  const revision = configGetSchema.safeParse(current.payload);
  if (!revision.success) return { ok: false, reason: 'the gateway answered config.get without a revision hash' };
  if (revision.data.path !== undefined && !sameFile(revision.data.path, configFile)) return { ok: false, reason: `the gateway at ${gateway.url} runs on ${scrub(revision.data.path).slice(0, 200)}, not this agent's ${configFile}` };
  return { ok: true, hash: revision.data.hash };
}

/** Sets maxConcurrent through the running gateway: config.patch on the revision of its own config. */
export async function setMaxConcurrentThroughGateway(gateway: GatewayAdmin, configFile: string, maxConcurrent: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  const revision = await ownGatewayRevision(gateway, configFile);
  if (!revision.ok) return revision;
  const patch = { agents: { defaults: { maxConcurrent } } } satisfies Record<string, unknown>;
  // No note, session or restart delay: nothing for the gateway to announce or schedule.
  const patched = await callAdminRpc(gateway, 'config.patch', { raw: JSON.stringify(patch), baseHash: revision.hash }, 15_000);
  return patched.ok ? { ok: true } : patched;
}

/** OpenClaw's method for it; also what a restart made through it names as its command. */
export const GATEWAY_RESTART_METHOD = 'gateway.restart.request';

/**
 * Asks the running gateway to restart itself (gateway.restart.request, the safe restart
 * `openclaw gateway restart` asks for): it stops taking work, drains what it has (bounded by
 * OpenClaw), then restarts in its process (OPENCLAW_NO_RESPAWN=1, or in a container) or
 * exits for its supervisor to start it again. Resolves once it has agreed, not once it is back.
 */
export async function requestGatewayRestart(gateway: GatewayAdmin, configFile: string, reason: string): Promise<{ ok: true; status: string } | { ok: false; reason: string }> {
  const revision = await ownGatewayRevision(gateway, configFile);
  if (!revision.ok) return revision;
  const asked = await callAdminRpc(gateway, GATEWAY_RESTART_METHOD, { reason }, 10_000);
  if (!asked.ok) return asked;
  const status = restartAnswerSchema.safeParse(asked.payload);
  return { ok: true, status: status.success ? status.data.status : 'unknown' };
}
