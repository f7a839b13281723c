import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Loads `./.env` when there is one. Variables already set in the environment win, so a
 * systemd EnvironmentFile or a shell export is never overridden by a stray file.
 */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (!existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  Object.assign(process.env, before);
}
