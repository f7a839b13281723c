import { Client, GatewayIntentBits, Partials, REST, Routes } from 'discord.js';
import type { BotEnv } from '../config/bot-env.js';
import type { CommandModule } from './command-module.js';

/**
 * The discord.js client, its REST (and so its gateway discovery) pointed at
 * `DISCORD_API_BASE`. Reactions need the reactions intent, and partials so a reaction on a
 * message the bot has not cached (after a restart) still arrives.
 */
export function createDiscordClient(env: BotEnv): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel, Partials.GuildMember],
    // Replies echo what people typed (an unknown node named "@everyone") and name the ops
    // role: nothing the bot sends may notify anyone, unless a message asks for it itself.
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: env.DISCORD_API_BASE },
  });
}

/** Registers the commands as guild commands (instant, unlike global ones). */
export async function registerCommands(env: BotEnv, commands: ReadonlyMap<string, CommandModule>): Promise<number> {
  const rest = new REST({ api: env.DISCORD_API_BASE }).setToken(env.DISCORD_TOKEN);
  const body = [...commands.values()].map((command) => command.data.toJSON());
  const result = (await rest.put(Routes.applicationGuildCommands(env.DISCORD_CLIENT_ID, env.DISCORD_GUILD_ID), { body })) as unknown[];
  return result.length;
}
