import type { AgentEnv } from '../config/agent-env.js';
import type { Logger } from '../logging/logger.js';
import { MutationGuard } from './mutation-guard.js';

/** What every agent operation needs: its settings, a log, a clock and the mutation guard. */
export interface AgentContext {
  env: AgentEnv;
  logger: Logger;
  now: () => number;
  guard: MutationGuard;
}

export function createAgentContext(env: AgentEnv, logger: Logger, now: () => number = Date.now): AgentContext {
  return { env, logger, now, guard: new MutationGuard() };
}
