/*
 * Refresh ownership: per profile pattern, the nodes allowed to refresh that account, the
 * owner first and its stand-ins after it (DESIGN.md). The most specific pattern wins: an
 * exact id over a wildcard, and a longer literal part over a shorter one, so `anthropic:ops`
 * can be pinned apart from `anthropic:*`.
 */

/** The fleet file's `owners`: per pattern a node, or a list in order (a single name is a list of one). */
export type Owners = Readonly<Record<string, string | readonly string[]>>;

function listOf(nodes: string | readonly string[]): readonly string[] {
  return typeof nodes === 'string' ? [nodes] : nodes;
}

/**
 * Each pattern compiled once: a view of 100 nodes asks thousands of times, and patterns come
 * only from the fleet file (a handful).
 */
const compiled = new Map<string, RegExp>();

function patternRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Whether a profile id matches a fleet-file pattern (`anthropic:*`, or an exact id). */
export function profileMatches(pattern: string, profileId: string): boolean {
  return patternRegex(pattern).test(profileId);
}

/** Literal characters of a pattern; an exact id beats any wildcard. Between equal scores the first pattern in the fleet file wins. */
function specificity(pattern: string): number {
  return pattern.includes('*') ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
}

/** The owner and its stand-ins for a profile, in order; empty when no pattern covers it. */
export function ownersOf(profileId: string, owners: Owners): readonly string[] {
  let best: { nodes: readonly string[]; score: number } | null = null;
  for (const [pattern, nodes] of Object.entries(owners)) {
    if (!profileMatches(pattern, profileId)) continue;
    const score = specificity(pattern);
    if (!best || score > best.score) best = { nodes: listOf(nodes), score };
  }
  return best?.nodes ?? [];
}

/** The owner node of a profile (the first of its list), or null when no pattern covers it (nobody refreshes it). */
export function ownerOf(profileId: string, owners: Owners): string | null {
  return ownersOf(profileId, owners)[0] ?? null;
}

/** Every node named first in some owners list. */
export function primaryOwners(owners: Owners): string[] {
  return [...new Set(Object.values(owners).flatMap((nodes) => listOf(nodes).slice(0, 1)))];
}

/** Every node named anywhere in the owners lists (owners and stand-ins). */
export function ownerNodes(owners: Owners): string[] {
  return [...new Set(Object.values(owners).flatMap(listOf))];
}
