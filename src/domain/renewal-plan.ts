import { z } from 'zod';
import type { RenewBefore } from '../config/renew-before.js';
import type { FleetView, ProfileCell } from './fleet-view.js';
import { ownersOf, type Owners } from './ownership.js';
import { lifetimeOf, renewalDueAt } from './renewal-schedule.js';

/*
 * Renewal as pure rules: from the fleet view, what is remembered of each account and the
 * clock, decide who renews each owned OAuth account, when, and what must happen first.
 * The leader's renewal job carries the steps out; the alert rules read the same schedules
 * to tell a copy that renewal will save from one a person must save; `tokens status` shows
 * them. Nothing here does I/O.
 *
 * The one rule everything serves: a single-use refresh token is only ever sent by the node
 * holding the account's current token, and by one node at a time. So a stand-in renews only
 * when every owner before it in the list has been unreachable for `ownerDownFor`, and only
 * if it holds the token the bot last saw current (not an older copy, whose refresh token the
 * owner may have spent already). An owner coming back is synced before it renews again.
 */

export const accountRenewalSchema = z.object({
  profileId: z.string(),
  /** The lifetime of the last token renewed here (the provider's `expires_in`); null until then. */
  lifetimeMs: z.number().positive().nullable().default(null),
  /** The account's current token, as last seen: renewal never acts on an older copy. */
  current: z.object({ fingerprint: z.string(), expiresAtMs: z.number(), node: z.string() }).nullable().default(null),
  /** The node that renewed last (the owner, or a stand-in while the owner was down). */
  renewer: z.string().nullable().default(null),
  lastRenewedAtMs: z.number().nullable().default(null),
  /** Transient failures in a row, when to try again, and the last one's error code. */
  failures: z.number().int().nonnegative().default(0),
  retryAtMs: z.number().nullable().default(null),
  lastError: z.string().nullable().default(null),
  /** A failure for good (`invalid_grant`…) of the token with this fingerprint: only a new login helps. */
  terminal: z.object({ fingerprint: z.string(), error: z.string(), atMs: z.number(), node: z.string() }).nullable().default(null),
  /**
   * A renewal sent and not known to have ended (the bot that sent it may have died): until it
   * is old enough to have ended anyway, no other node renews this account.
   */
  inflight: z.object({ node: z.string(), sinceMs: z.number() }).nullable().default(null),
});
export type AccountRenewal = z.infer<typeof accountRenewalSchema>;

export function emptyAccountRenewal(profileId: string): AccountRenewal {
  return accountRenewalSchema.parse({ profileId });
}

export interface RenewalSettings {
  auto: boolean;
  before: RenewBefore;
  ownerDownForMs: number;
  /** Configured lifetimes per provider, over the built-in defaults. */
  lifetimes: Readonly<Record<string, number>>;
  owners: Owners;
}

/** A node's copy of an account, as renewal sees it: its freshest agent store's. */
export interface NodeCopy {
  node: string;
  fingerprint: string;
  expiresAtMs: number;
  hasRefreshToken: boolean;
}

export type RenewalStep =
  /** Renew on `node`, only if its store still holds `fingerprint` expiring before `ifExpiresBeforeMs` (checked under its lock). */
  | { kind: 'renew'; profileId: string; node: string; standIn: boolean; fingerprint: string; ifExpiresBeforeMs: number; provider: string | null }
  /** The node that should renew lacks the current token (an owner back from being down): sync it first. */
  | { kind: 'sync_first'; profileId: string; from: string; to: string };

export type ScheduleState =
  /** Renews at `dueAtMs` on `renewer`. */
  | 'scheduled'
  /** Failed for now; tries again at `dueAtMs`. */
  | 'retrying'
  /** Failed for good: a person must log in again on `renewer`. */
  | 'failed'
  /** Nobody can renew now (owner down, no stand-in holding the current token). */
  | 'waiting'
  /** `renew.auto` is off. */
  | 'off';

