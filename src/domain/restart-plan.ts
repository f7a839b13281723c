import type { BlastRadius, ProfileStatus } from '../protocol/agent-api.js';
import { blastRadius } from './blast-radius.js';
import { ownerOf, type Owners } from './ownership.js';
import { preflightVerdicts } from './preflight.js';

/*
 * The plan shown before a restart, decided from plain status data: will every OAuth profile
 * the gateway loads stay valid for the margin after the restart, and if not, what fixes it
 * first (a sync from a node holding a valid copy, the owner's first; or a refresh on the
 * owner); how hard the agents will reconnect against maxConcurrent; what runs, in order.
 * With no valid source anywhere it is a no-go, and only an explicit force overrides it.
 */

export type Fix = { kind: 'sync'; from: string } | { kind: 'refresh'; owner: string; thenSyncFrom: string | null };

export interface TokenCheck {
  profileId: string;
  agents: string[];
  expiresAt: string | null;
  staysValid: boolean;
  fix: Fix | null;
  /** Why nothing can fix it, when staysValid is false and fix is null. */
  blocker?: string;
}

export type Verdict = 'go' | 'go_after_fixes' | 'no_go' | 'forced';

export interface RestartPlan {
  node: string;
  verdict: Verdict;
  marginMs: number;
  checks: TokenCheck[];
  blastRadius: BlastRadius;
  capacityChange: { from: number; to: number } | null;
  /** What will run, in order, in words. */
  steps: string[];
  /** For a forced plan: what is being risked. */
  risks: string[];
  /** Stores the node could not read: a restart would load whatever they hold. */
  unreadableStores: string[];
}

export interface NodeProfiles {
  node: string;
  profiles: readonly ProfileStatus[];
}

export interface RestartPlanInput {
  node: string;
  profiles: readonly ProfileStatus[];
  unreadableStores: readonly string[];
  capacity: { agentCount: number; maxConcurrent: number };
  /** The other nodes that answered. */
  others: readonly NodeProfiles[];
  owners: Owners;
  nowMs: number;
  marginMs: number;
  force: boolean;
  raiseCapacity: boolean;
  restartCommand: string;
}

function validCopies(others: readonly NodeProfiles[], profileId: string, nowMs: number, marginMs: number) {
  return others
    .flatMap(({ node, profiles }) => profiles.filter((profile) => profile.profileId === profileId && profile.health !== 'invalid' && profile.expiresAt && Date.parse(profile.expiresAt) - nowMs >= marginMs).map((profile) => ({ node, profile })))
    .sort((a, b) => Date.parse(b.profile.expiresAt!) - Date.parse(a.profile.expiresAt!));
}

function chooseFix(input: RestartPlanInput, profileId: string): { fix: Fix | null; blocker?: string } {
  const owner = ownerOf(profileId, input.owners);
  const valid = validCopies(input.others, profileId, input.nowMs, input.marginMs);
  const fromOwner = valid.find((copy) => copy.node === owner);
  const source = fromOwner ?? valid[0];
  if (source) return { fix: { kind: 'sync', from: source.node } };
  // No valid copy anywhere: only a refresh on the owner can make one.
  if (owner === input.node) {
    const here = input.profiles.find((profile) => profile.profileId === profileId && profile.hasRefreshToken && !profile.refreshError);
    if (here) return { fix: { kind: 'refresh', owner, thenSyncFrom: null } };
    return { fix: null, blocker: `no valid copy on any node, and ${input.node} (its owner) has no usable refresh token: it needs a new login` };
  }
  if (owner) {
    const ownerNode = input.others.find((other) => other.node === owner);
    if (!ownerNode) return { fix: null, blocker: `no valid copy on any node, and its owner ${owner} did not answer` };
    const canRefresh = ownerNode.profiles.some((profile) => profile.profileId === profileId && profile.hasRefreshToken && !profile.refreshError);
    if (canRefresh) return { fix: { kind: 'refresh', owner, thenSyncFrom: owner } };
    return { fix: null, blocker: `no valid copy on any node, and its owner ${owner} cannot refresh it (no usable refresh token): a new login on ${owner} is needed` };
  }
  return { fix: null, blocker: 'no valid copy on any node, and no owner to refresh it (owners in the fleet file)' };
}

