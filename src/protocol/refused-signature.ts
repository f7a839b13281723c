import { MAX_SKEW_SECONDS } from './signing.js';
import type { NodeErrorKind } from './node-result.js';

/*
 * An agent answers every refused signature with the same bare 401, on purpose: it tells an
 * attacker nothing. For the operator the two usual causes need different fixes (a wrong key,
 * or a node whose clock drifted past the signing window), and the answer's HTTP `Date`
 * header, which every Node server sends, tells them apart. It is not signed, so it only
 * chooses the wording of an error; it never makes anything pass.
 */

/** How far the agent's clock is ahead of ours, in whole seconds; null without a usable Date. */
function clockSkewSeconds(dateHeader: string | null, nowMs: number): number | null {
  if (!dateHeader) return null;
  const theirs = Date.parse(dateHeader);
  return Number.isFinite(theirs) ? Math.round((theirs - nowMs) / 1000) : null;
}

function span(seconds: number): string {
  const abs = Math.abs(seconds);
  return abs >= 90 ? `${Math.round(abs / 60)} min` : `${abs} s`;
}

/** What a 401 most likely means, for a person, from the answer's `Date` header. */
export function refusedSignature(dateHeader: string | null, nowMs: number, where = ''): { kind: NodeErrorKind; message: string } {
  const skewSeconds = clockSkewSeconds(dateHeader, nowMs);
  // The Date header has a resolution of one second and the request took some time: allow both.
  if (skewSeconds !== null && Math.abs(skewSeconds) > MAX_SKEW_SECONDS - 5) {
    return {
      kind: 'clock_skew',
      message: `${where}the agent's clock is ${span(skewSeconds)} ${skewSeconds > 0 ? 'ahead of' : 'behind'} ours, past the ${MAX_SKEW_SECONDS} s signing window: set its clock (NTP)`,
    };
  }
  return { kind: 'unauthorized', message: `${where}the agent refused our signature: its TOKENOPS_AGENT_KEY is not the key we sign with` };
}
