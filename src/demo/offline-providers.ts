import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OAUTH_PROVIDERS } from '../agent/refresh/oauth-providers.js';

let file: string | undefined;

/**
 * A TOKENOPS_OAUTH_PROVIDERS file sending every known provider's refresh to a closed port
 * on loopback. The local fleets (the demo, the tests) run agents whose owners renew on a
 * schedule: without this, a token near its renewal would have the agent call the real
 * provider with a made-up refresh token. Here it fails at once, on this machine.
 */
export function offlineProvidersFile(): string {
  if (file) return file;
  const providers = Object.fromEntries(['google-gemini-cli', ...Object.keys(DEFAULT_OAUTH_PROVIDERS)].map((name) => [name, { tokenUrl: 'http://127.0.0.1:9/token', clientId: 'tokenops-offline' }]));
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-offline-providers-')), 'providers.json');
  writeFileSync(file, JSON.stringify(providers, null, 2));
  return file;
}
