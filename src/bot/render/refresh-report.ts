import type { APIEmbed } from 'discord.js';
import type { RefreshResponse, RefreshResult } from '../../protocol/agent-api.js';
import { failedRefreshes } from '../../fleet/operations/audited-refresh.js';
import { loginCommand } from '../../domain/login-command.js';
import { LIMITS, code, relativeTime, wholeLines } from './discord-format.js';

const ICON: Record<RefreshResult['outcome'], string> = {
  refreshed: '✅',
  already_refreshed: '✅',
  terminal: '❌',
  failed: '⚠️',
  not_held: '➖',
  no_refresh_token: '➖',
  no_provider: '⚠️',
  stale_copy: '➖',
};

export function refreshLine(result: RefreshResult, owner: string): string {
  const id = code(result.profileId);
  switch (result.outcome) {
    case 'refreshed':
      return `${ICON.refreshed} ${id} refreshed · now expires ${result.expiresAt ? relativeTime(result.expiresAt) : '?'}${result.rotated ? ' · new refresh token saved' : ''} · ${result.stores.join(', ')}`;
    case 'already_refreshed':
      return `${ICON.already_refreshed} ${id} was refreshed meanwhile by someone else · expires ${result.expiresAt ? relativeTime(result.expiresAt) : '?'}`;
    case 'terminal':
      return `${ICON.terminal} ${id} cannot be refreshed (\`${result.error}\`): the account needs a new login on ${owner} (\`${loginCommand(result.profileId)}\`), then a sync. Not retried.`;
    case 'failed':
      return `${ICON.failed} ${id} refresh failed (\`${result.error}\`) after ${result.attempts} tries; nothing changed. It can be tried again.`;
    case 'not_held':
      return `${ICON.not_held} ${id} is not held on ${owner}`;
    case 'no_refresh_token':
      return `${ICON.no_refresh_token} ${id} has no refresh token on ${owner}`;
    case 'no_provider':
      return `${ICON.no_provider} ${id}: ${result.error ?? 'no token endpoint configured'}`;
    case 'stale_copy':
      return `${ICON.stale_copy} ${id} on ${owner} is an older copy than the account's current token: not refreshed (its refresh token may be spent)`;
  }
}

export function renderRefreshReport(response: RefreshResponse): APIEmbed {
  const bad = failedRefreshes(response).length > 0;
  return {
    title: `Refresh on ${response.node}`,
    description: wholeLines(response.results.map((result) => refreshLine(result, response.node)), LIMITS.description),
    color: bad ? 0xe74c3c : 0x2ecc71,
  };
}
