import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-OpenClaw conformance suite has its own config and command (npm run test:openclaw).
    exclude: ['test/conformance/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Integration tests spawn real processes; two cores, so keep the fan-out modest.
    maxWorkers: 2,
  },
});
