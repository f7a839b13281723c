import { loadCommands } from './command-loader.js';
import { registerCommands } from './discord-client.js';
import { exitWith, loadBotSettingsOrExit } from './startup.js';

/** `npm run register`: registers the slash commands in the ops guild and exits. */
const { env } = loadBotSettingsOrExit('tokenops-register');
const commands = await loadCommands().catch((error: Error) => exitWith('tokenops-register', [error.message]));
try {
  const count = await registerCommands(env, commands);
  process.stdout.write(`registered ${count} commands in guild ${env.DISCORD_GUILD_ID}: ${[...commands.keys()].map((name) => `/${name}`).join(', ')}\n`);
} catch (error) {
  exitWith('tokenops-register', [`registering failed: ${(error as Error).message}`]);
}
