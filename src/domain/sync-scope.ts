import type { ExportedCredential } from '../protocol/agent-api.js';
import { ownersOf, profileMatches, type Owners } from './ownership.js';
import { credentialFingerprint } from './sync-plan.js';

/*
 * Least privilege between nodes (issue 16): one compromised node must harm only itself. A
 * bundle a source sends is cut, once opened here, to what was asked for and what that
 * source may give; each target is then sent only what it may hold. Nothing a node says
 * about itself widens either: the fleet file and the request decide. Pure: names and
 * patterns in, decisions out.
 */

/**
 * Who vouches for the source. `owner`: nobody did, the bot chose it (automatic sync, after a
 * refresh, renewal, auto-fix): it may give only accounts it is in the owners list of.
 * `named`: a person named it as the source (`/tokens sync from:…`, a confirmed restart's
 * plan): it may give the profiles they named; without a list, what it owns and what nobody
 * owns (taking someone else's account from it needs that profile named).
 */
export type SourceAuthority = 'owner' | 'named';

export interface SourceCut {
  kept: ExportedCredential[];
  dropped: Array<{ profileId: string; reason: string }>;
}

export interface SourceRules {
  /** The profiles asked for; absent: any the source holds. */
  requested?: readonly string[];
  owners: Owners;
  authority: SourceAuthority;
  /**
   * Tokens known to be the account's current one (renewal's memory), by profile: a copy
   * must be exactly that token, and then any node holding it may pass it on (an owner back
   * from being down is synced from whoever holds it).
   */
  expected?: Readonly<Record<string, string>>;
}

/** Why `source` may not give this credential, or null when it may. */
export function sourceRefusal(source: string, credential: ExportedCredential, rules: SourceRules): string | null {
  const { profileId } = credential;
  if (rules.requested && !rules.requested.includes(profileId)) return `not asked for: ${source} sent it anyway, and it was dropped`;
  const expected = rules.expected?.[profileId];
  if (expected !== undefined) return credentialFingerprint(credential) === expected ? null : `not the account's current token: ${source} sent another one, and it was dropped`;
  const owners = ownersOf(profileId, rules.owners);
  if (rules.authority === 'owner' && !owners.includes(source)) {
    return `${source} is not in the owners list of ${profileId}: an automatic sync takes an account only from its owner or a stand-in`;
  }
  if (rules.authority === 'named' && !rules.requested && owners.length > 0 && !owners.includes(source)) {
    return `${source} does not own ${profileId} (${owners[0]} does): name the profile to take it from ${source}`;
  }
  return null;
}

/** The bundle's credentials a source may give: asked for, allowed by its authority, each profile once. */
export function cutToSource(source: string, credentials: readonly ExportedCredential[], rules: SourceRules): SourceCut {
  const kept: ExportedCredential[] = [];
  const dropped: SourceCut['dropped'] = [];
  const seen = new Set<string>();
  for (const credential of credentials) {
    const refusal = seen.has(credential.profileId) ? `${source} sent it twice; the first was kept` : sourceRefusal(source, credential, rules);
    seen.add(credential.profileId);
    if (refusal) dropped.push({ profileId: credential.profileId, reason: refusal });
    else kept.push(credential);
  }
  return { kept, dropped };
}

/**
 * Whether a target may be sent a profile: one it holds today (a sync never adds profiles, so
 * sending others would only hand them over), and, when the fleet file lists its `accounts`,
 * one they cover.
 */
export function targetMayHold(profileId: string, target: { accounts?: readonly string[] | undefined; holds: ReadonlySet<string> }): boolean {
  if (!target.holds.has(profileId)) return false;
  return !target.accounts || target.accounts.some((pattern) => profileMatches(pattern, profileId));
}
