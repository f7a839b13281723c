import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { nodeKeySchema } from '../protocol/node-key.js';
import { commandLineSchema } from './command-line.js';
import { durationSchema } from './duration.js';
import { formatIssues } from './format-issues.js';
import { listenAddressSchema } from './listen-address.js';
import { metricsSwitchSchema } from './metrics-switch.js';

export const nodeNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'expected a string') })
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'expected a node name of letters, digits, ".", "_" or "-" (max 63)');

function expandHome(dir: string): string {
  if (dir === '~') return os.homedir();
  if (dir.startsWith('~/')) return path.join(os.homedir(), dir.slice(2));
  return path.resolve(dir);
}

/** The agent's environment (DESIGN.md "Agent environment", plus the extensions below it). */
export const agentEnvSchema = z.object({
  TOKENOPS_NODE: nodeNameSchema.describe("this node's name, as in the fleet file"),
  TOKENOPS_AGENT_KEY: nodeKeySchema,
  TOKENOPS_LISTEN: listenAddressSchema.default({ host: '127.0.0.1', port: 7420 }),
  OPENCLAW_STATE_DIR: z.string().trim().min(1).default('~/.openclaw').transform(expandHome),
  TOKENOPS_RESTART_CMD: commandLineSchema.default(['openclaw', 'gateway', 'restart']),
  TOKENOPS_GATEWAY_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).default('http://127.0.0.1:18789'),
  TOKENOPS_WARN_BEFORE: durationSchema.default(24 * 3_600_000),
  // Extensions: sensible defaults, named so an operator can find them in .env.example.
  /** The gateway's token, for its admin RPC when it has token auth (capacity changes then skip the CLI). A secret: never logged. */
  TOKENOPS_GATEWAY_TOKEN: z.string().trim().min(1).optional(),
  /**
   * `gateway`: restart by asking the running gateway (OpenClaw's own restart through its admin
   * HTTP RPC: it drains its work, and restarts in its process with OPENCLAW_NO_RESPAWN=1),
   * TOKENOPS_RESTART_CMD when it cannot be asked. `command`: always TOKENOPS_RESTART_CMD.
   */
  TOKENOPS_RESTART_VIA: z.enum(['command', 'gateway']).default('command'),
  /** Command that sets an OpenClaw config key; `<key> <value>` are appended. Used when the gateway's admin RPC cannot. */
  TOKENOPS_CONFIG_SET_CMD: commandLineSchema.default(['openclaw', 'config', 'set']),
  /** How long a write waits for OpenClaw's store lock before answering 409. */
  TOKENOPS_LOCK_WAIT: durationSchema.default(10_000),
  /** How long the restart command may run. */
  TOKENOPS_RESTART_TIMEOUT: durationSchema.default(60_000),
  /** How long to wait for `/readyz` after a restart. */
  TOKENOPS_READY_DEADLINE: durationSchema.default(120_000),
  /** Fallback poll of the stores, for file systems where watching misses changes. */
  TOKENOPS_POLL_EVERY: durationSchema.default(30_000),
  /** Backups kept per store file; older ones are pruned after each write. */
  TOKENOPS_BACKUPS_KEEP: z.coerce.number().int().min(1).max(1000).default(10),
  /** A JSON file of OAuth token endpoints and client ids per provider, over the defaults. */
  TOKENOPS_OAUTH_PROVIDERS: z.string().trim().min(1).optional(),
  TOKENOPS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `GET /metrics` (Prometheus text, unsigned) on the agent's own listener; off: 404 like any unknown path. */
  TOKENOPS_METRICS: metricsSwitchSchema,
});
export type AgentEnv = z.infer<typeof agentEnvSchema>;

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Empty strings count as unset, as they do in most .env tooling. */
export function presentOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') out[name] = value;
  return out;
}

export function loadAgentEnv(env: NodeJS.ProcessEnv): ConfigResult<AgentEnv> {
  const parsed = agentEnvSchema.safeParse(presentOnly(env));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}
