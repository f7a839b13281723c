import type { ProfileStatus, StatusResponse } from '../protocol/agent-api.js';
import type { NodeResult } from '../protocol/node-result.js';
import { ownerOf, type Owners } from './ownership.js';
import { classifyExpiry, type Health } from './token-health.js';

/*
 * The fleet as a person in the ops channel should see it: a node per line, its profiles
 * under it with the fleet's own thresholds applied, copies of one token grouped, and
 * anything that diverges from the owner flagged. Pure: status answers in, plain data out.
 */

export type CellHealth = Health | 'missing';
export type Severity = CellHealth | 'unreachable';

const SEVERITY_ORDER: Severity[] = ['ok', 'missing', 'expiring', 'expired', 'invalid', 'unreachable'];

export function severityRank(value: Severity): number {
  return SEVERITY_ORDER.indexOf(value);
}

export function worstOf(values: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const value of values) if (severityRank(value) > severityRank(worst)) worst = value;
  return worst;
}

/** Worst first: a node whose gateway is not ready ranks just above its token health. */
export function nodeUrgency(node: Pick<NodeView, 'worst' | 'reachable' | 'gateway'>): number {
  return severityRank(node.worst) + (node.reachable && !node.gateway?.ready ? 0.5 : 0);
}

export interface ProfileCell {
  profileId: string;
  type: string | null;
  health: CellHealth;
  expiresAt: string | null;
  /** The agent stores on the node that hold it. */
  agents: string[];
  fingerprint: string | null;
  /** A letter per distinct token of this profile across the fleet (shown when 2+ nodes hold it). */
  tokenTag: string | null;
  owner: string | null;
  isOwner: boolean;
  /** An owned account whose token here is not the owner's: someone refreshed outside the owner. */
  divergesFromOwner: boolean;
  /** Agent stores on this node hold different tokens for it. */
  agentsDisagree: boolean;
  reason?: string;
  /** The node's last refresh of it failed for good (needs a new login). */
  refreshError?: string;
  /** Renewal's plan for this account, as it bears on this copy (absent: nothing renews it). */
  renewal?: CellRenewal;
  /** Each agent store's copy, when they need telling apart (a rotation conflict in one store). */
  copies: Array<{ agentId: string; fingerprint: string | null; expiresAt: string | null; hasRefreshToken: boolean }>;
}

export interface CellRenewal {
  /** When it renews next; null when nothing will. */
  atMs: number | null;
  /** Who renews it (the owner, or a stand-in). */
  node: string | null;
  standIn: boolean;
  state: 'scheduled' | 'retrying' | 'failed' | 'waiting' | 'off';
  /** Renewal replaces this copy before it expires: nobody needs telling. */
  covers: boolean;
  /** This node's copy is the account's current token. */
  current: boolean;
  /** When the account's current token expires; null when renewal knows of none. */
  currentExpiresAtMs: number | null;
  /** The nodes that may renew it: the owner and its stand-ins. */
  renewers: readonly string[];
  /** Tokens renewal replaced: a copy of one is renewal's to replace, not someone refreshing outside. */
  superseded: readonly string[];
  /** The last renewal's error, while it fails. */
  lastError: string | null;
  reason?: string;
}

export interface NodeView {
  name: string;
  reachable: boolean;
  error?: { kind: string; message: string };
  gateway?: { reachable: boolean; ready: boolean };
  capacity?: { agentCount: number; maxConcurrent: number };
  unreadableStores: Array<{ agentId: string; reason: string }>;
  profiles: ProfileCell[];
  worst: Severity;
}

export interface FleetView {
  checkedAt: string;
  nodes: NodeView[];
  worst: Severity;
  counts: Record<Severity, number>;
}

export interface ViewOptions {
  owners: Owners;
  warnBeforeMs: number;
  nowMs: number;
}

const SYNCABLE = new Set(['oauth', 'token']);

