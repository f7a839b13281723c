import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processIsAlive } from '../../../src/agent/store/process-starttime.js';
import { childEnv, runCommand } from '../../../src/agent/run-command.js';
import { cleanup, eventually, tempDir } from './helpers.js';

const leftovers: number[] = [];
afterEach(() => {
  // A failed test must not leave sleepers behind.
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  cleanup();
});

/** Pids a script printed as "pids <a> <b> ..." (first such line in the tail). */
function printedPids(tail: string[]): number[] {
  const line = tail.find((candidate) => candidate.startsWith('pids '));
  if (!line) throw new Error(`no pids line in ${JSON.stringify(tail)}`);
  const pids = line.split(' ').slice(1).map(Number);
  leftovers.push(...pids);
  return pids;
}

describe('runCommand', () => {
  it('reports exit code 0 and the output', async () => {
    const result = await runCommand(['sh', '-c', 'echo hello; echo world'], { timeoutMs: 4_000 });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, outputTail: ['hello', 'world'] });
    expect(result.spawnError).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(4_000);
  });

  it('reports a non-zero exit code', async () => {
    const result = await runCommand(['sh', '-c', 'echo failing >&2; exit 3'], { timeoutMs: 4_000 });
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, outputTail: ['failing'] });
  });

  it('passes arguments without a shell: metacharacters stay literal', async () => {
    const result = await runCommand(['printf', '%s|', 'a b', '$(echo no)', ';', '*'], { timeoutMs: 4_000 });
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toEqual(['a b|$(echo no)|;|*|']);
  });

  it('keeps only the last 20 non-blank lines', async () => {
    const result = await runCommand(['sh', '-c', 'i=1; while [ $i -le 30 ]; do echo "line $i"; echo; i=$((i+1)); done'], { timeoutMs: 4_000 });
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 11}`));
  });

  it('keeps fewer lines as they are, and mixes stdout and stderr', async () => {
    const result = await runCommand(['sh', '-c', 'echo out1; echo err1 >&2; sleep 0.05; echo out2'], { timeoutMs: 4_000 });
    expect(result.outputTail).toHaveLength(3);
    expect(result.outputTail).toEqual(expect.arrayContaining(['out1', 'err1', 'out2']));
    expect(result.outputTail[2]).toBe('out2');
  });

  it('keeps the end of a large output', async () => {
    const result = await runCommand([process.execPath, '-e', 'for (let i = 0; i < 50000; i++) console.log("row " + i)'], { timeoutMs: 4_000 });
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toHaveLength(20);
    expect(result.outputTail.at(-1)).toBe('row 49999');
    expect(result.outputTail[0]).toBe('row 49980');
  });

  it('a signal death is reported as the signal, not an exit code', async () => {
    const result = await runCommand(['sh', '-c', 'kill -KILL $$'], { timeoutMs: 4_000 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
  });

  it('on timeout kills the whole process group: the command and its grandchild', async () => {
    // sh starts a sleeping grandchild that does not hold our pipes, prints both pids, and waits.
    const started = Date.now();
    const result = await runCommand(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo "pids $$ $!"; wait'], { timeoutMs: 400 });
    const elapsed = Date.now() - started;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(2_000);
    const [shell, grandchild] = printedPids(result.outputTail);
    expect(shell).toBeGreaterThan(0);
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !processIsAlive(shell ?? 0) && !processIsAlive(grandchild ?? 0), 1_000)).toBe(true);
  });

  it('on timeout kills a grandchild that still holds the output pipe', async () => {
    const result = await runCommand(['sh', '-c', 'sleep 30 & echo "pids $$ $!"; wait'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(2_000);
    const [shell, grandchild] = printedPids(result.outputTail);
    expect(await eventually(() => !processIsAlive(shell ?? 0) && !processIsAlive(grandchild ?? 0), 1_000)).toBe(true);
  });

  it('on timeout follows SIGTERM with SIGKILL for a grandchild that ignores SIGTERM', async () => {
    const result = await runCommand(['sh', '-c', '(trap "" TERM; exec sleep 30) >/dev/null 2>&1 & echo "pids $$ $!"; wait'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    const [shell, grandchild] = printedPids(result.outputTail);
    expect(await eventually(() => !processIsAlive(shell ?? 0), 1_000)).toBe(true);
    // SIGKILL follows 2 s after SIGTERM.
    expect(await eventually(() => !processIsAlive(grandchild ?? 0), 3_000)).toBe(true);
  });

  it('a command that finishes in time is not marked timed out, and its group is not signalled later', async () => {
    const result = await runCommand(['sh', '-c', 'sleep 0.1; echo done'], { timeoutMs: 2_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, outputTail: ['done'] });
  });

  it('a command that is not found → spawnError "command not found", no exit code', async () => {
    const result = await runCommand(['tokenops-no-such-command-7f3a'], { timeoutMs: 2_000 });
    expect(result.spawnError).toBe('tokenops-no-such-command-7f3a: command not found');
    expect(result).toMatchObject({ exitCode: null, signal: null, timedOut: false, outputTail: [] });
  });

  it('a missing absolute path → command not found', async () => {
    const missing = path.join(tempDir(), 'missing.sh');
    const result = await runCommand([missing], { timeoutMs: 2_000 });
    expect(result.spawnError).toBe(`${missing}: command not found`);
  });

  it('a file that is not executable → spawnError with the error code', async () => {
    const script = path.join(tempDir(), 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const result = await runCommand([script], { timeoutMs: 2_000 });
    expect(result.spawnError).toBe(`${script}: EACCES`);
    expect(result.exitCode).toBeNull();
  });

  it('uses the environment it is given', async () => {
    const result = await runCommand(['sh', '-c', 'echo "v=$TOKENOPS_TEST_VALUE"'], { timeoutMs: 2_000, env: { PATH: process.env.PATH, TOKENOPS_TEST_VALUE: 'given' } });
    expect(result.outputTail).toEqual(['v=given']);
  });
});

describe('childEnv', () => {
  const saved = process.env.TOKENOPS_AGENT_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.TOKENOPS_AGENT_KEY;
    else process.env.TOKENOPS_AGENT_KEY = saved;
  });

  it('drops TOKENOPS_AGENT_KEY and keeps the rest of the environment', () => {
    process.env.TOKENOPS_AGENT_KEY = 'a'.repeat(64);
    const env = childEnv();
    expect('TOKENOPS_AGENT_KEY' in env).toBe(false);
    expect(env.PATH).toBe(process.env.PATH);
    // The agent's own environment is left alone.
    expect(process.env.TOKENOPS_AGENT_KEY).toBe('a'.repeat(64));
  });

  it('adds the extras, but never a TOKENOPS_AGENT_KEY among them', () => {
    delete process.env.TOKENOPS_AGENT_KEY;
    const env = childEnv({ OPENCLAW_STATE_DIR: '/tmp/state', TOKENOPS_AGENT_KEY: 'b'.repeat(64) });
    expect(env.OPENCLAW_STATE_DIR).toBe('/tmp/state');
    expect('TOKENOPS_AGENT_KEY' in env).toBe(false);
  });

  it('a command run with childEnv() cannot see the key', async () => {
    process.env.TOKENOPS_AGENT_KEY = 'c'.repeat(64);
    const result = await runCommand(['sh', '-c', 'echo "key=${TOKENOPS_AGENT_KEY:-absent}"; env | grep -c TOKENOPS_AGENT_KEY || true'], { timeoutMs: 2_000, env: childEnv() });
    expect(result.outputTail).toEqual(['key=absent', '0']);
  });
});

describe('runCommand and what a command leaves running', () => {
  it('a wrapper that starts something in the background and exits 0 is done at once, and its child lives on', async () => {
    const started = Date.now();
    const result = await runCommand(['sh', '-c', 'sleep 30 & echo "child $!"; exit 0'], { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    const child = Number(result.outputTail[0]?.split(' ')[1]);
    expect(processIsAlive(child)).toBe(true);
    process.kill(child, 'SIGKILL');
  });

  it('a child in its own session holding the output open cannot hold the call', async () => {
    const started = Date.now();
    const result = await runCommand(['sh', '-c', 'setsid sleep 30 & echo "child $!"; exit 0'], { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.exitCode).toBe(0);
    const child = Number(result.outputTail[0]?.split(' ')[1]);
    if (child) process.kill(child, 'SIGKILL');
  });

  it('a tail cut through a line drops that line, so no piece of a secret survives', async () => {
    const secret = `SECRET${'S'.repeat(40)}TAILEND`;
    // 16 KiB of output whose cut falls inside the secret's line.
    const result = await runCommand(['node', '-e', `process.stdout.write('x'.repeat(100) + '${secret}\\n' + 'y'.repeat(16 * 1024 - 30) + '\\nlast\\n')`], { timeoutMs: 5_000 });
    expect(result.outputTail.join('\n')).not.toContain('TAILEND');
    expect(result.outputTail.at(-1)).toBe('last');
  });
});
