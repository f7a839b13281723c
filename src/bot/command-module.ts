import type { AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { BotContext } from './bot-context.js';
import type { Precondition } from './preconditions.js';

/**
 * A slash command: one module in `commands/`, exporting its builder data and its handler
 * (the shape of discord.js's create-discord-bot template), plus the preconditions it needs.
 */
export interface CommandModule {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Checked before the handler runs, for the whole command. */
  preconditions: readonly Precondition[];
  /** Extra checks for some subcommands (e.g. `sync` needs the ops role, `status` does not). */
  subcommandPreconditions?: Readonly<Record<string, readonly Precondition[]>>;
  /** Whether the deferred reply is only for the caller. */
  ephemeral?: boolean;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'expected a function');
const precondition = z.object({ name: z.string(), check: fn });

/** The loader's predicate: a module that does not fit is named and refused at start. */
export const commandModuleSchema = z.object({
  data: z.object({ name: z.string().regex(/^[-_a-z0-9]{1,32}$/, 'expected a lower-case command name'), toJSON: fn }),
  preconditions: z.array(precondition),
  subcommandPreconditions: z.record(z.string(), z.array(precondition)).optional(),
  ephemeral: z.boolean().optional(),
  execute: fn,
  autocomplete: fn.optional(),
});
