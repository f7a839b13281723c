#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` leaves a runnable checkout): the TypeScript of
// src/ and commands/ as plain ES modules in dist/, one file per source file, same layout.
//
// esbuild rather than `tsc`: it transpiles the ~300 files in about a second (tsc: ~20 s on two
// cores), and with `isolatedModules` + `verbatimModuleSyntax` in tsconfig.json a per-file
// transpile means exactly what tsc would emit. Types are still checked by `npm test`
// (`tsc --noEmit`). Plain .mjs so that building needs nothing but esbuild.
//
// The CLI and the agent are also bundled, each into one file (and a chunk per lazy import)
// under dist/bin/, which their bins run: a start that loads one file instead of ~170 modules
// (and zod without its 60 locales) is what brings `tokenops status` under 0.3 s and the
// agent to its first answer sooner. Packages that are native or heavy stay outside the
// bundle, loaded as they are, only when used. The bot is not bundled: it loads commands/ by
// path, and those modules import src/ themselves; a bundled bot would hold a second copy of
// every module they share.
//
// The new tree is written beside dist/ and swapped in by rename, so a process starting from
// dist/ while a build runs sees the old tree or the new one, never half of each.
import { build } from 'esbuild';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, process.argv[2] ?? 'dist');

async function sources(dir) {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !/\.(d|test)\.ts$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

const started = Date.now();
const staging = `${outdir}.building-${process.pid}`;
const entryPoints = [...(await sources('src')), ...(await sources('commands'))];
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: staging,
  outbase: '.',
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20.17',
  // Stack traces map back to the TypeScript with NODE_OPTIONS=--enable-source-maps.
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
const bundles = await build({
  absWorkingDir: root,
  entryPoints: { tokenops: 'src/cli/main.ts', 'tokenops-agent': 'src/agent/main.ts' },
  outdir: path.join(staging, 'bin'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.17',
  external: ['better-sqlite3', 'ioredis', '@keyv/redis', 'prom-client', 'pino', 'discord.js', 'echarts', '@resvg/resvg-js'],
  // The CommonJS packages bundled (bottleneck, json5) call require(); an ES module has none.
  banner: { js: "import { createRequire as tokenopsCreateRequire } from 'node:module'; const require = tokenopsCreateRequire(import.meta.url);" },
  minify: true,
  // Names stay: errors and logs say which class or function they came from.
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});
// What each bundle holds, by package: a heavy package must never slip in (a test checks).
const packagesIn = (inputs) => [...new Set(Object.keys(inputs).map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]).filter(Boolean))].sort();
await writeFile(
  path.join(staging, 'bin', 'bundled-packages.json'),
  `${JSON.stringify(Object.fromEntries(Object.entries(bundles.metafile.outputs).filter(([file]) => file.endsWith('.js')).map(([file, output]) => [path.relative(path.join(staging, 'bin'), path.join(root, file)), packagesIn(output.inputs)])), null, 2)}\n`,
);
const previous = `${outdir}.previous-${process.pid}`;
await rename(outdir, previous).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(staging, outdir);
await rm(previous, { recursive: true, force: true });
console.log(`built ${entryPoints.length} modules and 2 bundles into ${path.relative(root, outdir)}/ in ${Date.now() - started} ms`);
