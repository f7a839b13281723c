import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probeGateway } from '../../agent/gateway-probe.js';
import { PACKAGE_ROOT } from '../../runtime/entry-point.js';
import { freePort, type StandInGateway } from '../local-processes.js';
import type { OpenClawHome } from './openclaw-home.js';

/*
 * A real OpenClaw gateway for a home (`openclaw gateway run` on loopback, no auth, its own
 * port), run by scripts/openclaw/gateway-supervisor.mjs the way systemd runs it on a node:
 * the agent's TOKENOPS_RESTART_CMD restarts it through the same supervisor, and its capacity
 * is set with the real `openclaw config set` (scripts/openclaw/config-set.mjs).
 */

const SUPERVISOR = path.join(PACKAGE_ROOT, 'scripts', 'openclaw', 'gateway-supervisor.mjs');
const CONFIG_SET = path.join(PACKAGE_ROOT, 'scripts', 'openclaw', 'config-set.mjs');

const supervisorArgs = (home: OpenClawHome, port: number, command: 'start' | 'restart' | 'stop') => [SUPERVISOR, command, home.version, home.root, String(port)];

/** Starts or stops the home's gateway on `port` through the supervisor; throws with its output when it fails. */
export function superviseGateway(home: OpenClawHome, port: number, command: 'start' | 'stop'): void {
  const result = spawnSync(process.execPath, supervisorArgs(home, port, command), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the OpenClaw gateway supervisor could not ${command} ${home.version} (exit ${result.status}): ${result.stderr.trim()}`);
}

/** TOKENOPS_RESTART_CMD for an agent beside that gateway. */
export const gatewayRestartCommand = (home: OpenClawHome, port: number) => [process.execPath, ...supervisorArgs(home, port, 'restart')].join(' ');
/** TOKENOPS_CONFIG_SET_CMD: the real `openclaw config set` of that version. */
export const configSetCommand = (version: string) => `${process.execPath} ${CONFIG_SET} ${version}`;

/** Polls the gateway's /readyz until it answers 200, or throws after `timeoutMs` with the end of its output. */
export async function waitForReadyz(url: string, timeoutMs: number, outputFile: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await probeGateway(url, 2_000)).ready) return Date.now() - started;
    await sleep(250);
  }
  let tail = '';
  try {
    tail = readFileSync(outputFile, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    tail = '(no output)';
  }
  throw new Error(`the OpenClaw gateway at ${url} was not ready within ${timeoutMs / 1000} s; its last output:\n${tail}`);
}

export interface OpenClawGateway extends StandInGateway {
  home: OpenClawHome;
  /** Milliseconds from start to its first /readyz 200. */
  readyAfterMs: number;
}

export async function startOpenClawGateway(home: OpenClawHome, options: { readyTimeoutMs?: number } = {}): Promise<OpenClawGateway> {
  const port = await freePort();
  superviseGateway(home, port, 'start');
  const url = `http://127.0.0.1:${port}`;
  const readyAfterMs = await waitForReadyz(url, options.readyTimeoutMs ?? 180_000, path.join(home.root, 'gateway.out'));
  const pid = () => {
    try {
      return Number(readFileSync(path.join(home.root, 'gateway.pid'), 'utf8'));
    } catch {
      return null;
    }
  };
  return {
    home,
    url,
    port,
    pid,
    readyAfterMs,
    restartCmd: gatewayRestartCommand(home, port),
    configSetCmd: configSetCommand(home.version),
    async stop() {
      superviseGateway(home, port, 'stop');
    },
  };
}
