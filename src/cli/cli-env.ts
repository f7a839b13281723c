import type { z } from 'zod';
import type { ConfigResult } from '../config/agent-env.js';
import { presentOnly } from '../config/agent-env.js';
import { botEnvSchema } from '../config/bot-env.js';
import { formatIssues } from '../config/format-issues.js';

/**
 * The CLI reads the bot's settings that concern the fleet and the audit log, with the
 * same names, defaults and checks, and nothing about Discord: it is what runs when Discord
 * is down, on a machine that may not hold the bot token at all.
 */
export const cliEnvSchema = botEnvSchema.pick({
  TOKENOPS_FLEET: true,
  TOKENOPS_STATE: true,
  CONFIRM_TIMEOUT: true,
  TOKENOPS_NODE_TIMEOUT: true,
  TOKENOPS_FANOUT: true,
  TOKENOPS_HEARTBEAT: true,
});
export type CliEnv = z.infer<typeof cliEnvSchema>;

export function loadCliEnv(env: NodeJS.ProcessEnv): ConfigResult<CliEnv> {
  const parsed = cliEnvSchema.safeParse(presentOnly(env));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}
