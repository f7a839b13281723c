import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The real `openclaw` CLI at a pinned version, installed by scripts/openclaw/install.sh
 * into a cache outside the repo, run on Node 24 with HOME, OPENCLAW_STATE_DIR and TMPDIR in
 * temp folders, the update check off and logs in the state dir: offline, touching nothing
 * of the machine's.
 */

export const OPENCLAW_CACHE = process.env.TOKENOPS_OPENCLAW_CACHE ?? path.join(os.homedir(), '.cache', 'tokenops-openclaw');
export const VERSIONS = ['2026.6.1', '2026.6.5', '2026.9.6'] as const;

interface Manifest {
  node: string;
  openclaw: Record<string, { entry: string }>;
}

export function manifest(): Manifest {
  return JSON.parse(readFileSync(path.join(OPENCLAW_CACHE, 'manifest.json'), 'utf8')) as Manifest;
}

export interface OpenClawHome {
  version: string;
  root: string;
  stateDir: string;
  env: Record<string, string>;
  /** OpenClaw's bundled code, for scripts that call its own functions. */
  dist: string;
  run(args: string[], stdin?: string, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** A script of ours on OpenClaw's Node, in this home's environment. */
  runScript(script: string, args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
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

export function openclawHome(version: string): OpenClawHome {
  const { node, openclaw } = manifest();
  const entry = openclaw[version]?.entry;
  if (!entry) throw new Error(`openclaw ${version} is not installed: run scripts/openclaw/install.sh`);
  const root = mkdtempSync(path.join(os.tmpdir(), `tokenops-oc-${version}-`));
  const stateDir = path.join(root, 'state');
  for (const dir of ['home', 'state', 'tmp']) mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify({ update: { checkOnStart: false }, logging: { file: path.join(stateDir, 'logs', 'gateway.log') } }, null, 2));
  const env = { PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`, HOME: path.join(root, 'home'), OPENCLAW_STATE_DIR: stateDir, TMPDIR: path.join(root, 'tmp'), NO_COLOR: '1', ...(process.env.OPENCLAW_DEBUG ? { OPENCLAW_DEBUG: process.env.OPENCLAW_DEBUG } : {}) };
  const runNode = (argv: string[], stdin?: string, timeoutMs = 90_000) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(node, argv, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
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
  const run = (args: string[], stdin?: string, timeoutMs?: number) => runNode([entry, ...args], stdin, timeoutMs);
  return {
    version,
    root,
    stateDir,
    env,
    dist: path.join(path.dirname(entry), 'dist'),
    run,
    runScript: (script, args, timeoutMs) => runNode([script, ...args], undefined, timeoutMs),
    async modelsStatus() {
      const result = await run(['models', 'status', '--json']);
      if (result.code !== 0) throw new Error(`openclaw ${version} models status failed (${result.code}): ${result.stderr.slice(-500)}`);
      const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { auth: { oauth: { profiles: OAuthStatusEntry[] } } };
      return json.auth.oauth.profiles;
    },
  };
}
