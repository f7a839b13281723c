import { afterEach } from 'vitest';
import { takeUnclaimedSpecViolations } from '../../src/standin/discord/spec/unclaimed-violations.js';

/*
 * Runs in every test file (vitest setupFiles): a test during which a local Discord received a
 * request Discord's published API refuses (a route it lacks, a wrong method, an unknown query
 * parameter, a body its schema refuses) fails, naming each one, unless the test claimed them
 * (`standin.claimSpecViolations()`): what passes here must be what Discord takes.
 */
afterEach(() => {
  const violations = takeUnclaimedSpecViolations();
  if (violations.length) {
    throw new Error(`requests Discord's API refuses reached the local Discord (check them against the discord-api-spec package):\n${violations.map((line) => `  - ${line}`).join('\n')}`);
  }
});
