#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` leaves a runnable checkout): the TypeScript of
// src/ and commands/ as plain ES modules in dist/, one file per source file, same layout.
//
// esbuild rather than `tsc`: it transpiles the ~300 files in about a second (tsc: ~20 s on two
// cores), and with `isolatedModules` + `verbatimModuleSyntax` in tsconfig.json a per-file
// transpile means exactly what tsc would emit. Types are still checked by `npm test`
// (`tsc --noEmit`). Plain .mjs so that building needs nothing but esbuild.
//
// The new tree is written beside dist/ and swapped in by rename, so a process starting from
// dist/ while a build runs sees the old tree or the new one, never half of each.
import { build } from 'esbuild';
import { readdir, rename, rm } from 'node:fs/promises';
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
const previous = `${outdir}.previous-${process.pid}`;
await rename(outdir, previous).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(staging, outdir);
await rm(previous, { recursive: true, force: true });
console.log(`built ${entryPoints.length} modules into ${path.relative(root, outdir)}/ in ${Date.now() - started} ms`);
