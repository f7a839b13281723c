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
  /**
   * Tokens a provider granted that could not be saved (the disk was full), by profile id,
   * with the fingerprint of the refresh token they were granted for. The provider may have
   * rotated that token, so these may be the only live copy: the next refresh of the profile
   * saves them instead of spending the old token again. Memory only, on purpose: a secret
   * never goes anywhere but the store.
   */
  unsavedGrants: Map<string, { access: string; refresh: string | null; expires: number; lifetimeMs: number; refreshFingerprint: string }>;
}

export function createAgentContext(env: AgentEnv, logger: Logger, now: () => number = Date.now): AgentContext {
  return { env, logger, now, guard: new MutationGuard(), providers: loadOAuthProviders(env.TOKENOPS_OAUTH_PROVIDERS), terminalRefreshes: new Map(), unsavedGrants: new Map() };
}
