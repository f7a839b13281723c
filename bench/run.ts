import { benchRefreshSync } from './refresh-sync.js';
import { benchRenewal } from './renewal.js';
import { benchLoad } from './load.js';
import { printRobustnessTable } from './robustness.js';
import { benchStatus } from './status.js';
import { benchTimeline } from './timeline.js';

/** `npm run bench`: prints the figures the issues ask for. Timings, not pass/fail tests. */
const only = process.argv[2];
if (!only || only === 'status') await benchStatus();
if (!only || only === 'refresh-sync') await benchRefreshSync();
if (!only || only === 'renewal') await benchRenewal();
if (!only || only === 'timeline') await benchTimeline();
const load = !only || only === 'load' || only === 'robustness' ? await benchLoad() : null;
if (!only || only === 'robustness') printRobustnessTable(load);
process.exit(0);
