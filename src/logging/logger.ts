import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { SECRET_FIELDS } from '../domain/profile.js';

export type { Logger };

/*
 * Secret fields are censored at any depth pino can address cheaply (up to three levels
 * under the log object). Code should never log a credential at all; this is the net under
 * that rule, and the test suite scans every log line for the values it planted.
 */
const SECRET_KEYS = [...SECRET_FIELDS, 'refreshToken', 'accessToken', 'refresh_token', 'access_token', 'authorization', 'nodeKey', 'sealed', 'ciphertext', 'fields'];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  paths.push('req.headers["x-tokenops-signature"]', 'DISCORD_TOKEN', '*.DISCORD_TOKEN', 'TOKENOPS_AGENT_KEY', '*.TOKENOPS_AGENT_KEY');
  return paths;
}

export function createLogger(name: string, level: LoggerOptions['level'] = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, destination ?? standardOutput());
}

/** Bytes held while stdout does not take them; beyond this, new lines are dropped, not queued. */
const HELD_BYTES_MAX = 8 * 1024 * 1024;

let stdout: pino.DestinationStream | undefined;
/** The non-blocking handle when stdout is a pipe or socket (what flushLogs waits on). */
let held: { socket: Socket; open: boolean } | undefined;

/*
 * stdout, written without ever blocking the process. pino's default destination writes
 * synchronously; on a pipe or socket (journald, a container runtime, a harness) whose reader
 * has stopped reading, that write blocks the main thread for good: timers never fire and a
 * SIGTERM handler never runs, so the process ignores every signal but SIGKILL (asynchronous
 * writes only move the block to a thread-pool thread, which process.exit then waits for).
 * So a pipe or socket is written through a non-blocking handle of its own (net.Socket sets
 * O_NONBLOCK): what it does not take is held, up to HELD_BYTES_MAX, then dropped; a closed
 * reader (EPIPE) silences the log. A file or a terminal keeps pino's synchronous writes.
 */
function standardOutput(): pino.DestinationStream {
  if (stdout) return stdout;
  const kind = fstatSync(1);
  if (!kind.isFIFO() && !kind.isSocket()) return (stdout = pino.destination({ dest: 1, sync: true }));
  const socket = new Socket({ fd: 1, readable: false, writable: true });
  // Never what keeps the process alive; planned exits flush first (flushLogs).
  socket.unref();
  const handle = { socket, open: true };
  socket.on('error', () => {
    handle.open = false;
  });
  held = handle;
  return (stdout = {
    write(line: string): void {
      if (handle.open && socket.writableLength + Buffer.byteLength(line) <= HELD_BYTES_MAX) socket.write(line);
    },
  });
}

/**
 * Before a planned exit: lets stdout take what is held, for `withinMs` at most (a reader that
 * stopped reading must not hold the exit up).
 */
export async function flushLogs(withinMs = 1_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (held?.open && held.socket.writableLength > 0 && Date.now() < deadline) await sleep(10);
}
