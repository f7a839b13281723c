// @ts-check
/*
 * Mutation testing of the rules tokenops' safety rests on (issue 17). `npm run
 * test:mutation` runs it through scripts/mutation.ts, which prints the table per file and
 * tells new survivors from the ones judged equivalent in equivalent-mutants.json beside
 * this file; `npx stryker run mutation/stryker.config.mjs` runs it bare.
 */

/** The files whose every non-equivalent mutant must be killed: the safety promises. */
export const SAFETY_FILES = [
  'src/domain/restart-plan.ts',
  'src/domain/sync-plan.ts',
  'src/domain/ownership.ts',
  'src/protocol/signing.ts',
  'src/protocol/replay-window.ts',
];

/** Everything in scope: the pure rules (plain data in and out; I/O lives elsewhere). */
export const SCOPE = [
  'src/domain/**/*.ts',
  'src/protocol/**/*.ts',
  // The pure parts of the operations and the agent's store: what a sync passes on and what
  // its report means; when a lock may be taken over; how a store's text is read and written.
  'src/fleet/operations/sync-report.ts',
  'src/agent/store/lock-staleness.ts',
  'src/agent/store/json-text.ts',
  // One operation per node across processes: the lease rules, in memory as the tests run them.
  'src/fleet/node-locks.ts',
  'src/state/node-lock-store.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: SCOPE,
  // Mutants in module-level constants (schemas, tables) run every test: slow, and a schema's mutant is caught by the schema's own tests or by nothing.
  ignoreStatic: true,
  // Runs side by side (--files) each have a sandbox under .stryker-tmp: none copies another's.
  ignorePatterns: ['/.stryker-tmp', '/reports', '/.cache'],
  concurrency: 2,
  timeoutMS: 10_000,
  // The first run asks every unit test with per-test coverage on, in one worker thread: minutes on two cores.
  dryRunTimeoutMinutes: 20,
  reporters: ['progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Off: with it, Stryker 9.6 ran module-level (static) mutants against no test and called
  // them survivors. A fresh run of the whole scope takes about 20 minutes on two cores.
  incremental: false,
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 95, low: 90, break: null },
};
