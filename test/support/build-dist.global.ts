import { spawnSync } from 'node:child_process';
import path from 'node:path';

/*
 * The tests that start the installed bins run dist/, so it is rebuilt from the sources once
 * per run (under a second): a test never passes or fails on a stale build.
 */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
