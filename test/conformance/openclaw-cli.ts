import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedOpenClaw, OPENCLAW_CACHE } from '../../src/demo/openclaw/openclaw-install.js';
import { openclawHome as homeIn, type OpenClawHome } from '../../src/demo/openclaw/openclaw-home.js';

/*
 * The real `openclaw` CLI at a pinned version, installed by scripts/openclaw/install.sh
 * into a cache outside the repo, run on Node 24 in a home of its own (src/demo/openclaw/
 * openclaw-home.ts): offline, touching nothing of the machine's.
 */

export { OPENCLAW_CACHE };
export type { OpenClawHome, OAuthStatusEntry } from '../../src/demo/openclaw/openclaw-home.js';
export const VERSIONS = ['2026.6.1', '2026.6.5', '2026.9.6'] as const;

/** A fresh home in a temp folder for `version`. */
export function openclawHome(version: string): OpenClawHome {
  return homeIn(installedOpenClaw(version), mkdtempSync(path.join(os.tmpdir(), `tokenops-oc-${version}-`)));
}
