import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './processes.js';

/*
 * Which modules a process loaded, from the trace `module-trace/preload.cjs` writes: the
 * packages (by name) and this project's own files (relative to the checkout).
 */

export const MODULE_TRACE_PRELOAD = path.join(ROOT, 'test/support/module-trace/preload.cjs');

export interface LoadedModules {
  packages: Set<string>;
  own: Set<string>;
}

export function readModuleTrace(file: string): LoadedModules {
  const packages = new Set<string>();
  const own = new Set<string>();
  for (const url of readFileSync(file, 'utf8').split('\n')) {
    if (!url.startsWith('file:')) continue;
    const file = fileURLToPath(url);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (pkg) packages.add(pkg);
    else if (file.startsWith(ROOT)) own.add(path.relative(ROOT, file));
  }
  return { packages, own };
}

/** Packages no process needs at start: each only when what uses it is asked for. */
export const HEAVY_PACKAGES = ['discord.js', '@discordjs/rest', '@discordjs/ws', 'undici', 'echarts', 'zrender', '@resvg/resvg-js', 'ioredis', '@keyv/redis', '@redis/client', 'prom-client', 'tsx', 'esbuild'];

export function heavyLoaded(loaded: LoadedModules, allowed: readonly string[] = []): string[] {
  return HEAVY_PACKAGES.filter((name) => loaded.packages.has(name) && !allowed.includes(name));
}
