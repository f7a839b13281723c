import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAgent } from '../test/support/processes.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth } from '../test/support/state-dir.js';
process.env.TOKENOPS_SPAWN = 'dist';
const env: Record<string, string> = {};
const nodes = [];
for (const [name, expiresIn] of [['pc-a', 3 * DAY], ['t440', 5 * HOUR]] as const) {
  const keyHex = newNodeKeyHex();
  const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', expiresIn) } } } });
  const agent = await startAgent({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOG_LEVEL: 'info' });
  const keyEnv = `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`;
  env[keyEnv] = keyHex;
  nodes.push({ name, url: agent.url, keyEnv });
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-cli-'));
writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ nodes, owners: { 'anthropic:*': 'pc-a' } }));
writeFileSync('/tmp/cli-env.sh', Object.entries({ ...env, TOKENOPS_FLEET: path.join(dir, 'fleet.json'), TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}` }).map(([k, v]) => `export ${k}='${v}'`).join('\n') + '\n');
console.log('ready');
await new Promise(() => undefined);
