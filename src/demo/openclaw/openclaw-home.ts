import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenClawInstall } from './openclaw-install.js';

/*
 * A home for one real OpenClaw: HOME, OPENCLAW_STATE_DIR and TMPDIR in folders of its own,
 * the update check off and its log in the state dir. Offline, and nothing of the machine's
 * is read or written. The demo runs a gateway per home; the conformance suite its CLI.
 */

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface OpenClawHome {
  version: string;
  root: string;
  stateDir: string;
  /** The environment every OpenClaw process of this home runs with (Node 24 first on PATH). */
  env: Record<string, string>;
  install: OpenClawInstall;
  /** OpenClaw's bundled code, for scripts that call its own functions. */
  dist: string;
  /** `openclaw <args>` in this home. */
  run(args: string[], stdin?: string, timeoutMs?: number): Promise<RunResult>;
  /** A script of ours on OpenClaw's Node, in this home's environment. */
  runScript(script: string, args: string[], timeoutMs?: number): Promise<RunResult>;
  /** The OAuth profiles of `openclaw models status --json`. */
  modelsStatus(): Promise<OAuthStatusEntry[]>;
}

export interface OAuthStatusEntry {
  profileId: string;
  provider: string;
  type: string;
  status: string;
  expiresAt?: number;
  remainingMs?: number;
}

/** The base of openclaw.json in a home: no update check, logs in the state dir. */
export function homeConfig(stateDir: string): Record<string, unknown> {
  return { update: { checkOnStart: false }, logging: { file: path.join(stateDir, 'logs', 'gateway.log') } };
}

/**
 * Makes the home's folders under `root` and its openclaw.json: `config` (JSON text) or the
 * base one.
 */
export function openclawHome(install: OpenClawInstall, root: string, config?: string): OpenClawHome {
  const stateDir = path.join(root, 'state');
  for (const dir of ['home', 'state', 'tmp']) mkdirSync(path.join(root, dir), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(stateDir, 'openclaw.json'), config ?? JSON.stringify(homeConfig(stateDir), null, 2), { mode: 0o600 });
  const env = { PATH: `${path.dirname(install.node)}:${process.env.PATH ?? ''}`, HOME: path.join(root, 'home'), OPENCLAW_STATE_DIR: stateDir, TMPDIR: path.join(root, 'tmp'), NO_COLOR: '1', ...(process.env.OPENCLAW_DEBUG ? { OPENCLAW_DEBUG: process.env.OPENCLAW_DEBUG } : {}) };
  const runNode = (argv: string[], stdin?: string, timeoutMs = 90_000) =>
    new Promise<RunResult>((resolve) => {
      const child = spawn(install.node, argv, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(stdin ?? '');
    });
  const run = (args: string[], stdin?: string, timeoutMs?: number) => runNode([install.entry, ...args], stdin, timeoutMs);
  return {
    version: install.version,
    root,
    stateDir,
    env,
    install,
    dist: path.join(path.dirname(install.entry), 'dist'),
    run,
    runScript: (script, args, timeoutMs) => runNode([script, ...args], undefined, timeoutMs),
    async modelsStatus() {
      const result = await run(['models', 'status', '--json']);
      if (result.code !== 0) throw new Error(`openclaw ${install.version} models status failed (${result.code}): ${result.stderr.slice(-500)}`);
      const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { auth: { oauth: { profiles: OAuthStatusEntry[] } } };
      return json.auth.oauth.profiles;
    },
  };
}
