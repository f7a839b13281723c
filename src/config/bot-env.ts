import path from 'node:path';
import { z } from 'zod';
import { type ConfigResult, presentOnly } from './agent-env.js';
import { durationSchema } from './duration.js';
import { formatIssues } from './format-issues.js';
import { listenAddressSchema } from './listen-address.js';
import { metricsSwitchSchema } from './metrics-switch.js';

const required = (what: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? `is required (${what})` : 'expected a string') });

/** Discord ids are snowflakes: 17 to 20 digits. */
const snowflake = (what: string) => z.string(required(what)).trim().regex(/^\d{17,20}$/, `expected a Discord id (17–20 digits): ${what}`);

/** `sqlite://<path>` (relative to the working dir) or `redis://…` / `rediss://…`. */
export const stateUrlSchema = z
  .string()
  .trim()
  .refine((url) => /^sqlite:\/\/.+/.test(url) || /^rediss?:\/\/.+/.test(url), 'expected sqlite://<path> or redis://host:port');

/** The bot's environment (DESIGN.md "Bot environment", plus the extensions below it). */
export const botEnvSchema = z.object({
  DISCORD_TOKEN: z.string(required('the bot token from the Discord developer portal')).trim().min(1),
  DISCORD_CLIENT_ID: snowflake('the application id'),
  DISCORD_GUILD_ID: snowflake('the ops server, where commands are registered'),
  OPS_CHANNEL_ID: snowflake('the channel alerts and reports go to'),
  OPS_ROLE_ID: snowflake('the role allowed to change anything'),
  DISCORD_API_BASE: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://discord.com/api' }).default('https://discord.com/api'),
  TOKENOPS_FLEET: z.string().trim().min(1).default('./fleet.json').transform((file) => path.resolve(file)),
  TOKENOPS_STATE: stateUrlSchema.default('sqlite://./data/tokenops.sqlite'),
  // A plan is an interaction's reply, and Discord lets the bot edit it through the interaction
  // for 15 minutes: the ✅ window must close well inside that, with time left to run.
  CONFIRM_TIMEOUT: durationSchema.pipe(z.number().min(1_000, 'expected at least 1s').max(14 * 60_000, "expected at most 14m: Discord's interaction reply can be edited for 15 minutes after the command")).default(60_000),
  // Extensions.
  /** How long one node may take to answer before it counts as `timeout`. */
  TOKENOPS_NODE_TIMEOUT: durationSchema.default(3_000),
  /** How many nodes are asked at once. */
  TOKENOPS_FANOUT: z.coerce.number().int().min(1).max(256).default(16),
  /**
   * Several replicas on Redis: how long the leader's lease lasts (renewed every third of it).
   * A dead leader is replaced within it; a shorter one fails over sooner but leaves less slack
   * for a slow Redis.
   */
  TOKENOPS_LEADER_LEASE: durationSchema.pipe(z.number().min(1_000, 'expected at least 1s').max(600_000, 'expected at most 10m')).default(10_000),
  // How often this process says it is alive; one silent for 3 beats has its running restarts and syncs reported interrupted.
  TOKENOPS_HEARTBEAT: durationSchema.pipe(z.number().min(100, 'expected at least 100ms').max(300_000, 'expected at most 5m')).default(10_000),
  TOKENOPS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A metrics server (Prometheus text) for the fleet; the bot has no other HTTP listener. */
  TOKENOPS_METRICS: metricsSwitchSchema,
  /** Where that server listens: loopback unless said otherwise, as for the agent. */
  TOKENOPS_METRICS_LISTEN: listenAddressSchema.default({ host: '127.0.0.1', port: 9464 }),
});
export type BotEnv = z.infer<typeof botEnvSchema>;

export function loadBotEnv(env: NodeJS.ProcessEnv): ConfigResult<BotEnv> {
  const parsed = botEnvSchema.safeParse(presentOnly(env));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}