/** The fixes of a plan grouped as they run: refreshes per owner, then syncs per source. */
export function groupFixes(checks: readonly TokenCheck[]): { refreshes: Map<string, string[]>; syncs: Map<string, string[]> } {
  const refreshes = new Map<string, string[]>();
  const syncs = new Map<string, string[]>();
  for (const check of checks) {
    if (check.fix?.kind === 'refresh') refreshes.set(check.fix.owner, [...(refreshes.get(check.fix.owner) ?? []), check.profileId]);
    const from = check.fix?.kind === 'sync' ? check.fix.from : check.fix?.kind === 'refresh' ? check.fix.thenSyncFrom : null;
    if (from) syncs.set(from, [...(syncs.get(from) ?? []), check.profileId]);
  }
  return { refreshes, syncs };
}

export function planRestart(input: RestartPlanInput): RestartPlan {
  const verdicts = preflightVerdicts(input.profiles, input.nowMs, input.marginMs);
  const byProfile = new Map<string, TokenCheck>();
  for (const verdict of verdicts) {
    const existing = byProfile.get(verdict.profileId);
    if (existing) {
      existing.agents.push(verdict.agentId);
      if (!verdict.staysValid) existing.staysValid = false;
      continue;
    }
    byProfile.set(verdict.profileId, { profileId: verdict.profileId, agents: [verdict.agentId], expiresAt: verdict.expiresAt, staysValid: verdict.staysValid, fix: null });
  }
  const checks = [...byProfile.values()];
  for (const check of checks.filter((candidate) => !candidate.staysValid)) {
    const { fix, blocker } = chooseFix(input, check.profileId);
    check.fix = fix;
    if (blocker) check.blocker = blocker;
  }

  const radius = blastRadius(input.capacity.agentCount, input.capacity.maxConcurrent);
  const capacityChange = input.raiseCapacity && radius.suggestedMaxConcurrent ? { from: radius.maxConcurrent, to: radius.suggestedMaxConcurrent } : null;
  const blocked = checks.filter((check) => !check.staysValid && !check.fix);
  const noGo = blocked.length > 0 || input.unreadableStores.length > 0;
  const verdict: Verdict = noGo ? (input.force ? 'forced' : 'no_go') : checks.some((check) => check.fix) ? 'go_after_fixes' : 'go';

  const steps: string[] = [];
  const { refreshes, syncs } = groupFixes(checks);
  for (const [owner, ids] of refreshes) steps.push(`refresh ${ids.join(', ')} on ${owner} (the owner)`);
  for (const [from, ids] of syncs) steps.push(`sync ${ids.join(', ')} from ${from} to ${input.node}`);
  if (capacityChange) steps.push(`raise maxConcurrent on ${input.node} from ${capacityChange.from} to ${capacityChange.to}`);
  steps.push(`restart the gateway on ${input.node} (${input.restartCommand})`);
  steps.push('wait for /readyz, then re-read token health');

  const risks = verdict === 'forced'
    ? [
        ...blocked.map((check) => `${check.profileId} will load ${check.expiresAt && Date.parse(check.expiresAt) <= input.nowMs ? 'expired' : 'about to expire'}: ${check.blocker}`),
        ...input.unreadableStores.map((store) => `store ${store} is unreadable`),
        'agents using these profiles will fail after the restart',
      ]
    : [];
  return { node: input.node, verdict, marginMs: input.marginMs, checks, blastRadius: radius, capacityChange, steps, risks, unreadableStores: [...input.unreadableStores] };
}
