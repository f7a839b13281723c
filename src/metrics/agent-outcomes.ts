import type { ImportResponse, RefreshResponse } from '../protocol/agent-api.js';

/*
 * What an import or a refresh request came to, in the words the agent's counters use. A
 * request that failed is counted under its API error code (`busy`, `lock_busy`,
 * `disk_full`, …): codes are a fixed set in the code, so the label stays bounded.
 */

export const IMPORT_OUTCOMES = ['written', 'partial', 'unchanged', 'refused', 'dry_run'] as const;

/** The handler's own answer (typed as it returned it), or the API error code it failed with. */
export type RequestEnd<T> = { ok: true; value: T } | { ok: false; code: string };

/** One import request: `written` (every store that needed it), `partial` (some refused), `unchanged`, `refused`, `dry_run`. */
export function importOutcome(end: RequestEnd<ImportResponse>): string {
  if (!end.ok) return end.code;
  const { dryRun, stores } = end.value;
  if (dryRun) return 'dry_run';
  const written = stores.some((store) => store.outcome === 'written');
  const refused = stores.some((store) => store.outcome === 'refused');
  if (written) return refused ? 'partial' : 'written';
  return refused ? 'refused' : 'unchanged';
}

/** One refresh request: an outcome per profile it tried, or the request's error code once. */
export function refreshOutcomes(end: RequestEnd<RefreshResponse>): string[] {
  return end.ok ? end.value.results.map((result) => result.outcome) : [end.code];
}
