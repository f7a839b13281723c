import { randomBytes } from 'node:crypto';
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { UnknownNodeError } from '../fleet/fleet-client.js';
import type { BotContext } from './bot-context.js';
import type { CommandModule } from './command-module.js';
import { runPreconditions } from './preconditions.js';
import { OperationRefusedError } from '../fleet/operation-refused.js';
import { LIMITS, truncate } from './render/discord-format.js';
import { scrub } from '../domain/scrub-secrets.js';

function commandLabel(interaction: ChatInputCommandInteraction): string {
  const sub = interaction.options.getSubcommand(false);
  return sub ? `/${interaction.commandName} ${sub}` : `/${interaction.commandName}`;
}

/**
 * Routes interactions to command modules: preconditions first (a refusal is ephemeral and
 * names what is missing), then an immediate defer, then the handler, which edits the
 * reply. A failure reaches the user as a short message with a reference; the detail goes
 * to the log only.
 */
export function createInteractionRouter(commands: ReadonlyMap<string, CommandModule>, context: BotContext) {
  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = commands.get(interaction.commandName);
    if (!command) {
      await interaction.reply({ content: `Unknown command /${interaction.commandName}.`, flags: MessageFlags.Ephemeral });
      return;
    }
    const sub = interaction.options.getSubcommand(false);
    const refusal = runPreconditions([...command.preconditions, ...(sub ? (command.subcommandPreconditions?.[sub] ?? []) : [])], interaction, context);
    if (!refusal.ok) {
      context.logger.info({ command: commandLabel(interaction), user: interaction.user.id }, 'command refused');
      // Answered first: Discord gives 3 s to acknowledge, and the audit write may be slow (Redis far away).
      await interaction.reply({ content: refusal.message, flags: MessageFlags.Ephemeral });
      if (interaction.inGuild() && interaction.guildId === context.env.DISCORD_GUILD_ID) {
        await context.audit
          .record({
            actor: { via: 'discord', id: interaction.user.id, name: interaction.user.username },
            action: commandLabel(interaction),
            outcome: 'refused',
            detail: refusal.message,
          })
          .catch((error: Error) => context.logger.warn({ command: commandLabel(interaction), err: scrub(error.message) }, 'refusal not audited'));
      }
      return;
    }
    await interaction.deferReply(command.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    try {
      await command.execute(interaction, context);
    } catch (error) {
      const message = replyForError(error, commandLabel(interaction));
      await interaction.editReply({ content: message, embeds: [], components: [] }).catch(() => undefined);
    }
  }

  function replyForError(error: unknown, label: string): string {
    // The message may quote an option value past Discord's limits (from a client that skips
    // them); one Discord would refuse would leave the reply "thinking" for good.
    if (error instanceof UnknownNodeError) return truncate(`❗ ${error.message.replace(error.node, truncate(error.node, 100))}`, LIMITS.content);
    if (error instanceof OperationRefusedError) return truncate(`❗ ${error.message}`, LIMITS.content);
    const reference = randomBytes(3).toString('hex');
    context.logger.error({ reference, command: label, err: (error as Error)?.message, stack: (error as Error)?.stack }, 'command failed');
    return `❗ ${label} failed (reference \`${reference}\`). The details are in the bot's log.`;
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = commands.get(interaction.commandName);
    try {
      // Node names are the ops server's to know, as every command is (inOpsGuild).
      if (interaction.guildId !== context.env.DISCORD_GUILD_ID) await interaction.respond([]);
      else if (command?.autocomplete) await command.autocomplete(interaction, context);
      else await interaction.respond([]);
    } catch (error) {
      context.logger.warn({ command: interaction.commandName, err: (error as Error).message }, 'autocomplete failed');
    }
  }

  return async (interaction: Interaction): Promise<void> => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
    } catch (error) {
      context.logger.error({ err: (error as Error).message }, 'interaction could not be answered');
    }
  };
}
