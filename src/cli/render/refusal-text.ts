import type { OperationRefusedError } from '../../fleet/operation-refused.js';
import { plainMessage } from './plain-message.js';

/**
 * A refusal in the CLI's words: where the bot's message names a slash command, the remedy
 * is the matching `tokenops` command; any other message is shown as is, made plain.
 */
export function refusalText(error: OperationRefusedError, nowMs: number): string {
  const refusal = error.refusal;
  switch (refusal?.kind) {
    case 'not_owner':
      return `${refusal.node} does not own ${refusal.profileId}: only ${refusal.owner} refreshes it (the owner), ${refusal.node} receives it by sync. Use: tokenops refresh ${refusal.owner} --profile ${refusal.profileId}`;
    case 'nothing_to_sync': {
      const why = refusal.skipped.length > 0 ? refusal.skipped.map((skip) => `${skip.profileId}: ${skip.reason}`).join('; ') : `${refusal.source} holds no credentials to sync`;
      return plainMessage(`nothing to sync from ${refusal.source}: ${why}. Refresh on the owner first (tokenops refresh <owner>).`, nowMs);
    }
    default:
      return plainMessage(error.message, nowMs);
  }
}
