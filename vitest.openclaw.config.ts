import { defineConfig } from 'vitest/config';

/** The conformance suite against the real openclaw package (npm run test:openclaw). */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
