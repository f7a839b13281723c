import type { AutocompleteInteraction } from 'discord.js';
import type { BotContext } from './bot-context.js';

/** Node names from the fleet file matching what was typed, plus `all` where it means something. */
export async function respondWithNodes(interaction: AutocompleteInteraction, context: BotContext, options: { includeAll?: boolean } = {}): Promise<void> {
  const typed = String(interaction.options.getFocused() ?? '').toLowerCase();
  const names = [...(options.includeAll ? ['all'] : []), ...context.fleet.nodes.map((node) => node.name)];
  await interaction.respond(
    names
      .filter((name) => name.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((name) => ({ name, value: name })),
  );
}
