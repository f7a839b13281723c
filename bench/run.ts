import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../test/support/processes.js';
import { benchRefreshSync } from './refresh-sync.js';
import { benchRenewal } from './renewal.js';
import { benchLoad } from './load.js';
import { printRobustnessTable } from './robustness.js';
import { benchStatus } from './status.js';
import { benchTimeline } from './timeline.js';
import { benchFootprint } from './footprint.js';

/** `npm run bench`: prints the figures the issues ask for. Timings, not pass/fail tests. */
// The bot and agents the benches start are the compiled bins a user runs (dist/), not tsx.
process.env.TOKENOPS_SPAWN = 'dist';
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { encoding: 'utf8' });
if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
const only = process.argv[2];
if (!only || only === 'footprint') await benchFootprint();
if (!only || only === 'status') await benchStatus();
if (!only || only === 'refresh-sync') await benchRefreshSync();
if (!only || only === 'renewal') await benchRenewal();
if (!only || only === 'timeline') await benchTimeline();
const load = !only || only === 'load' || only === 'robustness' ? await benchLoad() : null;
if (!only || only === 'robustness') printRobustnessTable(load);
process.exit(0);
