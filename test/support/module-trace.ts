import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './processes.js';

/*
 * Which modules a process loaded, from the trace `module-trace/preload.cjs` writes: the
 * packages (by name; those of the main thread apart) and this project's own files (relative
 * to the checkout).
 */

export const MODULE_TRACE_PRELOAD = path.join(ROOT, 'test/support/module-trace/preload.cjs');

export interface LoadedModules {
  /** By any thread. */
  packages: Set<string>;
  /** By the main thread, where an interaction is answered. */
  mainThreadPackages: Set<string>;
  own: Set<string>;
}

export function readModuleTrace(file: string): LoadedModules {
  const loaded: LoadedModules = { packages: new Set(), mainThreadPackages: new Set(), own: new Set() };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [thread, url] = line.split(' ');
    if (!url?.startsWith('file:')) continue;
    const file = fileURLToPath(url);
    // The innermost node_modules: a nested copy is that package's, not its parent's.
    const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (pkg) {
      loaded.packages.add(pkg);
      if (thread === '0') loaded.mainThreadPackages.add(pkg);
    } else if (file.startsWith(ROOT)) loaded.own.add(path.relative(ROOT, file));
  }
  return loaded;
}

/** Packages no process needs at start: each only when what uses it is asked for. */
export const HEAVY_PACKAGES = ['discord.js', '@discordjs/rest', '@discordjs/ws', 'undici', 'echarts', 'zrender', '@resvg/resvg-js', 'ioredis', '@keyv/redis', '@redis/client', 'prom-client', 'tsx', 'esbuild'];

export function heavyLoaded(packages: ReadonlySet<string>, allowed: readonly string[] = []): string[] {
  return HEAVY_PACKAGES.filter((name) => packages.has(name) && !allowed.includes(name));
}
