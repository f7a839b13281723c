import { startOAuthServer as startProvider, type RotatingOAuthServer } from '../../src/demo/oauth-provider.js';
import { plantedSecrets } from './state-dir.js';

export type { RotatingOAuthServer };

/** The rotating OAuth server (src/demo/oauth-provider.ts), every token it hands out planted for the secret scans. */
export function startOAuthServer(): Promise<RotatingOAuthServer> {
  return startProvider({ onSecret: (value) => plantedSecrets.add(value) });
}
