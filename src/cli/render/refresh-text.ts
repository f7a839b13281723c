import type { RefreshResponse, RefreshResult } from '../../protocol/agent-api.js';
import { loginCommand } from '../../domain/login-command.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { expiry } from './when.js';

function resultLine(result: RefreshResult, owner: string, nowMs: number): string {
  const id = result.profileId;
  const error = scrub(result.error ?? 'unknown');
  switch (result.outcome) {
    case 'refreshed':
      return `  refreshed ${id}: now ${expiry(result.expiresAt, nowMs)}${result.rotated ? ' · new refresh token saved' : ''} · ${result.stores.join(', ')}`;
    case 'already_refreshed':
      return `  refreshed ${id} meanwhile by someone else: ${expiry(result.expiresAt, nowMs)}`;
    case 'terminal':
      return `  FAILED FOR GOOD ${id} (${error}): the account needs a new login on ${owner} (${loginCommand(id)}), then: tokenops sync ${owner} all --profile ${id}. Not retried.`;
    case 'failed':
      return `  FAILED ${id} (${error}) after ${result.attempts} tries; nothing changed. It can be tried again.`;
    case 'not_held':
      return `  skipped ${id}: not held on ${owner}`;
    case 'no_refresh_token':
      return `  skipped ${id}: no refresh token on ${owner}`;
    case 'no_provider':
      return `  FAILED ${id}: ${scrub(result.error ?? 'no token endpoint configured')}`;
    case 'stale_copy':
      return `  skipped ${id}: ${owner} holds an older copy than the account's current token (its refresh token may be spent)`;
  }
}

/** `tokenops refresh` for a terminal: a line per profile, what to do when one failed. */
export function renderRefreshText(response: RefreshResponse, owner: string, nowMs: number): string {
  return [`Refresh on ${owner}`, ...response.results.map((result) => resultLine(result, owner, nowMs))].join('\n');
}

