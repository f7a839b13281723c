import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, startAgent } from '../support/processes.js';
import { buildStateDir, newNodeKeyHex } from '../support/state-dir.js';

/** Runs the installed bin the way an operator would, and collects what it prints. */
function runBin(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'bin/tokenops-agent.js'), [], { cwd: path.join(ROOT, 'test'), env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('missing settings: one line each, naming the setting, exit 2, no stack trace', async () => {
  const { code, stderr, stdout } = await runBin({});
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toEqual([
    'tokenops-agent: TOKENOPS_NODE: is required',
    'tokenops-agent: TOKENOPS_AGENT_KEY: is required (generate one with: openssl rand -hex 32)',
  ]);
});

test('malformed settings name themselves and never echo the key', async () => {
  const shortKey = 'c2hvcnQta2V5LXZhbHVl';
  const { code, stderr } = await runBin({
    TOKENOPS_NODE: 't440',
    TOKENOPS_AGENT_KEY: shortKey,
    TOKENOPS_LISTEN: 'localhost',
    TOKENOPS_WARN_BEFORE: '24',
    TOKENOPS_GATEWAY_URL: 'ftp://gw',
    TOKENOPS_RESTART_CMD: 'systemctl --user restart openclaw-gateway && echo done',
  });
  expect(code).toBe(2);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(5);
  expect(lines[0]).toMatch(/^tokenops-agent: TOKENOPS_AGENT_KEY: must hold 32\+ random bytes .* decodes to 15 bytes$/);
  expect(lines.find((line) => line.includes('TOKENOPS_LISTEN'))).toMatch(/expected host:port/);
  expect(lines.find((line) => line.includes('TOKENOPS_WARN_BEFORE'))).toMatch(/duration/);
  expect(lines.find((line) => line.includes('TOKENOPS_GATEWAY_URL'))).toMatch(/http/);
  expect(lines.find((line) => line.includes('TOKENOPS_RESTART_CMD'))).toMatch(/without a shell/);
  expect(stderr).not.toContain(shortKey);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('a port already taken: one line, exit 2', async () => {
  const stateDir = buildStateDir({ layout: 'split', agents: {} });
  const first = await startAgent({ TOKENOPS_NODE: 'a', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: stateDir });
  try {
    const { code, stderr } = await runBin({ TOKENOPS_NODE: 'b', TOKENOPS_AGENT_KEY: newNodeKeyHex(), OPENCLAW_STATE_DIR: stateDir, TOKENOPS_LISTEN: `127.0.0.1:${first.port}` });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`tokenops-agent: TOKENOPS_LISTEN: cannot listen on 127.0.0.1:${first.port} (EADDRINUSE)`);
  } finally {
    await first.stop();
  }
});
