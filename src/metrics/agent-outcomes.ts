import { importResponseSchema, refreshResponseSchema, REFRESH_OUTCOMES } from '../protocol/agent-api.js';

/*
 * What an import or a refresh request came to, in the words the agent's counters use. A
 * request that failed is counted under its API error code (`busy`, `lock_busy`,
 * `disk_full`, …): codes are a fixed set in the code, so the label stays bounded.
 */

export const IMPORT_OUTCOMES = ['written', 'partial', 'unchanged', 'refused', 'dry_run'] as const;
export { REFRESH_OUTCOMES };

export type RequestEnd = { ok: true; value: unknown } | { ok: false; code: string };

/** One import request: `written` (every store that needed it), `partial` (some refused), `unchanged`, `refused`, `dry_run`. */
export function importOutcome(end: RequestEnd): string {
  if (!end.ok) return end.code;
  const parsed = importResponseSchema.safeParse(end.value);
  if (!parsed.success) return 'internal';
  const { dryRun, stores } = parsed.data;
  if (dryRun) return 'dry_run';
  const written = stores.some((store) => store.outcome === 'written');
  const refused = stores.some((store) => store.outcome === 'refused');
  if (written) return refused ? 'partial' : 'written';
  return refused ? 'refused' : 'unchanged';
}

/** One refresh request: an outcome per profile it tried, or the request's error code once. */
export function refreshOutcomes(end: RequestEnd): string[] {
  if (!end.ok) return [end.code];
  const parsed = refreshResponseSchema.safeParse(end.value);
  return parsed.success ? parsed.data.results.map((result) => result.outcome) : ['internal'];
}
