import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jsonOf, runCli } from '../support/cli-process.js';
import { capturedOutput, freePort, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * Sick nodes beside a healthy one: one that accepts the connection and never answers, one
 * that answers garbage, one whose clock is 10 min ahead (a real agent under libfaketime),
 * one with another key. Each must show as its own clear error and the healthy node must be
 * read as usual, through `tokenops status` (the same fleet operation as `/tokens status`).
 */

const libfaketime = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', ...(existsSync('/usr/lib') ? readdirSync('/usr/lib').map((dir) => `/usr/lib/${dir}/faketime/libfaketime.so.1`) : [])].find((file) => existsSync(file));

const agents: RunningAgent[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
let env: Record<string, string>;
const tried: string[] = [];

beforeAll(async () => {
  const healthyKey = newNodeKeyHex();
  agents.push(await startAgent({ TOKENOPS_NODE: 'healthy', TOKENOPS_AGENT_KEY: healthyKey, OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 30 * HOUR) } } } }) }));
  const skewedKey = newNodeKeyHex();
  if (libfaketime) {
    agents.push(await startAgent({ TOKENOPS_NODE: 'skewed', TOKENOPS_AGENT_KEY: skewedKey, OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles: {} } } }), LD_PRELOAD: libfaketime, FAKETIME: '+10m' }));
  }
  const wrongKey = newNodeKeyHex();
  agents.push(await startAgent({ TOKENOPS_NODE: 'rekeyed', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: buildStateDir({ layout: 'split', agents: { main: { profiles: {} } } }) }));

  const silent = createTcpServer((socket) => void sockets.push(socket));
  const silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  servers.push(silent as unknown as Server);
  const garbage = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body>502 Bad Gateway</body></html>\u0000\u00ff');
  });
  const garbagePort = await freePort();
  await new Promise<void>((resolve) => garbage.listen(garbagePort, '127.0.0.1', resolve));
  servers.push(garbage);

  const nodes = [
    { name: 'healthy', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_HEALTHY' },
    { name: 'silent', url: `http://127.0.0.1:${silentPort}`, keyEnv: 'TOKENOPS_KEY_SILENT' },
    { name: 'garbage', url: `http://127.0.0.1:${garbagePort}`, keyEnv: 'TOKENOPS_KEY_GARBAGE' },
    { name: 'rekeyed', url: agents.at(-1)!.url, keyEnv: 'TOKENOPS_KEY_REKEYED' },
    ...(libfaketime ? [{ name: 'skewed', url: agents[1]!.url, keyEnv: 'TOKENOPS_KEY_SKEWED' }] : []),
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-sick-'));
  writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify({ nodes, owners: { 'anthropic:*': 'healthy' } }));
  env = {
    TOKENOPS_FLEET: path.join(dir, 'fleet.json'),
    TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}`,
    TOKENOPS_NODE_TIMEOUT: '2s',
    TOKENOPS_KEY_HEALTHY: healthyKey,
    TOKENOPS_KEY_SILENT: newNodeKeyHex(),
    TOKENOPS_KEY_GARBAGE: newNodeKeyHex(),
    TOKENOPS_KEY_REKEYED: wrongKey,
    TOKENOPS_KEY_SKEWED: skewedKey,
  };
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) server.close();
  for (const agent of agents) await agent.stop();
  killAllSpawned();
  console.log(`sick nodes: ${tried.join('; ')}${libfaketime ? '' : ' (no libfaketime here, so no clock-skewed node: scripts/install-test-deps.sh installs it)'}`);
  expect(findSecrets(capturedOutput)).toEqual([]);
});

test('each sick node shows as its own clear error; the healthy node is read as usual', async () => {
  const run = await runCli(['status', '--json'], env);
  expect(run.code).toBe(1);
  const report = jsonOf(run) as { nodes: Array<{ name: string; reachable: boolean; error: { kind: string; message: string } | null; profiles: Array<{ profileId: string; health: string }> }> };
  const byName = Object.fromEntries(report.nodes.map((node) => [node.name, node]));
  for (const node of report.nodes) tried.push(`${node.name} → ${node.reachable ? 'read' : `${node.error?.kind}: ${node.error?.message}`}`);

  expect(byName.healthy).toMatchObject({ reachable: true, error: null });
  expect(byName.healthy!.profiles).toEqual([expect.objectContaining({ profileId: 'anthropic:default', health: 'ok' })]);
  expect(byName.silent!.error).toEqual({ kind: 'timeout', message: expect.stringMatching(/no answer within 2000 ms/) });
  expect(byName.garbage!.error).toEqual({ kind: 'bad_response', message: expect.stringMatching(/not signed by the agent's key/) });
  expect(byName.rekeyed!.error).toEqual({ kind: 'unauthorized', message: expect.stringMatching(/refused our signature: its TOKENOPS_AGENT_KEY is not the key we sign with/) });
  if (libfaketime) expect(byName.skewed!.error).toEqual({ kind: 'clock_skew', message: expect.stringMatching(/the agent's clock is 10 min ahead of ours, past the 300 s signing window: set its clock \(NTP\)/) });

  // The same, as a person reads it: one line per sick node saying what is wrong.
  const text = await runCli(['status'], env);
  expect(text.stdout).toMatch(/silent .*timeout: no answer within 2000 ms/);
  expect(text.stdout).toMatch(/garbage .*bad_response: .*not signed/);
  if (libfaketime) expect(text.stdout).toMatch(/skewed .*clock_skew: the agent's clock is 10 min ahead/);
}, 60_000);