export interface AccountSchedule {
  profileId: string;
  provider: string | null;
  owners: readonly string[];
  /** Who renews it next; null when nobody can. */
  renewer: string | null;
  standIn: boolean;
  /** When it renews next (a retry's time while retrying; a stand-in's takeover while waiting for it); null: nothing will. */
  dueAtMs: number | null;
  state: ScheduleState;
  /** Why it waits or failed, in words for a person. */
  reason?: string;
  current: AccountRenewal['current'];
  failures: number;
  lastError: string | null;
}

export interface RenewalPlan {
  schedules: AccountSchedule[];
  /** What to do now. */
  steps: RenewalStep[];
  /** The accounts' memory with what this view showed (the current token, seen newer anywhere). */
  accounts: AccountRenewal[];
  /** The earliest time something is due after now; null when nothing is. */
  nextDueMs: number | null;
}

/** Transient failures in a row after which a copy counts as at risk (alerts), not as taken care of. */
export const FAILURES_BEFORE_ALERT = 3;
/** Longer than a renewal call can take (its lock wait, three grant attempts, the write). */
export const INFLIGHT_MAX_MS = 3 * 60_000;

/** Each reachable node's freshest OAuth copy of a profile. */
function nodeCopies(view: FleetView, profileId: string): NodeCopy[] {
  const copies: NodeCopy[] = [];
  for (const node of view.nodes) {
    const cell = node.reachable ? node.profiles.find((candidate) => candidate.profileId === profileId) : undefined;
    if (!cell || cell.type !== 'oauth') continue;
    let best: NodeCopy | undefined;
    for (const copy of cell.copies) {
      if (!copy.fingerprint || !copy.expiresAt) continue;
      const expiresAtMs = Date.parse(copy.expiresAt);
      if (!best || expiresAtMs > best.expiresAtMs) best = { node: node.name, fingerprint: copy.fingerprint, expiresAtMs, hasRefreshToken: copy.hasRefreshToken };
    }
    if (best) copies.push(best);
  }
  return copies;
}

/** The owned OAuth accounts renewal looks after: held somewhere with a refresh token, with an owner. */
export function renewableAccounts(view: FleetView, owners: Owners): Array<{ profileId: string; provider: string | null }> {
  const seen = new Map<string, string | null>();
  for (const node of view.nodes) {
    for (const cell of node.profiles) {
      if (seen.has(cell.profileId) || cell.type !== 'oauth' || ownersOf(cell.profileId, owners).length === 0) continue;
      if (cell.copies.some((copy) => copy.hasRefreshToken)) seen.set(cell.profileId, providerOf(cell));
    }
  }
  return [...seen].map(([profileId, provider]) => ({ profileId, provider })).sort((a, b) => a.profileId.localeCompare(b.profileId));
}

function providerOf(cell: ProfileCell): string | null {
  const colon = cell.profileId.indexOf(':');
  return colon > 0 ? cell.profileId.slice(0, colon) : null;
}

/**
 * The token renewal acts on: what was remembered, unless a newer one shows anywhere (renewed
 * by us, by a gateway, or a new login). While the node holding it is down, the memory stands:
 * the freshest copy still reachable may be one whose refresh token was spent already.
 */
export function currentToken(remembered: AccountRenewal['current'], copies: readonly NodeCopy[]): AccountRenewal['current'] {
  const asCurrent = (copy: NodeCopy) => ({ fingerprint: copy.fingerprint, expiresAtMs: copy.expiresAtMs, node: copy.node });
  let current = remembered;
  // The node it was seen on holds another token now, and not a newer one (a new login, a
  // forced sync): that is the account's token there now.
  const there = current ? copies.find((copy) => copy.node === current!.node) : undefined;
  if (there && there.fingerprint !== current!.fingerprint) current = asCurrent(there);
  for (const copy of copies) if (!current || copy.expiresAtMs > current.expiresAtMs) current = asCurrent(copy);
  return current;
}

type RenewerChoice =
  | { kind: 'renew'; node: string; standIn: boolean }
  | { kind: 'sync_first'; node: string; from: string }
  | { kind: 'wait'; reason: string; takeoverAtMs: number | null; standIn: string | null };

