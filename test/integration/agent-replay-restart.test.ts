import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { UNAUTHORIZED_MESSAGE } from '../../src/agent/http/api-error.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { rawRequest, signedRawRequest, type RawRequest } from '../support/raw-http.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, openclawJson5 } from '../support/state-dir.js';

/*
 * Issue 16, item 4: a captured request replayed after the agent restarts. The agent
 * remembers the nonces it took for as long as their timestamps are acceptable; before, it
 * remembered them in memory only, so a `POST /v1/restart` captured on the wire restarted the
 * gateway again once the agent itself had restarted (an upgrade, a crash, a reboot), with
 * nobody's ✅. Real agent processes on one state dir, each restart a new process.
 */

let sandbox: string;
let stateDir: string;
let key: string;
let agent: RunningAgent;
const UNAUTHORIZED = { status: 401, json: { error: { code: 'unauthorized', message: UNAUTHORIZED_MESSAGE } } };

/** A shell script that appends a line to a log beside it: every run of the command leaves a trace. */
function tracingCommand(name: string): string {
  const file = path.join(sandbox, 'bin', name);
  writeFileSync(file, `#!/bin/sh\necho "run $@" >> "${path.join(sandbox, `${name}.log`)}"\n`);
  chmodSync(file, 0o755);
  return file;
}

const runs = (name: string) => (existsSync(path.join(sandbox, `${name}.log`)) ? readFileSync(path.join(sandbox, `${name}.log`), 'utf8').trim().split('\n').length : 0);

function agentEnv(): Record<string, string> {
  return {
    TOKENOPS_NODE: 't440',
    TOKENOPS_AGENT_KEY: key,
    OPENCLAW_STATE_DIR: stateDir,
    TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9',
    TOKENOPS_READY_DEADLINE: '1s',
    TOKENOPS_RESTART_CMD: path.join(sandbox, 'bin', 'restart'),
    TOKENOPS_CONFIG_SET_CMD: path.join(sandbox, 'bin', 'config-set'),
  };
}

/** The agent again on the same state dir and port: SIGTERM (an upgrade) or SIGKILL (a crash). */
async function restartAgent(signal: NodeJS.Signals): Promise<void> {
  const port = agent.port;
  await agent.stop(signal);
  agent = await startAgent(agentEnv(), { port });
}

function signed(method: string, target: string, body = ''): RawRequest {
  return signedRawRequest(key, method, target, body);
}

beforeAll(async () => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'tokenops-replay-restart-'));
  mkdirSync(path.join(sandbox, 'bin'));
  tracingCommand('restart');
  tracingCommand('config-set');
  stateDir = buildStateDir({
    dir: path.join(sandbox, 'state'),
    layout: 'split',
    agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 8 * HOUR) } } },
    openclawJson5: openclawJson5(['main'], 4),
  });
  key = newNodeKeyHex();
  agent = await startAgent(agentEnv());
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  killAllSpawned();
  expect(findSecrets(capturedOutput)).toEqual([]);
});

test.each(['SIGTERM', 'SIGKILL'] as const)('a captured POST /v1/restart replayed after the agent restarts (%s): 401, the gateway is not restarted again', async (signal) => {
  const before = runs('restart');
  const captured = signed('POST', '/v1/restart', JSON.stringify({ readyDeadlineMs: 100 }));
  expect((await rawRequest(agent.port, captured)).status).toBe(200);
  expect(runs('restart')).toBe(before + 1);
  expect(await rawRequest(agent.port, captured)).toMatchObject(UNAUTHORIZED);

  await restartAgent(signal);
  expect(await rawRequest(agent.port, captured)).toMatchObject(UNAUTHORIZED);
  expect(runs('restart')).toBe(before + 1);
  // Not a lockout: a new request is taken at once.
  expect((await rawRequest(agent.port, signed('GET', '/v1/status'))).status).toBe(200);
});

test('every kind of request taken before a restart is refused after it; twice restarted, still refused', async () => {
  const captured = [
    signed('GET', '/v1/status'),
    signed('POST', '/v1/capacity', JSON.stringify({ maxConcurrent: 7 })),
    signed('POST', '/v1/preflight', '{}'),
    signed('GET', '/v1/nowhere'),
  ];
  const first = await Promise.all(captured.map((request) => rawRequest(agent.port, request)));
  expect(first.map((response) => response.status)).toEqual([200, 200, 200, 404]);
  const configSets = runs('config-set');
  await restartAgent('SIGTERM');
  await restartAgent('SIGKILL');
  for (const request of captured) expect(await rawRequest(agent.port, request)).toMatchObject(UNAUTHORIZED);
  expect(runs('config-set')).toBe(configSets);
});

test("the nonces are kept in the agent's own folder in the state dir, readable by its user only", () => {
  const folder = path.join(stateDir, '.tokenops');
  expect(lstatSync(folder).mode & 0o777).toBe(0o700);
  const log = path.join(folder, 'replay-window.log');
  expect(lstatSync(log).mode & 0o777).toBe(0o600);
  // Nonces and expiries only: nothing that is secret.
  const lines = readFileSync(log, 'utf8').split('\n').filter((line) => line.trim().length > 0);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/^(#.*|\d{13} [0-9a-f]{32,128})$/);
});
