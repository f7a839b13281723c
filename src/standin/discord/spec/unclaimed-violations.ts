/**
 * Spec violations no test has claimed yet, across every stand-in of this process. A test that means to
 * send a request Discord refuses claims it (`standin.claimSpecViolations()`); the test suite fails any test
 * that leaves one unclaimed (test/support/discord-spec.setup.ts), so a flow that drifts from Discord's API
 * fails the test that caused it rather than passing here and failing on Discord.
 */
const unclaimed: string[] = [];

export function recordUnclaimed(violation: string): void {
  unclaimed.push(violation);
}

export function claim(violations: readonly string[]): void {
  for (const violation of violations) {
    const index = unclaimed.indexOf(violation);
    if (index >= 0) unclaimed.splice(index, 1);
  }
}

/** Empties the list and returns what was in it. */
export function takeUnclaimedSpecViolations(): string[] {
  return unclaimed.splice(0);
}
