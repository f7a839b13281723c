import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  external_exports
} from "./chunk-HVRUCNZB.js";

// src/domain/ownership.ts
function listOf(nodes) {
  return typeof nodes === "string" ? [nodes] : nodes;
}
var compiled = /* @__PURE__ */ new Map();
function patternRegex(pattern) {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    compiled.set(pattern, regex);
  }
  return regex;
}
function profileMatches(pattern, profileId) {
  return patternRegex(pattern).test(profileId);
}
function specificity(pattern) {
  return pattern.includes("*") ? pattern.replaceAll("*", "").length : Number.MAX_SAFE_INTEGER;
}
function ownersOf(profileId, owners) {
  let best = null;
  for (const [pattern, nodes] of Object.entries(owners)) {
    if (!profileMatches(pattern, profileId)) continue;
    const score = specificity(pattern);
    if (!best || score > best.score) best = { nodes: listOf(nodes), score };
  }
  return best?.nodes ?? [];
}
function ownerOf(profileId, owners) {
  return ownersOf(profileId, owners)[0] ?? null;
}

// src/domain/profile.ts
var profileIdSchema = external_exports.string().max(256).regex(/^[a-z0-9][a-z0-9._-]*:(?!\.+$)[^\s/\\\p{Cc}]+$/iu, 'expected a profile id like "anthropic:default" (provider:name, no slashes, spaces or control characters)');
function providerOfProfile(profileId) {
  const colon = profileId.indexOf(":");
  return colon > 0 ? profileId.slice(0, colon) : profileId;
}
var agentIdSchema = external_exports.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'expected an agent id of letters, digits, ".", "_" or "-"');
var epochMsSchema = external_exports.number().int().nonnegative().max(864e13);
var epochMs = epochMsSchema;
var oauthProfileSchema = external_exports.looseObject({
  type: external_exports.literal("oauth"),
  provider: external_exports.string().min(1),
  access: external_exports.string().min(1),
  refresh: external_exports.string().min(1).optional(),
  expires: epochMs,
  accountId: external_exports.string().optional(),
  projectId: external_exports.string().optional(),
  email: external_exports.string().optional()
});
var tokenProfileSchema = external_exports.looseObject({
  type: external_exports.literal("token"),
  provider: external_exports.string().min(1),
  token: external_exports.string().min(1),
  expires: epochMs.optional()
});
var apiKeyProfileSchema = external_exports.looseObject({
  type: external_exports.literal("api_key"),
  provider: external_exports.string().min(1),
  key: external_exports.string().min(1).optional(),
  keyRef: external_exports.unknown().optional()
});
var profileSchema = external_exports.discriminatedUnion("type", [oauthProfileSchema, tokenProfileSchema, apiKeyProfileSchema]);
var authProfilesDocumentSchema = external_exports.looseObject({
  version: external_exports.number().int().optional(),
  profiles: external_exports.record(external_exports.string(), external_exports.unknown())
});

// src/domain/renewal-schedule.ts
var HOUR = 36e5;
var DEFAULT_LIFETIMES_MS = {
  anthropic: 8 * HOUR,
  "openai-codex": 10 * 24 * HOUR,
  "google-gemini-cli": 1 * HOUR
};
var FALLBACK_LIFETIME_MS = 1 * HOUR;
var JITTER_SHARE = 0.1;
var MAX_REMAINING_SHARE = 0.9;
function lifetimeOf(provider, learnedMs, configured) {
  if (learnedMs !== null && learnedMs > 0) return learnedMs;
  if (provider && configured[provider]) return configured[provider];
  return provider && DEFAULT_LIFETIMES_MS[provider] || FALLBACK_LIFETIME_MS;
}
function remainingAtRenewal(lifetimeMs, before) {
  const wanted = before.kind === "fraction" ? lifetimeMs * before.value : before.ms;
  return Math.min(wanted, lifetimeMs * MAX_REMAINING_SHARE);
}
function unitHash(text) {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash / 2 ** 32;
}
function renewalDueAt(expiresAtMs, lifetimeMs, before, account) {
  const remaining = remainingAtRenewal(lifetimeMs, before);
  const jitter = unitHash(`${account}\0${expiresAtMs}`) * JITTER_SHARE * remaining;
  return Math.round(expiresAtMs - remaining - jitter);
}