/**
 * Who renews, walking the owners list in order: a reachable node holding the current token
 * renews; the first owner, reachable without it (back from being down), is synced first; an
 * owner down for less than `ownerDownFor` is waited for; one down for longer is passed over.
 */
export function chooseRenewer(
  owners: readonly string[],
  copies: readonly NodeCopy[],
  reachable: ReadonlySet<string>,
  downSinceMs: Readonly<Record<string, number>>,
  current: NonNullable<AccountRenewal['current']>,
  ownerDownForMs: number,
  nowMs: number,
): RenewerChoice {
  const holding = (node: string) => copies.some((copy) => copy.node === node && copy.fingerprint === current.fingerprint && copy.hasRefreshToken);
  const holder = () => (reachable.has(current.node) && holding(current.node) ? current.node : copies.find((copy) => holding(copy.node))?.node);
  let waitingFor: { node: string; untilMs: number } | null = null;
  for (const [index, node] of owners.entries()) {
    if (reachable.has(node)) {
      if (holding(node)) {
        if (waitingFor) return { kind: 'wait', reason: `${waitingFor.node} is unreachable; ${node} renews instead from <t:${Math.floor(waitingFor.untilMs / 1000)}:R> (renew.ownerDownFor)`, takeoverAtMs: waitingFor.untilMs, standIn: node };
        return { kind: 'renew', node, standIn: index > 0 };
      }
      const from = holder();
      if (index === 0 && from && copies.some((copy) => copy.node === node)) return { kind: 'sync_first', node, from };
      continue;
    }
    const since = downSinceMs[node] ?? nowMs;
    if (nowMs - since < ownerDownForMs) waitingFor ??= { node, untilMs: since + ownerDownForMs };
  }
  if (waitingFor) return { kind: 'wait', reason: `${waitingFor.node} is unreachable, and no stand-in in its owners list holds the current token`, takeoverAtMs: null, standIn: null };
  return { kind: 'wait', reason: owners.length > 1 ? `none of ${owners.join(', ')} is reachable holding the current token` : `the owner ${owners[0]} is unreachable or does not hold the current token`, takeoverAtMs: null, standIn: null };
}

