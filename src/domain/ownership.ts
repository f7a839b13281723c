/*
 * Refresh ownership: per profile pattern, the one node allowed to refresh that account
 * (DESIGN.md). The most specific pattern wins: an exact id over a wildcard, and a longer
 * literal part over a shorter one, so `anthropic:ops` can be pinned apart from `anthropic:*`.
 */

function patternRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function specificity(pattern: string): number {
  return pattern.includes('*') ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
}

/** The owner node of a profile, or null when no pattern covers it (nobody refreshes it). */
export function ownerOf(profileId: string, owners: Readonly<Record<string, string>>): string | null {
  let best: { node: string; score: number } | null = null;
  for (const [pattern, node] of Object.entries(owners)) {
    if (!patternRegex(pattern).test(profileId)) continue;
    const score = specificity(pattern);
    if (!best || score > best.score) best = { node, score };
  }
  return best?.node ?? null;
}