/** A profile's health now, under the fleet's threshold (the agent's said so at its own check, with its own). */
export function cellHealth(profile: ProfileStatus, options: Pick<ViewOptions, 'warnBeforeMs' | 'nowMs'>): Health {
  if (profile.health === 'invalid') return 'invalid';
  return classifyExpiry(profile.expiresAt ? Date.parse(profile.expiresAt) : null, options.nowMs, options.warnBeforeMs);
}

/** One cell per profile id on a node, its agent stores folded together (worst copy shown). */
function foldAgents(profiles: readonly ProfileStatus[], options: ViewOptions): Map<string, Omit<ProfileCell, 'tokenTag' | 'owner' | 'isOwner' | 'divergesFromOwner'>> {
  const cells = new Map<string, Omit<ProfileCell, 'tokenTag' | 'owner' | 'isOwner' | 'divergesFromOwner'>>();
  for (const profile of profiles) {
    const health = cellHealth(profile, options);
    const existing = cells.get(profile.profileId);
    if (!existing) {
      cells.set(profile.profileId, {
        profileId: profile.profileId,
        type: profile.type,
        health,
        expiresAt: profile.expiresAt,
        agents: [profile.agentId],
        fingerprint: profile.fingerprint,
        agentsDisagree: false,
        ...(profile.reason ? { reason: profile.reason } : {}),
        ...(profile.refreshError ? { refreshError: profile.refreshError } : {}),
        copies: [{ agentId: profile.agentId, fingerprint: profile.fingerprint, expiresAt: profile.expiresAt, hasRefreshToken: profile.hasRefreshToken }],
      });
      continue;
    }
    existing.copies.push({ agentId: profile.agentId, fingerprint: profile.fingerprint, expiresAt: profile.expiresAt, hasRefreshToken: profile.hasRefreshToken });
    if (profile.refreshError) existing.refreshError = profile.refreshError;
    existing.agents.push(profile.agentId);
    if (existing.fingerprint !== profile.fingerprint) existing.agentsDisagree = true;
    // The worst copy's type, unless it says none (an unreadable copy may not): then the type the others say (alerts and actions go by it).
    existing.type ??= profile.type;
    if (severityRank(health) > severityRank(existing.health)) {
      Object.assign(existing, { health, expiresAt: profile.expiresAt, fingerprint: profile.fingerprint, type: profile.type ?? existing.type });
      if (profile.reason) existing.reason = profile.reason;
    }
  }
  return cells;
}

