import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsAlive } from '../../../src/agent/store/process-starttime.js';

/*
 * Small helpers for the store unit tests: temp dirs that are removed after the file's tests,
 * child processes that are always killed, and a dead pid to point a lock at.
 */

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

export function tempDir(prefix = 'tokenops-store-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A pid that certainly belonged to a process that has exited (and been reaped). */
export function deadPid(): number {
  const result = spawnSync('true');
  if (typeof result.pid !== 'number' || result.pid <= 0) throw new Error('no pid from spawnSync');
  if (processIsAlive(result.pid)) throw new Error(`pid ${result.pid} was reused at once`);
  return result.pid;
}

/** A long-running process (killed by cleanup()). */
export function liveProcess(): ChildProcess & { pid: number } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.add(child);
  if (typeof child.pid !== 'number') throw new Error('sleep did not start');
  return child as ChildProcess & { pid: number };
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  return child;
}

/** Resolves with the first stdout line matching `pattern`; rejects if the child exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 4_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; stderr: ${stderr}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) done(null, line);
    };
    const onErr = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    };
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before ${pattern}; stderr: ${stderr}`));
    const done = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(line ?? '');
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** Polls until `predicate` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(predicate: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
}

/** `anthropic`-style secrets that must never show up in a reason or message. */
export const PLANTED_SECRET = 'sk-ant-oat01-PLANTED-9fQ2xL7mZk3vW8bN1cR4tY6uH0jE5aS';

/** Asserts that no 8-character run of the secret appears in `text`. */
export function leaksSecret(text: string, secret = PLANTED_SECRET): boolean {
  for (let i = 0; i + 8 <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + 8))) return true;
  }
  return false;
}
