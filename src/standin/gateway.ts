import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readNodeSnapshot } from '../agent/node-snapshot.js';
import { processIsAlive } from '../agent/store/process-starttime.js';
import { entryPoint } from '../runtime/entry-point.js';
import { ADMIN_RPC_PATH, adminRpcSettings, handleAdminRpc } from './gateway-admin-rpc.js';
import { parseConfig, readConfigText } from './openclaw-config-file.js';

/*
 * A stand-in OpenClaw gateway for tests and demos: the incident in miniature. It loads the
 * node's credential stores once, at start, as the real gateway does, and stays not ready
 * while any OAuth profile it loaded is expired, however the files change later. Only a
 * restart loads them again: `restart` (a new process, as systemd restarts it) or, with its
 * admin RPC on, gateway.restart.request (in its process, as OpenClaw with OPENCLAW_NO_RESPAWN).
 * Driven by the stand-in `openclaw` CLI (openclaw-cli.ts).
 */

export interface RunInfo {
  pid: number;
  port: number;
  readyDelayMs: number;
  startedAt: string;
}

function infoPath(stateDir: string): string {
  return path.join(stateDir, 'standin-gateway.json');
}

export function readGatewayInfo(stateDir: string): RunInfo | null {
  try {
    return JSON.parse(readFileSync(infoPath(stateDir), 'utf8')) as RunInfo;
  } catch {
    return null;
  }
}

/** What a gateway loads at start: OAuth expiries as they are then, unreadable stores, its admin RPC settings. */
async function load(stateDir: string) {
  const startedAt = Date.now();
  const snapshot = await readNodeSnapshot(stateDir, startedAt, 0);
  const loaded = snapshot.profiles
    .filter((profile) => profile.type === 'oauth')
    .map((profile) => ({ id: `${profile.agentId}/${profile.profileId}`, expires: profile.expiresAt ? Date.parse(profile.expiresAt) : 0 }));
  const unreadable = snapshot.storeStatuses.filter((store) => !store.readable).map((store) => store.path);
  let adminRpc = { enabled: false, token: null as string | null };
  try {
    adminRpc = adminRpcSettings(parseConfig(readConfigText(stateDir)));
  } catch {
    // A config the gateway cannot read turns no plugin on.
  }
  return { startedAt, loaded, unreadable, adminRpc };
}

/** How long an in-process restart keeps the port closed: long enough for a poll to see it down. */
const IN_PROCESS_RESTART_GAP_MS = 300;

export async function runGateway(stateDir: string, port: number, readyDelayMs: number): Promise<void> {
  let current = await load(stateDir);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} [gateway] ${line}\n`);

  // OpenClaw's gateway.restart.request with OPENCLAW_NO_RESPAWN: the server closes, the
  // process loads its config and stores again and listens anew; its pid stays.
  let restarting = false;
  const restartInProcess = () => {
    // A request while it restarts joins that restart (OpenClaw answers `coalesced`).
    if (restarting) return;
    restarting = true;
    log('restart requested (in-process)');
    setTimeout(() => {
      server.close();
      server.closeAllConnections();
      void (async () => {
        await sleep(IN_PROCESS_RESTART_GAP_MS);
        current = await load(stateDir);
        server.listen(port, '127.0.0.1');
        restarting = false;
      })();
    }, 50);
  };

  const server = createServer((request, response) => {
    const url = request.url?.split('?')[0];
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    const { startedAt, loaded, unreadable, adminRpc } = current;
    if (url === '/healthz') return json(200, { ok: true, status: 'live' });
    if (url === ADMIN_RPC_PATH && adminRpc.enabled) {
      handleAdminRpc(stateDir, adminRpc.token, request, response, { log, restart: restartInProcess }).catch((error: Error) => json(500, { ok: false, error: { code: 'UNAVAILABLE', message: error.message } }));
      return;
    }
    if (url === '/readyz') {
      const now = Date.now();
      const failing = [
        ...(now - startedAt < readyDelayMs ? ['starting'] : []),
        ...loaded.filter((profile) => profile.expires <= now).map((profile) => `auth:${profile.id}`),
        ...unreadable.map((store) => `store:${store}`),
      ];
      return json(failing.length === 0 ? 200 : 503, { ready: failing.length === 0, failing, uptimeMs: now - startedAt });
    }
    json(404, { error: 'not found' });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const info: RunInfo = { pid: process.pid, port, readyDelayMs, startedAt: new Date(current.startedAt).toISOString() };
  writeFileSync(infoPath(stateDir), JSON.stringify(info));
  process.stdout.write(`stand-in gateway pid ${process.pid} on 127.0.0.1:${port}, ${current.loaded.length} OAuth profiles loaded${current.adminRpc.enabled ? `, admin RPC on ${ADMIN_RPC_PATH}` : ''}\n`);
  const stop = () => {
    const running = readGatewayInfo(stateDir);
    if (running?.pid === process.pid) rmSync(infoPath(stateDir), { force: true });
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

export async function stopGateway(stateDir: string): Promise<RunInfo | null> {
  const info = readGatewayInfo(stateDir);
  if (!info) return null;
  if (processIsAlive(info.pid)) {
    process.kill(info.pid, 'SIGTERM');
    for (let waited = 0; processIsAlive(info.pid); waited += 50) {
      if (waited > 5000) process.kill(info.pid, 'SIGKILL');
      await sleep(50);
    }
  }
  rmSync(infoPath(stateDir), { force: true });
  return info;
}

/** Starts `run` detached, its output in `<state>/logs/`, and returns once it listens. */
export async function startDetached(stateDir: string, port: number, readyDelayMs: number): Promise<number> {
  mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  const log = openSync(path.join(stateDir, 'logs', 'standin-gateway.log'), 'a');
  // Compiled or through tsx, as this process itself runs.
  const cli = entryPoint('src/standin/openclaw-cli.ts');
  const child = spawn(process.execPath, [...cli.execArgv, cli.file, 'gateway', 'run', '--state', stateDir, '--port', String(port), '--ready-delay', String(readyDelayMs)], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('stand-in gateway could not be spawned');
  for (let waited = 0; waited < 15_000; waited += 25) {
    if (readGatewayInfo(stateDir)?.pid === pid) return pid;
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  throw new Error(`stand-in gateway did not start; see ${path.join(stateDir, 'logs', 'standin-gateway.log')}`);
}


/** `openclaw gateway restart` as systemd would do it: stop the running one, start anew. */
export async function restartGateway(stateDir: string, port?: number, readyDelayMs?: number): Promise<{ previous: RunInfo | null; pid: number }> {
  const previous = await stopGateway(stateDir);
  const listenPort = port ?? previous?.port;
  if (!listenPort) throw new Error('gateway is not running and no --port was given');
  const pid = await startDetached(stateDir, listenPort, readyDelayMs ?? previous?.readyDelayMs ?? 300);
  return { previous, pid };
}
