import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_APPLICATION_ID, DEFAULT_GUILD_ID, DEFAULT_OPS_CHANNEL_ID, DEFAULT_OPS_ROLE_ID, type DiscordStandin } from '../standin/discord/index.js';
import { entryPoint, type EntryPoint } from '../runtime/entry-point.js';
import { spawnNode, type Spawned } from './local-processes.js';

export interface RunningBot extends Spawned {
  stateUrl: string;
  fleetFile: string;
}

/**
 * The real bot process (`src/bot/main.ts`) against the local Discord stand-in, with a fleet
 * file and state of its own; resolves once its commands are registered.
 */
export async function startBot(
  standin: DiscordStandin,
  fleet: Record<string, unknown>,
  env: Record<string, string>,
  options: { botToken: string; stateUrl?: string; dir?: string; /** Another way to start it (the installed bin), else src/bot/main.ts as this process runs. */ launch?: EntryPoint },
): Promise<RunningBot> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'tokenops-bot-'));
  const fleetFile = path.join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(fleet, null, 2), { mode: 0o600 });
  const stateUrl = options.stateUrl ?? `sqlite://${path.join(dir, 'state.sqlite')}`;
  const registrations = standin.commandRegistrations.length;
  const botEnv = {
    DISCORD_TOKEN: options.botToken,
    DISCORD_CLIENT_ID: DEFAULT_APPLICATION_ID,
    DISCORD_GUILD_ID: DEFAULT_GUILD_ID,
    OPS_CHANNEL_ID: DEFAULT_OPS_CHANNEL_ID,
    OPS_ROLE_ID: DEFAULT_OPS_ROLE_ID,
    DISCORD_API_BASE: standin.apiBase,
    TOKENOPS_FLEET: fleetFile,
    TOKENOPS_STATE: stateUrl,
    TOKENOPS_LOG_LEVEL: 'debug',
    ...env,
  };
  const bot = spawnNode(options.launch ?? entryPoint('src/bot/main.ts'), [], botEnv);
  await bot.waitFor(/"msg":"guild commands registered"/, 20_000);
  await standin.waitFor(() => standin.commandRegistrations.length > registrations || undefined, 5_000, 'command registration');
  return { ...bot, stateUrl, fleetFile };
}
