import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRY_PROCESSES, NODE_FLAGS } from './node-flags.js';

/*
 * Where this checkout is, and how to start one of its entry points as a new process. The same
 * code runs two ways: compiled into dist/ (the bins, `npm start`, the services: plain node)
 * and as TypeScript through tsx (the tests, development). A process started from here runs
 * the way its parent does, so the demo run from dist/ starts compiled agents and a test
 * starts TypeScript ones.
 */

const here = fileURLToPath(import.meta.url);

/** True when this process runs dist/ (this very file is src/runtime/entry-point.js there). */
export const COMPILED = here.endsWith('.js');

/** The checkout (package.json, assets/, dist/): the nearest folder above this file with a package.json. */
export const PACKAGE_ROOT = nearestPackage(path.dirname(here));

function nearestPackage(dir: string): string {
  if (existsSync(path.join(dir, 'package.json'))) return dir;
  const parent = path.dirname(dir);
  if (parent === dir) throw new Error(`no package.json above ${here}`);
  return nearestPackage(parent);
}

/** The folder of command modules the bot loads: commands/, or its compiled twin. */
export const COMMANDS_DIR = path.join(PACKAGE_ROOT, COMPILED ? 'dist/commands' : 'commands');

export interface EntryPoint {
  file: string;
  /** Node options the file needs: tsx's loader for TypeScript, nothing for compiled code. */
  execArgv: string[];
}

/**
 * A source file of this project (`src/agent/main.ts`), as this process would run it: the
 * compiled twin in dist/ when this process is compiled, else the TypeScript through tsx.
 * Files outside src/ and commands/ (test workers) are never compiled: always tsx.
 */
export function entryPoint(source: string): EntryPoint {
  const kind = ENTRY_PROCESSES[source];
  const flags = kind ? [...NODE_FLAGS[kind]] : [];
  // The bench runs from TypeScript but measures the compiled processes a user runs.
  const compiled = COMPILED || process.env.TOKENOPS_SPAWN === 'dist';
  if (compiled && /^(src|commands)\//.test(source)) return { file: compiledTwin(source), execArgv: flags };
  return { file: path.join(PACKAGE_ROOT, source), execArgv: [...flags, '--import', tsxFile('loader.mjs')] };
}

/**
 * A bin of this package as its first line starts it (`#!/usr/bin/env -S node <flags>`), for
 * whoever starts it with a node of their own (the bench, the tests): `node bin/x.js` alone
 * would skip the flags.
 */
export function installedBin(name: string): EntryPoint {
  const file = path.join(PACKAGE_ROOT, 'bin', name);
  const shebang = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  const flags = /^#!\/usr\/bin\/env (?:-S )?node\b(.*)$/.exec(shebang)?.[1]?.trim();
  return { file, execArgv: flags ? flags.split(/\s+/) : [] };
}

function compiledTwin(source: string): string {
  return path.join(PACKAGE_ROOT, 'dist', source.replace(/\.ts$/, '.js'));
}

/**
 * A file of tsx's package by absolute URL (a child's working directory may be anywhere).
 * Resolved only when needed, so a compiled process never looks for tsx (a devDependency,
 * absent in production).
 */
function tsxFile(file: string): string {
  const loader = createRequire(import.meta.url).resolve('tsx');
  return pathToFileURL(path.join(path.dirname(loader), file)).href;
}

/**
 * A worker thread running a source file of this project (`src/timeline/render-worker.ts`):
 * its compiled twin when this process is compiled, else the TypeScript, with tsx registered
 * inside the worker first (a worker does not inherit the loader its parent was started with).
 */
export function startWorker(source: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (COMPILED) return new Worker(compiledTwin(source), options);
  const tsxApi = tsxFile('esm/api/index.mjs');
  const boot = `const { workerData } = require('node:worker_threads');
(async () => {
  (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})().catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(boot, { ...options, eval: true, workerData: { ...options.workerData, tsxApi, entry: pathToFileURL(path.join(PACKAGE_ROOT, source)).href } });
}