/** Renewal's decisions for the whole fleet at one moment. */
export function planRenewals(view: FleetView, remembered: ReadonlyMap<string, AccountRenewal>, downSinceMs: Readonly<Record<string, number>>, settings: RenewalSettings, nowMs: number): RenewalPlan {
  const reachable = new Set(view.nodes.filter((node) => node.reachable).map((node) => node.name));
  const schedules: AccountSchedule[] = [];
  const steps: RenewalStep[] = [];
  const accounts: AccountRenewal[] = [];
  let nextDueMs: number | null = null;
  const due = (atMs: number | null) => {
    if (atMs !== null && atMs > nowMs && (nextDueMs === null || atMs < nextDueMs)) nextDueMs = atMs;
  };

  for (const { profileId, provider } of renewableAccounts(view, settings.owners)) {
    const owners = ownersOf(profileId, settings.owners);
    const memory = remembered.get(profileId) ?? emptyAccountRenewal(profileId);
    const copies = nodeCopies(view, profileId);
    // Only the owners list renews, so only its nodes can hold a newer token legitimately: a
    // follower's newer one is a rotation conflict for a person, never adopted.
    const current = currentToken(memory.current, copies.filter((copy) => owners.includes(copy.node)));
    // Another token than the one that failed: its own record starts clean.
    const renewed = current !== null && memory.current !== null && current.fingerprint !== memory.current.fingerprint;
    const account: AccountRenewal = { ...memory, current, ...(renewed ? { failures: 0, retryAtMs: null, lastError: null } : {}) };
    accounts.push(account);
    const base = { profileId, provider, owners, current, failures: account.failures, lastError: account.lastError };
    if (!settings.auto) {
      schedules.push({ ...base, renewer: null, standIn: false, dueAtMs: null, state: 'off', reason: 'renew.auto is off: the gateways refresh on their own' });
      continue;
    }
    if (!current) continue;
    if (account.terminal && account.terminal.fingerprint === current.fingerprint) {
      schedules.push({ ...base, lastError: account.terminal.error, renewer: account.terminal.node, standIn: account.terminal.node !== owners[0], dueAtMs: null, state: 'failed', reason: `renewal on ${account.terminal.node} failed for good (${account.terminal.error})` });
      continue;
    }
    const lifetimeMs = lifetimeOf(provider, account.lifetimeMs, settings.lifetimes);
    const scheduledMs = renewalDueAt(current.expiresAtMs, lifetimeMs, settings.before, profileId);
    const retrying = account.failures > 0 && account.retryAtMs !== null;
    const dueAtMs = retrying ? account.retryAtMs! : scheduledMs;
    const choice = chooseRenewer(owners, copies, reachable, downSinceMs, current, settings.ownerDownForMs, nowMs);
    if (choice.kind === 'wait') {
      schedules.push({ ...base, renewer: choice.standIn, standIn: choice.standIn !== null, dueAtMs: choice.takeoverAtMs === null ? null : Math.max(choice.takeoverAtMs, dueAtMs), state: 'waiting', reason: choice.reason });
      due(choice.takeoverAtMs);
      continue;
    }
    if (choice.kind === 'sync_first') {
      steps.push({ kind: 'sync_first', profileId, from: choice.from, to: choice.node });
      schedules.push({ ...base, renewer: choice.node, standIn: false, dueAtMs, state: retrying ? 'retrying' : 'scheduled', reason: `${choice.node} is back: it receives the current token from ${choice.from}, then renews again` });
      continue;
    }
    const inflight = account.inflight && nowMs - account.inflight.sinceMs < INFLIGHT_MAX_MS ? account.inflight : null;
    if (inflight && inflight.node !== choice.node) {
      schedules.push({ ...base, renewer: inflight.node, standIn: inflight.node !== owners[0], dueAtMs: inflight.sinceMs + INFLIGHT_MAX_MS, state: 'waiting', reason: `a renewal sent to ${inflight.node} may still be running` });
      due(inflight.sinceMs + INFLIGHT_MAX_MS);
      continue;
    }
    schedules.push({ ...base, renewer: choice.node, standIn: choice.standIn, dueAtMs, state: retrying ? 'retrying' : 'scheduled', ...(choice.standIn ? { reason: `stand-in for ${owners[0]}, unreachable` } : {}) });
    if (nowMs >= dueAtMs) {
      // Under the node's lock the agent renews only if the token there is still this one and
      // still due: a gateway (or another bot) that renewed a moment ago is not repeated.
      steps.push({ kind: 'renew', profileId, node: choice.node, standIn: choice.standIn, fingerprint: current.fingerprint, ifExpiresBeforeMs: Math.max(current.expiresAtMs, nowMs) + 1, provider });
    } else {
      due(dueAtMs);
    }
  }
  return { schedules, steps, accounts, nextDueMs };
}

/**
 * Whether renewal will replace this copy before it expires, so that nobody needs telling:
 * its account renews in time (or a stand-in takes over in time), not failing for good or
 * repeatedly, and the copy is the current token or one a sync will replace with it.
 */
export function renewalCovers(schedule: AccountSchedule | undefined, copyExpiresAtMs: number, options: { syncReaches: boolean; isCurrent: boolean; nowMs: number }): boolean {
  if (!schedule || schedule.dueAtMs === null) return false;
  if (schedule.state === 'off' || schedule.state === 'failed') return false;
  if (schedule.failures >= FAILURES_BEFORE_ALERT) return false;
  if (copyExpiresAtMs <= options.nowMs) return false;
  if (!options.isCurrent) return options.syncReaches && (schedule.current?.expiresAtMs ?? 0) > copyExpiresAtMs;
  return schedule.dueAtMs < copyExpiresAtMs;
}

/** Since when each node has been unreachable: kept while it stays down, dropped when it answers. */
export function nextDownSince(previous: Readonly<Record<string, number>>, view: FleetView, nowMs: number): Record<string, number> {
  const next: Record<string, number> = {};
  for (const node of view.nodes) if (!node.reachable) next[node.name] = previous[node.name] ?? nowMs;
  return next;
}