// src/domain/renewal-plan.ts
var accountRenewalSchema = external_exports.object({
  profileId: external_exports.string(),
  /** The lifetime of the last token renewed here (the provider's `expires_in`); null until then. */
  lifetimeMs: external_exports.number().positive().nullable().default(null),
  /** The account's current token, as last seen: renewal never acts on an older copy. */
  current: external_exports.object({ fingerprint: external_exports.string(), expiresAtMs: external_exports.number(), node: external_exports.string() }).nullable().default(null),
  /** The node that renewed last (the owner, or a stand-in while the owner was down). */
  renewer: external_exports.string().nullable().default(null),
  lastRenewedAtMs: external_exports.number().nullable().default(null),
  /** Transient failures in a row, when to try again, and the last one's error code. */
  failures: external_exports.number().int().nonnegative().default(0),
  retryAtMs: external_exports.number().nullable().default(null),
  lastError: external_exports.string().nullable().default(null),
  /** A failure for good (`invalid_grant`…) of the token with this fingerprint: only a new login helps. */
  terminal: external_exports.object({ fingerprint: external_exports.string(), error: external_exports.string(), atMs: external_exports.number(), node: external_exports.string() }).nullable().default(null),
  /**
   * A renewal sent and not known to have ended (the bot that sent it may have died): no other
   * node renews this account until it is old enough to have ended and its node has answered
   * since (only that node's copy tells whether the provider spent the refresh token).
   */
  inflight: external_exports.object({ node: external_exports.string(), sinceMs: external_exports.number() }).nullable().default(null),
  /**
   * Tokens the current one replaced, newest first: their refresh tokens are spent (or a new
   * login replaced them). A copy of one is never taken for the current token, however late it
   * expires (a provider may issue shorter-lived tokens than the one renewed), and a node
   * holding one is given the current token, forced past the sync's newer-wins.
   */
  superseded: external_exports.array(external_exports.string()).default([])
});
function emptyAccountRenewal(profileId) {
  return accountRenewalSchema.parse({ profileId });
}
var FAILURES_BEFORE_ALERT = 3;
var SUPERSEDED_KEPT = 8;
function withCurrent(account, current) {
  const previous = account.current;
  if (!previous || previous.fingerprint === current.fingerprint) return { ...account, current };
  const superseded = [previous.fingerprint, ...account.superseded.filter((fingerprint) => fingerprint !== previous.fingerprint && fingerprint !== current.fingerprint)].slice(0, SUPERSEDED_KEPT);
  return { ...account, current, superseded, failures: 0, retryAtMs: null, lastError: null, inflight: null };
}
var INFLIGHT_MAX_MS = 3 * 6e4;
function inflightHold(inflight, reachable, nowMs) {
  if (!inflight) return null;
  return nowMs - inflight.sinceMs < INFLIGHT_MAX_MS || !reachable.has(inflight.node) ? inflight : null;
}
function oauthCell(node, profileId) {
  const cell = node.reachable ? node.profiles.find((candidate) => candidate.profileId === profileId) : void 0;
  return cell?.type === "oauth" ? cell : void 0;
}
function nodeCopies(view, profileId, superseded) {
  const copies = [];
  for (const node of view.nodes) {
    const cell = oauthCell(node, profileId);
    if (!cell) continue;
    let best;
    for (const copy of cell.copies) {
      if (!copy.fingerprint || !copy.expiresAt || superseded.includes(copy.fingerprint)) continue;
      const expiresAtMs = Date.parse(copy.expiresAt);
      if (!best || expiresAtMs > best.expiresAtMs) best = { node: node.name, fingerprint: copy.fingerprint, expiresAtMs, hasRefreshToken: copy.hasRefreshToken };
    }
    if (best) copies.push(best);
  }
  return copies;
}
function nodesHoldingSuperseded(view, profileId, current, superseded) {
  if (superseded.length === 0) return [];
  return view.nodes.flatMap((node) => {
    const copies = oauthCell(node, profileId)?.copies ?? [];
    const known = copies.every((copy) => copy.fingerprint === current || copy.fingerprint !== null && superseded.includes(copy.fingerprint));
    return known && copies.some((copy) => copy.fingerprint !== current) ? [node.name] : [];
  });
}
function renewableAccounts(view, owners) {
  const seen = /* @__PURE__ */ new Map();
  for (const node of view.nodes) {
    for (const cell of node.profiles) {
      if (seen.has(cell.profileId) || cell.type !== "oauth" || ownersOf(cell.profileId, owners).length === 0) continue;
      if (cell.copies.some((copy) => copy.hasRefreshToken)) seen.set(cell.profileId, providerOfProfile(cell.profileId));
    }
  }
  return [...seen].map(([profileId, provider]) => ({ profileId, provider })).sort((a, b) => a.profileId.localeCompare(b.profileId));
}
function currentToken(remembered, copies) {
  const asCurrent = (copy) => ({ fingerprint: copy.fingerprint, expiresAtMs: copy.expiresAtMs, node: copy.node });
  let current = remembered;
  const there = current ? copies.find((copy) => copy.node === current.node) : void 0;
  if (there && there.fingerprint !== current.fingerprint) current = asCurrent(there);
  for (const copy of copies) if (!current || copy.expiresAtMs > current.expiresAtMs) current = asCurrent(copy);
  return current;
}
function chooseRenewer(owners, copies, reachable, downSinceMs, current, ownerDownForMs, nowMs) {
  const holding = (node) => copies.some((copy) => copy.node === node && copy.fingerprint === current.fingerprint && copy.hasRefreshToken);
  const holder = () => reachable.has(current.node) && holding(current.node) ? current.node : copies.find((copy) => holding(copy.node))?.node;
  let waitingFor = null;
  for (const [index, node] of owners.entries()) {
    if (reachable.has(node)) {
      if (holding(node)) {
        if (waitingFor) return { kind: "wait", reason: `${waitingFor.node} is unreachable; ${node} renews instead from <t:${Math.floor(waitingFor.untilMs / 1e3)}:R> (renew.ownerDownFor)`, takeoverAtMs: waitingFor.untilMs, standIn: node };
        if (index === 0) return { kind: "renew", node, standIn: false };
        return { kind: "renew", node, standIn: true, reason: `stand-in for ${owners[0]}, ${reachable.has(owners[0]) ? "which holds no refresh token for the current token" : "unreachable"}` };
      }
      const from = holder();
      if (index === 0 && from && copies.some((copy) => copy.node === node && copy.fingerprint !== current.fingerprint)) return { kind: "sync_first", node, from };
      continue;
    }
    const since = downSinceMs[node] ?? nowMs;
    if (nowMs - since < ownerDownForMs) waitingFor ??= { node, untilMs: since + ownerDownForMs };
  }
  if (waitingFor) return { kind: "wait", reason: `${waitingFor.node} is unreachable, and no stand-in in its owners list holds the current token`, takeoverAtMs: null, standIn: null };
  return { kind: "wait", reason: owners.length > 1 ? `none of ${owners.join(", ")} is reachable holding the current token` : `the owner ${owners[0]} is unreachable or does not hold the current token`, takeoverAtMs: null, standIn: null };
}
function planRenewals(view, remembered, downSinceMs, settings, nowMs) {
  const reachable = new Set(view.nodes.filter((node) => node.reachable).map((node) => node.name));
  const schedules = [];
  const steps = [];
  const accounts = [];
  let nextDueMs = null;
  const due = (atMs) => {
    if (atMs !== null && atMs > nowMs && (nextDueMs === null || atMs < nextDueMs)) nextDueMs = atMs;
  };
  for (const { profileId, provider } of renewableAccounts(view, settings.owners)) {
    const owners = ownersOf(profileId, settings.owners);
    const memory = remembered.get(profileId) ?? emptyAccountRenewal(profileId);
    const copies = nodeCopies(view, profileId, memory.superseded);
    const current = currentToken(memory.current, copies.filter((copy) => owners.includes(copy.node)));
    const seen = current ? withCurrent(memory, current) : memory;
    const inflight = inflightHold(seen.inflight, reachable, nowMs);
    const account = { ...seen, inflight };
    accounts.push(account);
    const base = { profileId, provider, owners, current, failures: account.failures, lastError: account.lastError, superseded: account.superseded };
    if (!settings.auto) {
      schedules.push({ ...base, renewer: null, standIn: false, dueAtMs: null, state: "off", reason: "renew.auto is off: the gateways refresh on their own" });
      continue;
    }
    if (!current) continue;
    const stale = nodesHoldingSuperseded(view, profileId, current.fingerprint, account.superseded);
    const holder = reachable.has(current.node) ? current.node : copies.find((copy) => copy.fingerprint === current.fingerprint)?.node;
    if (stale.length > 0 && holder) steps.push({ kind: "replace_superseded", profileId, from: holder, to: stale });
    if (account.terminal && account.terminal.fingerprint === current.fingerprint) {
      schedules.push({ ...base, lastError: account.terminal.error, renewer: account.terminal.node, standIn: account.terminal.node !== owners[0], dueAtMs: null, state: "failed", reason: `renewal on ${account.terminal.node} failed for good (${account.terminal.error})` });
      continue;
    }
    const lifetimeMs = lifetimeOf(provider, account.lifetimeMs, settings.lifetimes);
    const scheduledMs = renewalDueAt(current.expiresAtMs, lifetimeMs, settings.before, profileId);
    const retrying = account.failures > 0 && account.retryAtMs !== null;
    const dueAtMs = retrying ? account.retryAtMs : scheduledMs;
    const choice = chooseRenewer(owners, copies, reachable, downSinceMs, current, settings.ownerDownForMs, nowMs);
    const next = choice.kind === "wait" ? choice.standIn : choice.node;
    if (inflight && next !== null && next !== inflight.node) {
      const endsAtMs = reachable.has(inflight.node) ? inflight.sinceMs + INFLIGHT_MAX_MS : null;
      const reason = endsAtMs === null ? `a renewal sent to ${inflight.node} <t:${Math.floor(inflight.sinceMs / 1e3)}:R> was not seen to end, and ${inflight.node} is unreachable: it may have spent the refresh token, so no other node renews until ${inflight.node} answers` : `a renewal sent to ${inflight.node} may still be running`;
      schedules.push({ ...base, renewer: inflight.node, standIn: inflight.node !== owners[0], dueAtMs: endsAtMs, state: "waiting", reason });
      due(endsAtMs);
      continue;
    }
    if (choice.kind === "wait") {
      schedules.push({ ...base, renewer: choice.standIn, standIn: choice.standIn !== null, dueAtMs: choice.takeoverAtMs === null ? null : Math.max(choice.takeoverAtMs, dueAtMs), state: "waiting", reason: choice.reason });
      due(choice.takeoverAtMs);
      continue;
    }
    if (choice.kind === "sync_first") {
      steps.push({ kind: "sync_first", profileId, from: choice.from, to: choice.node });
      schedules.push({ ...base, renewer: choice.node, standIn: false, dueAtMs, state: retrying ? "retrying" : "scheduled", reason: `${choice.node} is back: it receives the current token from ${choice.from}, then renews again` });
      continue;
    }
    schedules.push({ ...base, renewer: choice.node, standIn: choice.standIn, dueAtMs, state: retrying ? "retrying" : "scheduled", ...choice.reason ? { reason: choice.reason } : {} });
    if (nowMs >= dueAtMs) {
      steps.push({ kind: "renew", profileId, node: choice.node, standIn: choice.standIn, fingerprint: current.fingerprint, ifExpiresBeforeMs: Math.max(current.expiresAtMs, nowMs) + 1, provider });
    } else {
      due(dueAtMs);
    }
  }
  return { schedules, steps, accounts, nextDueMs };
}
function renewalCovers(schedule, copy, options) {
  if (!schedule || schedule.dueAtMs === null) return false;
  if (schedule.state === "off" || schedule.state === "failed") return false;
  if (schedule.failures >= FAILURES_BEFORE_ALERT) return false;
  const copyExpiresAtMs = copy.expiresAtMs;
  if (copyExpiresAtMs <= options.nowMs) return false;
  if (copy.fingerprint !== null && schedule.superseded.includes(copy.fingerprint)) return true;
  if (copy.fingerprint !== schedule.current?.fingerprint) return options.syncReaches && (schedule.current?.expiresAtMs ?? 0) > copyExpiresAtMs;
  return schedule.dueAtMs < copyExpiresAtMs;
}

export {
  profileMatches,
  ownersOf,
  ownerOf,
  profileIdSchema,
  providerOfProfile,
  agentIdSchema,
  epochMsSchema,
  accountRenewalSchema,
  planRenewals,
  renewalCovers
};
