import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capturedOutput, ROOT } from './processes.js';
import { suiteCapture } from './suite-capture.js';

/*
 * The `tokenops` CLI as a person or a script runs it: the real bin (bin/tokenops.js, which
 * runs the compiled dist/, rebuilt for every test run) in a child process, from an empty working directory so no stray .env or
 * fleet.json is picked up. Everything it prints joins capturedOutput for the secret scans.
 */

export const CLI_BIN = path.join(ROOT, 'bin/tokenops.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-cli-cwd-'));

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // What the CLI audits lands in its state store: part of the suite-wide secret scan.
  if (env.TOKENOPS_STATE) suiteCapture.stateUrls.add(env.TOKENOPS_STATE);
  return { PATH: process.env.PATH, HOME: process.env.HOME, USER: 'ops-tester', ...env };
}

function record(text: string): void {
  for (const line of text.split('\n')) if (line) capturedOutput.push(line);
}

/** One run with pipes: stdin is not a terminal (as in a script or CI). */
export function runCli(args: readonly string[], env: Record<string, string>, options: { stdin?: string } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: emptyDir, env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) =>
    child.on('close', (code) => {
      record(stdout);
      record(stderr);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Parses a --json run's stdout: exactly one JSON document, nothing else. */
export function jsonOf(run: CliRun): unknown {
  return JSON.parse(run.stdout);
}

export interface TerminalRun {
  code: number | null;
  /** stdout and stderr as the terminal showed them, typed input echoed. */
  screen: string;
}

/** Whether util-linux `script` is here to give the CLI a real terminal (Debian's bsdutils). */
export async function hasTerminalHelper(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn('script', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    probe.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    probe.on('error', () => resolve(false));
    probe.on('close', (code) => resolve(code === 0 && out.includes('util-linux')));
  });
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * One run on a real pseudo-terminal (util-linux `script`), answering the first prompt that
 * matches `prompt` with `typed` and Enter, as a person at the keyboard would.
 */
export function runCliOnTerminal(args: readonly string[], env: Record<string, string>, answer: { prompt: RegExp; typed: string }): Promise<TerminalRun> {
  const command = [process.execPath, CLI_BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: emptyDir, env: { ...baseEnv(env), SHELL: '/bin/sh', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let answered = false;
  const onData = (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    if (!answered && answer.prompt.test(screen)) {
      answered = true;
      child.stdin.write(`${answer.typed}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => undefined);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      child.stdin.destroy();
      record(screen);
      resolve({ code, screen });
    }),
  );
}
