import { defineConfig } from 'vitest/config';

/*
 * The tests a mutation run asks (npm run test:mutation): the in-process ones. Stryker runs
 * them in worker threads with each mutant switched on in turn; a test in a child process
 * cannot see a mutant, so the e2e and process-spawning suites would only cost time here.
 */
// TOKENOPS_MUTATION_TESTS narrows it (comma-separated globs) for a quick loop on one file.
const only = process.env.TOKENOPS_MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length ? only : ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
