import { z } from 'zod';
import type { RenewBefore } from '../config/renew-before.js';
import type { FleetView, ProfileCell } from './fleet-view.js';
import { ownersOf, type Owners } from './ownership.js';
import { providerOfProfile } from './profile.js';
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
 * owner may have spent already), and never while a renewal sent to another node was not seen
 * to end. An owner coming back is synced before it renews again.
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
   * A renewal sent and not known to have ended (the bot that sent it may have died): no other
   * node renews this account until it is old enough to have ended and its node has answered
   * since (only that node's copy tells whether the provider spent the refresh token).
   */
  inflight: z.object({ node: z.string(), sinceMs: z.number() }).nullable().default(null),
  /**
   * Tokens the current one replaced, newest first: their refresh tokens are spent (or a new
   * login replaced them). A copy of one is never taken for the current token, however late it
   * expires (a provider may issue shorter-lived tokens than the one renewed), and a node
   * holding one is given the current token, forced past the sync's newer-wins.
   */
  superseded: z.array(z.string()).default([]),
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
  | { kind: 'renew'; profileId: string; node: string; standIn: boolean; fingerprint: string; ifExpiresBeforeMs: number; provider: string }
  /** The node that should renew lacks the current token (an owner back from being down): sync it first. */
  | { kind: 'sync_first'; profileId: string; from: string; to: string }
  /** Nodes holding a superseded token and nothing unknown: given the current one, forced (theirs is spent, whatever its expiry). */
  | { kind: 'replace_superseded'; profileId: string; from: string; to: string[] };

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
  provider: string;
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
  /** Tokens the current one replaced: a copy of one is renewal's to replace, not a conflict. */
  superseded: readonly string[];
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
/** How many superseded tokens an account remembers: more than can be left on any node between two looks. */
const SUPERSEDED_KEPT = 8;

/**
 * The account's memory with `current` as its token: the one it replaces is superseded, and a
 * new token starts with a clean record of failures. The one rule for a renewal's result and
 * for a newer token seen on an owner.
 */
export function withCurrent(account: AccountRenewal, current: NonNullable<AccountRenewal['current']>): AccountRenewal {
  const previous = account.current;
  if (!previous || previous.fingerprint === current.fingerprint) return { ...account, current };
  const superseded = [previous.fingerprint, ...account.superseded.filter((fingerprint) => fingerprint !== previous.fingerprint && fingerprint !== current.fingerprint)].slice(0, SUPERSEDED_KEPT);
  // A renewal in flight was of the token now replaced: it landed, or can spend only a superseded one.
  return { ...account, current, superseded, failures: 0, retryAtMs: null, lastError: null, inflight: null };
}
/** Longer than a renewal call can take (its lock wait, three grant attempts, the write). */
export const INFLIGHT_MAX_MS = 3 * 60_000;

/**
 * Whether a renewal that failed this way may still have happened: the call reached the node
 * and no answer came back, so the provider may have taken the grant. Its renewal stays in
 * flight (inflightHold). Any answer, or no connection at all, is a known outcome.
 */
export function outcomeUnknown(error: string): boolean {
  return error === 'timeout';
}

/**
 * The renewal in flight that still holds the account: one that may still be running, and one
 * nobody saw end until its node answers again. The bot that sent it may have died with the
 * answer: if the provider took the grant, every other copy's refresh token is spent, and only
 * that node's copy tells (the new token, or the old one still there). Null: the hold is over.
 */
export function inflightHold(inflight: AccountRenewal['inflight'], reachable: ReadonlySet<string>, nowMs: number): AccountRenewal['inflight'] {
  if (!inflight) return null;
  return nowMs - inflight.sinceMs < INFLIGHT_MAX_MS || !reachable.has(inflight.node) ? inflight : null;
}

function oauthCell(node: FleetView['nodes'][number], profileId: string): ProfileCell | undefined {
  const cell = node.reachable ? node.profiles.find((candidate) => candidate.profileId === profileId) : undefined;
  return cell?.type === 'oauth' ? cell : undefined;
}

/** Each reachable node's freshest OAuth copy of a profile, superseded tokens left out. */
function nodeCopies(view: FleetView, profileId: string, superseded: readonly string[]): NodeCopy[] {
  const copies: NodeCopy[] = [];
  for (const node of view.nodes) {
    const cell = oauthCell(node, profileId);
    if (!cell) continue;
    let best: NodeCopy | undefined;
    for (const copy of cell.copies) {
      if (!copy.fingerprint || !copy.expiresAt || superseded.includes(copy.fingerprint)) continue;
      const expiresAtMs = Date.parse(copy.expiresAt);
      if (!best || expiresAtMs > best.expiresAtMs) best = { node: node.name, fingerprint: copy.fingerprint, expiresAtMs, hasRefreshToken: copy.hasRefreshToken };
    }
    if (best) copies.push(best);
  }
  return copies;
}

/** Reachable nodes holding a superseded copy and nothing but superseded copies and the current token. */
function nodesHoldingSuperseded(view: FleetView, profileId: string, current: string, superseded: readonly string[]): string[] {
  if (superseded.length === 0) return [];
  return view.nodes.flatMap((node) => {
    const copies = oauthCell(node, profileId)?.copies ?? [];
    const known = copies.every((copy) => copy.fingerprint === current || (copy.fingerprint !== null && superseded.includes(copy.fingerprint)));
    return known && copies.some((copy) => copy.fingerprint !== current) ? [node.name] : [];
  });
}

/** The owned OAuth accounts renewal looks after: held somewhere with a refresh token, with an owner. */
export function renewableAccounts(view: FleetView, owners: Owners): Array<{ profileId: string; provider: string }> {
  const seen = new Map<string, string>();
  for (const node of view.nodes) {
    for (const cell of node.profiles) {
      if (seen.has(cell.profileId) || cell.type !== 'oauth' || ownersOf(cell.profileId, owners).length === 0) continue;
      if (cell.copies.some((copy) => copy.hasRefreshToken)) seen.set(cell.profileId, providerOfProfile(cell.profileId));
    }
  }
  return [...seen].map(([profileId, provider]) => ({ profileId, provider })).sort((a, b) => a.profileId.localeCompare(b.profileId));
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
  | { kind: 'renew'; node: string; standIn: boolean; reason?: string }
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
        if (index === 0) return { kind: 'renew', node, standIn: false };
        return { kind: 'renew', node, standIn: true, reason: `stand-in for ${owners[0]}, ${reachable.has(owners[0]!) ? 'which holds no refresh token for the current token' : 'unreachable'}` };
      }
      const from = holder();
      // Only another token can be synced in: the same one is "not newer" to a sync, so an owner
      // holding it without its refresh token would wait for a sync that never comes.
      if (index === 0 && from && copies.some((copy) => copy.node === node && copy.fingerprint !== current.fingerprint)) return { kind: 'sync_first', node, from };
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
    const copies = nodeCopies(view, profileId, memory.superseded);
    // Only the owners list renews, so only its nodes can hold a newer token legitimately: a
    // follower's newer one is a rotation conflict for a person, never adopted.
    const current = currentToken(memory.current, copies.filter((copy) => owners.includes(copy.node)));
    const seen = current ? withCurrent(memory, current) : memory;
    const inflight = inflightHold(seen.inflight, reachable, nowMs);
    const account = { ...seen, inflight };
    accounts.push(account);
    const base = { profileId, provider, owners, current, failures: account.failures, lastError: account.lastError, superseded: account.superseded };
    if (!settings.auto) {
      schedules.push({ ...base, renewer: null, standIn: false, dueAtMs: null, state: 'off', reason: 'renew.auto is off: the gateways refresh on their own' });
      continue;
    }
    if (!current) continue;
    const stale = nodesHoldingSuperseded(view, profileId, current.fingerprint, account.superseded);
    const holder = reachable.has(current.node) ? current.node : copies.find((copy) => copy.fingerprint === current.fingerprint)?.node;
    if (stale.length > 0 && holder) steps.push({ kind: 'replace_superseded', profileId, from: holder, to: stale });
    if (account.terminal && account.terminal.fingerprint === current.fingerprint) {
      schedules.push({ ...base, lastError: account.terminal.error, renewer: account.terminal.node, standIn: account.terminal.node !== owners[0], dueAtMs: null, state: 'failed', reason: `renewal on ${account.terminal.node} failed for good (${account.terminal.error})` });
      continue;
    }
    const lifetimeMs = lifetimeOf(provider, account.lifetimeMs, settings.lifetimes);
    const scheduledMs = renewalDueAt(current.expiresAtMs, lifetimeMs, settings.before, profileId);
    const retrying = account.failures > 0 && account.retryAtMs !== null;
    const dueAtMs = retrying ? account.retryAtMs! : scheduledMs;
    const choice = chooseRenewer(owners, copies, reachable, downSinceMs, current, settings.ownerDownForMs, nowMs);
    // The node that would renew next (now, after a sync, or when it takes over): only the one a renewal is in flight on, if any.
    const next = choice.kind === 'wait' ? choice.standIn : choice.node;
    if (inflight && next !== null && next !== inflight.node) {
      // Its node answering again ends the hold at the latest then; one that does not answer keeps it.
      const endsAtMs = reachable.has(inflight.node) ? inflight.sinceMs + INFLIGHT_MAX_MS : null;
      const reason = endsAtMs === null ? `a renewal sent to ${inflight.node} <t:${Math.floor(inflight.sinceMs / 1000)}:R> was not seen to end, and ${inflight.node} is unreachable: it may have spent the refresh token, so no other node renews until ${inflight.node} answers` : `a renewal sent to ${inflight.node} may still be running`;
      schedules.push({ ...base, renewer: inflight.node, standIn: inflight.node !== owners[0], dueAtMs: endsAtMs, state: 'waiting', reason });
      due(endsAtMs);
      continue;
    }
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
    schedules.push({ ...base, renewer: choice.node, standIn: choice.standIn, dueAtMs, state: retrying ? 'retrying' : 'scheduled', ...(choice.reason ? { reason: choice.reason } : {}) });
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
export function renewalCovers(schedule: AccountSchedule | undefined, copy: { expiresAtMs: number; fingerprint: string | null }, options: { syncReaches: boolean; nowMs: number }): boolean {
  if (!schedule || schedule.dueAtMs === null) return false;
  if (schedule.state === 'off' || schedule.state === 'failed') return false;
  if (schedule.failures >= FAILURES_BEFORE_ALERT) return false;
  const copyExpiresAtMs = copy.expiresAtMs;
  if (copyExpiresAtMs <= options.nowMs) return false;
  // A superseded copy is replaced by renewal's next look, forced; an older one by the sync.
  if (copy.fingerprint !== null && schedule.superseded.includes(copy.fingerprint)) return true;
  if (copy.fingerprint !== schedule.current?.fingerprint) return options.syncReaches && (schedule.current?.expiresAtMs ?? 0) > copyExpiresAtMs;
  return schedule.dueAtMs < copyExpiresAtMs;
}

/** Since when each node has been unreachable: kept while it stays down, dropped when it answers. */
export function nextDownSince(previous: Readonly<Record<string, number>>, view: FleetView, nowMs: number): Record<string, number> {
  const next: Record<string, number> = {};
  for (const node of view.nodes) if (!node.reachable) next[node.name] = previous[node.name] ?? nowMs;
  return next;
}
