import { spawn } from 'node:child_process';

/**
 * The environment for commands the agent runs: its own, less the node key, so a script
 * that prints its environment leaks nothing.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.TOKENOPS_AGENT_KEY;
  return env;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Last lines of stdout and stderr together, in arrival order. */
  outputTail: string[];
  /** Set when the command could not be started at all (not found, not executable). */
  spawnError?: string;
}

const TAIL_LINES = 20;
const TAIL_BYTES = 16 * 1024;

/**
 * Runs a command without a shell and keeps only the end of its output. On timeout the
 * whole process group gets SIGTERM, then SIGKILL, so a wrapper script cannot leave its
 * children behind.
 */
export function runCommand(argv: readonly [string, ...string[]], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let tail = '';
    let timedOut = false;
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? childEnv(),
      detached: true,
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 2000).unref();
    }, options.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null, spawnError?: string) => {
      clearTimeout(timer);
      const outputTail = tail.split(/\r?\n/).filter((line) => line.trim() !== '').slice(-TAIL_LINES);
      resolve({ exitCode, signal, timedOut, durationMs: Date.now() - started, outputTail, ...(spawnError ? { spawnError } : {}) });
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, null, `${argv[0]}: ${error.code === 'ENOENT' ? 'command not found' : (error.code ?? error.message)}`));
    child.on('close', (code, signal) => finish(code, signal));
  });
}
