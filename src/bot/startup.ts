import { loadBotEnv, type BotEnv } from '../config/bot-env.js';
import { loadDotEnv } from '../config/dotenv.js';
import { loadFleet, type Fleet } from '../config/fleet-file.js';

/** Settings and fleet file, or every problem printed as one line each and exit 2. */
export function loadBotSettingsOrExit(program: string): { env: BotEnv; fleet: Fleet } {
  loadDotEnv();
  const env = loadBotEnv(process.env);
  if (!env.ok) exitWith(program, env.problems);
  const fleet = loadFleet(env.value.TOKENOPS_FLEET, process.env);
  if (!fleet.ok) exitWith(program, fleet.problems);
  return { env: env.value, fleet: fleet.value };
}

export function exitWith(program: string, problems: readonly string[]): never {
  for (const problem of problems) process.stderr.write(`${program}: ${problem}\n`);
  process.exit(2);
}
