import type { AgentEnv } from '../config/agent-env.js';
import type { Logger } from '../logging/logger.js';
import { MutationGuard } from './mutation-guard.js';
import { loadOAuthProviders, type OAuthProvider } from './refresh/oauth-providers.js';

/** What every agent operation needs: its settings, a log, a clock and the mutation guard. */
export interface AgentContext {
  env: AgentEnv;
  logger: Logger;
  now: () => number;
  guard: MutationGuard;
  providers: Record<string, OAuthProvider>;
  /**
   * Refreshes that failed for good, by profile id, with the fingerprint of the refresh token
   * that failed: the same dead token is never sent again (no retry loop); a new one (a new
   * login, or a sync) clears it.
   */
  terminalRefreshes: Map<string, { error: string; refreshFingerprint: string; at: string }>;
}

export function createAgentContext(env: AgentEnv, logger: Logger, now: () => number = Date.now): AgentContext {
  return { env, logger, now, guard: new MutationGuard(), providers: loadOAuthProviders(env.TOKENOPS_OAUTH_PROVIDERS), terminalRefreshes: new Map() };
}
