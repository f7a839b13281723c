import { spawn } from 'node:child_process';

/**
 * The environment for commands the agent runs: its own, less the node key and the
 * gateway's token, so a script that prints its environment leaks nothing.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.TOKENOPS_AGENT_KEY;
  delete env.TOKENOPS_GATEWAY_TOKEN;
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
    let truncated = false;
    let timedOut = false;
    let finished = false;
    const keep = (chunk: Buffer) => {
      tail += chunk.toString('utf8');
      if (tail.length > TAIL_BYTES) {
        tail = tail.slice(-TAIL_BYTES);
        truncated = true;
      }
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
    const timers: NodeJS.Timeout[] = [];
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        // Not cleared when the command exits: what it left behind in its group goes too.
        setTimeout(() => killGroup('SIGKILL'), 2000).unref();
      }, options.timeoutMs),
    );
    const finish = (exitCode: number | null, signal: string | null, spawnError?: string) => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      // A cut through the middle of a line could hold the end of a secret: drop that line.
      const lines = tail.split(/\r?\n/);
      if (truncated) lines.shift();
      const outputTail = lines.filter((line) => line.trim() !== '').slice(-TAIL_LINES);
      resolve({ exitCode, signal, timedOut, durationMs: Date.now() - started, outputTail, ...(spawnError ? { spawnError } : {}) });
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, null, `${argv[0]}: ${error.code === 'ENOENT' ? 'command not found' : (error.code ?? error.message)}`));
    // The command is done when it exits, even if something it started in the background
    // still holds its output open (a wrapper that launches the gateway and returns).
    child.on('exit', (code, signal) => {
      const drained = () => finish(code, signal);
      child.on('close', drained);
      timers.push(setTimeout(drained, 500));
    });
    // Whatever happens to the group, the call ends: a hung restart must not hold the node.
    timers.push(setTimeout(() => finish(null, null), options.timeoutMs + 5000));
  });
}
