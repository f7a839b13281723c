import type { Interaction } from 'discord.js';
import type { Logger } from '../logging/logger.js';
import type { InteractionClaims } from '../state/interaction-claims.js';

/**
 * Answers an interaction only when this replica claims it (see src/state/interaction-claims.ts
 * for why a claim per interaction rather than leader-only). If Redis cannot say, the replica
 * answers anyway: Discord accepts only the first acknowledgement of an interaction, and the
 * router defers before running a handler, so a replica that loses that race gets 40060
 * ("already acknowledged") and never runs the command. A person gets an answer either way.
 */
export function claimedInteractions(claims: InteractionClaims, route: (interaction: Interaction) => Promise<void>, logger: Logger) {
  return async (interaction: Interaction): Promise<void> => {
    const claim = await claims.claim(interaction.id);
    if (claim.result === 'taken') {
      logger.debug({ interaction: interaction.id, by: claim.by }, 'interaction answered by another replica');
      return;
    }
    if (claim.result === 'unknown') logger.warn({ interaction: interaction.id, err: claim.error }, 'interaction claim failed (Redis); answering anyway, Discord takes the first answer only');
    await route(interaction);
  };
}
