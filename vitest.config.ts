import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-OpenClaw conformance suite has its own config and command (npm run test:openclaw).
    exclude: ['test/conformance/**', 'node_modules/**'],
    // One secret scan over everything every file captured, at the end of the run.
    // dist/ rebuilt first: the bins the tests start run it.
    globalSetup: ['test/support/build-dist.global.ts', 'test/support/suite-secret-scan.global.ts'],
    // A test whose requests Discord's API would refuse fails (test/support/discord-spec.setup.ts).
    setupFiles: ['test/support/suite-capture.setup.ts', 'test/support/discord-spec.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Integration tests spawn real processes; two cores, so keep the fan-out modest.
    maxWorkers: 2,
  },
});
