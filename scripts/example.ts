import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { restartGateway, stopGateway } from '../src/standin/gateway.js';

/*
 * `npm run example`: the agent serving the example state dir that ships in
 * examples/state, beside a stand-in gateway, on loopback. Expiries are moved to now, so
 * the picture (t440 with an expired Anthropic token) is the same whenever it runs.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE_ANCHOR_MS = Date.parse('2026-02-14T09:00:00Z');
const dataDir = path.join(ROOT, 'data', 'example');
const stateDir = path.join(dataDir, 'state');
const keyFile = path.join(dataDir, 'agent.key');
const endpointFile = path.join(dataDir, 'agent.url');

function rebaseExpiries(dir: string, shiftMs: number): void {
  for (const agent of readdirSync(path.join(dir, 'agents'))) {
    const file = path.join(dir, 'agents', agent, 'agent', 'auth-profiles.json');
    if (!existsSync(file)) continue;
    const document = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, { expires?: number }> };
    for (const profile of Object.values(document.profiles)) if (typeof profile.expires === 'number') profile.expires += shiftMs;
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  }
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  return (await tryPort(preferred)) ?? (await tryPort(0)) ?? preferred;
}

await stopGateway(stateDir).catch(() => null);
rmSync(stateDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
cpSync(path.join(ROOT, 'examples', 'state'), stateDir, { recursive: true });
rmSync(path.join(stateDir, 'README.md'));
rebaseExpiries(stateDir, Date.now() - EXAMPLE_ANCHOR_MS);
if (!existsSync(keyFile)) writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });

const gatewayPort = await freePort(18789);
const agentPort = await freePort(7420);
await restartGateway(stateDir, gatewayPort, 2000);
writeFileSync(endpointFile, `http://127.0.0.1:${agentPort}\n`);

const standIn = path.join(ROOT, 'bin', 'tokenops-standin-openclaw.js');
const agent = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'agent', 'main.ts')], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    TOKENOPS_NODE: 't440',
    TOKENOPS_AGENT_KEY: readFileSync(keyFile, 'utf8').trim(),
    TOKENOPS_LISTEN: `127.0.0.1:${agentPort}`,
    OPENCLAW_STATE_DIR: stateDir,
    TOKENOPS_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
    TOKENOPS_RESTART_CMD: `${standIn} gateway restart --state ${stateDir}`,
    TOKENOPS_CONFIG_SET_CMD: `${standIn} config set --state ${stateDir}`,
  },
});

process.stdout.write(`
tokenops example: agent "t440" on http://127.0.0.1:${agentPort}, stand-in gateway on http://127.0.0.1:${gatewayPort}
  state dir  ${path.relative(ROOT, stateDir)}   (main: legacy layout, research + coder: split layout)
  node key   ${path.relative(ROOT, keyFile)}

In another terminal (signed calls with that key):
  npm run agent:call -- GET /v1/status
  npm run agent:call -- POST /v1/preflight
  npm run agent:call -- POST /v1/restart        # the gateway stays not ready: t440's Anthropic token is expired
  npm run agent:call -- GET /v1/events          # live events; edit a store file and watch
Ctrl-C stops it all.

`);

const stop = async () => {
  agent.kill('SIGTERM');
  await stopGateway(stateDir).catch(() => null);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
agent.on('exit', (code) => {
  void stopGateway(stateDir).finally(() => process.exit(code ?? 0));
});
