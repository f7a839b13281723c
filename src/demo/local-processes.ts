import { offlineProvidersFile } from './offline-providers.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsAlive } from '../agent/store/process-starttime.js';
import { entryPoint, PACKAGE_ROOT, type EntryPoint } from '../runtime/entry-point.js';

/*
 * tokenops' own processes on one machine, on loopback: node agents, stand-in gateways, the
 * bot. `npm run demo` runs its fleet with these, and the tests run theirs.
 */

export const ROOT = PACKAGE_ROOT;

const running = new Set<ChildProcess>();
const observers = new Set<(line: string) => void>();

/** Every line any spawned process prints from now on goes to the observer too. */
export function observeOutput(observer: (line: string) => void): void {
  observers.add(observer);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Spawned {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  /** Resolves with the first output line that matches, or rejects on exit/timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * An entry point of this project (its source path) as a child process, its output kept by
 * line: compiled from dist/ when this process runs compiled, else the TypeScript via tsx.
 */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  return spawnNode(entryPoint(script), args, env);
}

/** A Node program (an entry point, or a bin with Node options of its own) as a child process, its output kept by line. */
export function spawnNode(entry: EntryPoint, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const proc = spawn(process.execPath, [...entry.execArgv, entry.file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  const onData = (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      output.push(line);
      for (const observer of observers) observer(line);
      for (const listener of listeners) listener(line);
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      running.delete(proc);
      if (partial) {
        output.push(partial);
        for (const observer of observers) observer(partial);
      }
      resolve(code);
    }),
  );
  return {
    proc,
    output,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      const seen = output.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output.join('\n')}`)), timeoutMs);
        const listener = (line: string) => {
          if (pattern.test(line)) {
            clearTimeout(timer);
            listeners.delete(listener);
            resolve(line);
          }
        };
        listeners.add(listener);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before ${pattern}; output:\n${output.join('\n')}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}

export interface RunningAgent extends Spawned {
  url: string;
  port: number;
}

/** A node agent on a free loopback port; resolves once it listens. */
export async function startAgent(env: Record<string, string>, options: { port?: number; /** Another way to start it (the installed bin), else src/agent/main.ts as this process runs. */ launch?: EntryPoint } = {}): Promise<RunningAgent> {
  const port = options.port ?? (await freePort());
  const agentEnv = { TOKENOPS_LISTEN: `127.0.0.1:${port}`, TOKENOPS_LOG_LEVEL: 'debug', TOKENOPS_OAUTH_PROVIDERS: offlineProvidersFile(), ...env };
  const agent = spawnNode(options.launch ?? entryPoint('src/agent/main.ts'), [], agentEnv);
  await agent.waitFor(/"msg":"agent listening"/);
  return { ...agent, url: `http://127.0.0.1:${port}`, port };
}

export const STANDIN_BIN = path.join(ROOT, 'bin/tokenops-standin-openclaw.js');

export interface StandInGateway {
  url: string;
  port: number;
  pid(): number | null;
  restartCmd: string;
  configSetCmd: string;
  stop(): Promise<void>;
}

/** The stand-in gateway for a state dir, started as its restart command would start it. */
export async function startStandInGateway(stateDir: string, readyDelayMs = 200): Promise<StandInGateway> {
  const port = await freePort();
  const starter = spawnTs('src/standin/openclaw-cli.ts', ['gateway', 'restart', '--state', stateDir, '--port', String(port), '--ready-delay', String(readyDelayMs)], {});
  const code = await starter.exited;
  if (code !== 0) throw new Error(`stand-in gateway failed to start:\n${starter.output.join('\n')}`);
  const pid = () => {
    try {
      return (JSON.parse(readFileSync(path.join(stateDir, 'standin-gateway.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      return null;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    restartCmd: `${STANDIN_BIN} gateway restart --state ${stateDir}`,
    configSetCmd: `${STANDIN_BIN} config set --state ${stateDir}`,
    async stop() {
      const current = pid();
      if (current) {
        try {
          process.kill(current, 'SIGTERM');
        } catch {
          // gone
        }
        for (let i = 0; i < 100 && processIsAlive(current); i++) await sleep(20);
      }
    },
  };
}


export function killAllSpawned(): void {
  for (const proc of running) proc.kill('SIGKILL');
}
