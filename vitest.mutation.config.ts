import { defineConfig } from 'vitest/config';

/*
 * The tests a mutation run asks (npm run test:mutation): the in-process ones. Stryker runs
 * them in worker threads with each mutant switched on in turn; a test in a child process
 * cannot see a mutant, so the e2e and process-spawning suites would only cost time here.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
