import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** Polls the gateway's /readyz until it answers 200, or throws after `timeoutMs` with the end of its output. */
export async function waitForReadyz(url: string, timeoutMs: number, outputFile: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((answer) => answer.ok, () => false);
    if (ready) return Date.now() - started;
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
  const supervise = (command: 'start' | 'stop') => spawnSync(process.execPath, [SUPERVISOR, command, home.version, home.root, String(port)], { encoding: 'utf8' });
  const started = supervise('start');
  if (started.status !== 0) throw new Error(`the OpenClaw gateway supervisor failed: ${started.stderr}`);
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
    restartCmd: `${process.execPath} ${SUPERVISOR} restart ${home.version} ${home.root} ${port}`,
    configSetCmd: `${process.execPath} ${CONFIG_SET} ${home.version}`,
    async stop() {
      supervise('stop');
    },
  };
}
