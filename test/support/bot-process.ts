import { startBot as startLocalBot, type RunningBot } from '../../src/demo/local-bot.js';
import type { EntryPoint } from '../../src/runtime/entry-point.js';
import type { DiscordStandin } from '../../src/standin/discord/index.js';
import { plantedSecrets } from './state-dir.js';
import { suiteCapture } from './suite-capture.js';

export type { RunningBot } from '../../src/demo/local-bot.js';

/** A bot token for tests: planted, so the secret scans look for it too. */
export const TEST_BOT_TOKEN = `test-bot-token.${'x'.repeat(10)}.${Math.random().toString(36).slice(2)}`;
plantedSecrets.add(TEST_BOT_TOKEN);

/** The real bot against the local Discord stand-in, with the planted test token. */
export async function startBot(standin: DiscordStandin, fleet: Record<string, unknown>, env: Record<string, string>, options: { stateUrl?: string; dir?: string; launch?: EntryPoint } = {}): Promise<RunningBot> {
  // Its payloads and stored state join the suite-wide secret scan.
  suiteCapture.standins.add(standin);
  const bot = await startLocalBot(standin, fleet, env, { ...options, botToken: TEST_BOT_TOKEN });
  suiteCapture.stateUrls.add(bot.stateUrl);
  return bot;
}
