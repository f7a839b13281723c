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
  file ??= providersFile('http://127.0.0.1:9/token', 'tokenops-offline');
  return file;
}

/**
 * A TOKENOPS_OAUTH_PROVIDERS file sending every known provider's refresh to `tokenUrl` (the
 * demo's local provider), `openai` too: OpenClaw 2026.9 names the Codex provider so once its
 * stores are migrated.
 */
export function providersFile(tokenUrl: string, clientId: string): string {
  const providers = Object.fromEntries([...new Set(['google-gemini-cli', 'openai', ...Object.keys(DEFAULT_OAUTH_PROVIDERS)])].map((name) => [name, { tokenUrl, clientId }]));
  const written = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-providers-')), 'providers.json');
  writeFileSync(written, JSON.stringify(providers, null, 2));
  return written;
}