export function buildFleetView(checkedAt: string, results: readonly NodeResult<StatusResponse>[], options: ViewOptions): FleetView {
  const folded = new Map(results.map((result) => [result.node, result.ok ? foldAgents(result.value.profiles, options) : null]));

  // Every profile id a reachable node holds, with each node's token for it.
  const holders = new Map<string, Map<string, string | null>>();
  const types = new Map<string, string | null>();
  for (const [node, cells] of folded) {
    for (const cell of cells?.values() ?? []) {
      if (!holders.has(cell.profileId)) holders.set(cell.profileId, new Map());
      holders.get(cell.profileId)!.set(node, cell.fingerprint);
      types.set(cell.profileId, cell.type);
    }
  }
  // Token letters: the owner's token is A, then the others in order of first appearance.
  const tags = new Map<string, Map<string, string>>();
  for (const [profileId, byNode] of holders) {
    const owner = ownerOf(profileId, options.owners);
    const ordered = [...(owner && byNode.has(owner) ? [byNode.get(owner)] : []), ...byNode.values()].filter((fp): fp is string => fp !== null && fp !== undefined);
    const letters = new Map<string, string>();
    for (const fp of ordered) if (!letters.has(fp)) letters.set(fp, String.fromCharCode(65 + Math.min(letters.size, 25)));
    tags.set(profileId, letters);
  }

  const nodes: NodeView[] = results.map((result) => {
    if (!result.ok) {
      return { name: result.node, reachable: false, error: { kind: result.error.kind, message: result.error.message }, unreadableStores: [], profiles: [], worst: 'unreachable' };
    }
    const status = result.value;
    const cells = folded.get(result.node)!;
    const profiles: ProfileCell[] = [...cells.values()].map((cell) => {
      const owner = ownerOf(cell.profileId, options.owners);
      const ownerFingerprint = owner ? holders.get(cell.profileId)?.get(owner) : undefined;
      const sharedBy = holders.get(cell.profileId)?.size ?? 0;
      return {
        ...cell,
        tokenTag: sharedBy > 1 && cell.fingerprint ? (tags.get(cell.profileId)?.get(cell.fingerprint) ?? null) : null,
        owner,
        isOwner: owner === result.node,
        divergesFromOwner: Boolean(owner && owner !== result.node && ownerFingerprint && cell.fingerprint && cell.fingerprint !== ownerFingerprint),
      };
    });
    // A token the rest of the fleet holds and this node lacks.
    for (const [profileId, byNode] of holders) {
      if (byNode.has(result.node) || !SYNCABLE.has(types.get(profileId) ?? '')) continue;
      const owner = ownerOf(profileId, options.owners);
      profiles.push({ profileId, type: types.get(profileId) ?? null, health: 'missing', expiresAt: null, agents: [], fingerprint: null, tokenTag: null, owner, isOwner: false, divergesFromOwner: false, agentsDisagree: false, copies: [] });
    }
    profiles.sort((a, b) => severityRank(b.health) - severityRank(a.health) || a.profileId.localeCompare(b.profileId));
    const unreadableStores = (status.store.stores ?? []).filter((store) => !store.readable).map((store) => ({ agentId: store.agentId, reason: store.reason ?? 'unreadable' }));
    // The contract's status has only `store.readable`; an agent with no store at all says false too.
    if (!status.store.readable && unreadableStores.length === 0) unreadableStores.push({ agentId: '*', reason: status.store.stores?.length === 0 ? 'no credential store found' : 'unreadable' });
    const worst = nodeWorst(profiles, unreadableStores);
    return {
      name: result.node,
      reachable: true,
      gateway: { reachable: status.gateway.reachable, ready: status.gateway.ready },
      capacity: { agentCount: status.capacity.agentCount, maxConcurrent: status.capacity.maxConcurrent },
      unreadableStores,
      profiles,
      worst,
    };
  });

  return summarize(checkedAt, nodes);
}

/** A reachable node's worst: its profiles' health, and an unreadable store counts as invalid. */
function nodeWorst(profiles: readonly ProfileCell[], unreadableStores: readonly unknown[]): Severity {
  return worstOf([...profiles.map((profile) => profile.health), ...(unreadableStores.length > 0 ? (['invalid'] as const) : [])]);
}

function summarize(checkedAt: string, nodes: NodeView[]): FleetView {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const node of nodes) {
    if (!node.reachable) counts.unreachable++;
    for (const profile of node.profiles) counts[profile.health]++;
  }
  return { checkedAt, nodes, worst: worstOf(nodes.map((node) => node.worst)), counts };
}

/** The view with its nodes' profiles replaced (their worst and the totals recounted). */
export function withProfiles(view: FleetView, profilesOf: (node: NodeView) => ProfileCell[]): FleetView {
  return summarize(
    view.checkedAt,
    view.nodes.map((node) => {
      if (!node.reachable) return node;
      const profiles = profilesOf(node);
      return { ...node, profiles, worst: nodeWorst(profiles, node.unreadableStores) };
    }),
  );
}

/**
 * The view narrowed to some nodes, its totals recounted. The cells keep what the whole
 * fleet told about them (token letters, divergence from the owner).
 */
export function selectNodes(view: FleetView, names: readonly string[]): FleetView {
  return summarize(view.checkedAt, view.nodes.filter((node) => names.includes(node.name)));
}

/**
 * The view with only some profiles kept on each reachable node, each node's worst and the
 * totals recounted (e.g. an owner's copies of just the accounts a picture is about).
 */
export function selectProfiles(view: FleetView, keep: (node: NodeView, cell: ProfileCell) => boolean): FleetView {
  return withProfiles(view, (node) => node.profiles.filter((cell) => keep(node, cell)));
}
