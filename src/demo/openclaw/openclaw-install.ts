import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../runtime/entry-point.js';

/*
 * The real `openclaw` package, as scripts/openclaw/install.sh installs it: Node 24 from the npm
 * registry (OpenClaw needs it; tokenops runs on 20) and each pinned version in its own prefix,
 * all in a cache outside the repo (TOKENOPS_OPENCLAW_CACHE, default ~/.cache/tokenops-openclaw).
 */

export const OPENCLAW_CACHE = process.env.TOKENOPS_OPENCLAW_CACHE ?? path.join(os.homedir(), '.cache', 'tokenops-openclaw');
/** The newest version on the registry when the demo was written, and what it runs by default. */
export const DEFAULT_OPENCLAW_VERSION = '2026.9.6';

export interface OpenClawInstall {
  version: string;
  /** Node 24's binary. */
  node: string;
  /** openclaw.mjs of that version. */
  entry: string;
}

interface Manifest {
  node: string;
  openclaw: Record<string, { entry: string }>;
}

/** What the cache holds now (no install). Throws naming the fix when `version` is not there. */
export function installedOpenClaw(version: string): OpenClawInstall {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(OPENCLAW_CACHE, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new Error(`no OpenClaw install in ${OPENCLAW_CACHE}: run scripts/openclaw/install.sh ${version}`);
  }
  const entry = manifest.openclaw[version]?.entry;
  if (!entry) throw new Error(`openclaw ${version} is not installed in ${OPENCLAW_CACHE}: run scripts/openclaw/install.sh ${version}`);
  return { version, node: manifest.node, entry };
}

/**
 * Installs `version` (and Node 24) unless the cache has them, then returns where they are. The
 * script's progress goes to `log`; it fetches from the npm registry only.
 */
export async function installOpenClaw(version: string, log: (line: string) => void): Promise<OpenClawInstall> {
  const script = path.join(PACKAGE_ROOT, 'scripts', 'openclaw', 'install.sh');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('bash', [script, version], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TOKENOPS_OPENCLAW_CACHE: OPENCLAW_CACHE } });
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(line);
    });
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`scripts/openclaw/install.sh ${version} failed (exit ${code}); its output is above`);
  return installedOpenClaw(version);
}
