import { z } from 'zod';
import type { FleetView, NodeView, ProfileCell } from './fleet-view.js';
import { loginCommand, pasteTokenCommand } from './login-command.js';
import { classifyExpiry } from './token-health.js';
import { expiryWords, isResetExpiry } from './expiry-horizon.js';

/*
 * Alerts as Alertmanager treats them, decided by pure functions of (previous state, fresh
 * fleet view, clock): one alert per (node, condition[, profile]); warning and critical;
 * a node's alerts go out as one message, edited as they change; a new message only when
 * severity rises or, while critical, after repeatEvery; a resolved notice when the node clears; silences
 * keep an alert tracked and listed but not posted. Nothing here does I/O.
 */

export const SEVERITIES = ['warning', 'critical'] as const;
export type AlertSeverity = (typeof SEVERITIES)[number];

// A declaration, not an arrow bound at import: a mutant of its body then runs per test.
export function isCritical(alert: Pick<ActiveAlert, 'severity'>): boolean {
  return alert.severity === 'critical';
}

/** The items judged critical first, each part in its own order: what is acted on first goes out first. */
export function criticalFirst<T>(items: readonly T[], critical: (item: T) => boolean): T[] {
  return [...items.filter(critical), ...items.filter((item) => !critical(item))];
}

export const activeAlertSchema = z.object({
  key: z.string(),
  node: z.string(),
  profileId: z.string().optional(),
  condition: z.enum(['token_expiring', 'token_expired', 'node_unreachable', 'node_unauthorized', 'gateway_not_ready', 'rotation_conflict', 'refresh_failed', 'store_unreadable']),
  severity: z.enum(SEVERITIES),
  /** Tracked but not notified yet (a first failed check: critical after two in a row). */
  pending: z.boolean().default(false),
  since: z.number(),
  summary: z.string(),
  action: z.string(),
});
export type ActiveAlert = z.infer<typeof activeAlertSchema>;

export const nodeAlertStateSchema = z.object({
  node: z.string(),
  alerts: z.array(activeAlertSchema),
  /** The ops-channel message listing this node's alerts, edited as they change. */
  messageId: z.string().nullable(),
  notifiedSeverity: z.enum(SEVERITIES).nullable(),
  lastNotifiedAt: z.number().nullable(),
  /** What the message shows, to tell whether an edit is needed. */
  notifiedDigest: z.string().nullable(),
  failedChecks: z.number().int().nonnegative(),
});
export type NodeAlertState = z.infer<typeof nodeAlertStateSchema>;

export const silenceSchema = z.object({
  id: z.string(),
  /** `node` or `node/profileId`. */
  target: z.string(),
  until: z.number(),
  by: z.string(),
  createdAt: z.number(),
});
export type Silence = z.infer<typeof silenceSchema>;

export interface AlertThresholds {
  warnBeforeMs: number;
  criticalBeforeMs: number;
  repeatEveryMs: number;
}

export function emptyNodeState(node: string): NodeAlertState {
  return { node, alerts: [], messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null, failedChecks: 0 };
}

export function isSilenced(alert: Pick<ActiveAlert, 'node' | 'profileId'>, silences: readonly Silence[], nowMs: number): boolean {
  return silences.some((silence) => silence.until > nowMs && (silence.target === alert.node || (alert.profileId !== undefined && silence.target === `${alert.node}/${alert.profileId}`)));
}

function ownerCell(view: FleetView, cell: ProfileCell): ProfileCell | undefined {
  if (!cell.owner) return undefined;
  return view.nodes.find((node) => node.name === cell.owner)?.profiles.find((candidate) => candidate.profileId === cell.profileId);
}

/** What to do about a token that is expiring or expired on a node. */
function latestExpiry(cell: ProfileCell): number | null {
  const times = cell.copies.flatMap((copy) => (copy.expiresAt ? [Date.parse(copy.expiresAt)] : []));
  return times.length > 0 ? Math.max(...times) : cell.expiresAt ? Date.parse(cell.expiresAt) : null;
}

function earliestExpiry(cell: ProfileCell): number | null {
  const times = cell.copies.flatMap((copy) => (copy.expiresAt ? [Date.parse(copy.expiresAt)] : []));
  return times.length > 0 ? Math.min(...times) : cell.expiresAt ? Date.parse(cell.expiresAt) : null;
}

function tokenAction(node: string, cell: ProfileCell, owner: ProfileCell | undefined, nowMs: number): string {
  if (cell.type === 'token') return `only a person can replace it: a new token on ${node} (\`${pasteTokenCommand(cell.profileId)}\`), then \`/tokens sync from:${node} to:all profile:${cell.profileId}\``;
  if (!cell.owner) return `no owner in the fleet file: renew ${cell.profileId} on ${node} by hand (\`${loginCommand(cell.profileId)}\`)`;
  const renewal = cell.renewal;
  if (renewal?.state === 'retrying') {
    return `renewal keeps failing on ${renewal.node} (${renewal.lastError ?? 'error'}): check ${renewal.node}'s agent and its way to the provider, then \`/tokens refresh node:${renewal.node} profile:${cell.profileId}\``;
  }
  if (renewal?.state === 'waiting') return `renewal waits: ${renewal.reason ?? 'nobody can renew it now'}; bring ${cell.owner} back, or list a stand-in for it in owners`;
  if (cell.isOwner) return `\`/tokens refresh node:${node} profile:${cell.profileId}\`; if that fails, log in again on ${node}`;
  const ownerBest = owner ? latestExpiry(owner) : null;
  const mine = earliestExpiry(cell);
  const fresher = ownerBest !== null && ownerBest > nowMs && (mine === null || ownerBest > mine);
  return fresher
    ? `\`/tokens sync from:${cell.owner} to:${node} profile:${cell.profileId}\` (owner ${cell.owner} holds a fresher one)`
    : `\`/tokens refresh node:${cell.owner} profile:${cell.profileId}\` on the owner ${cell.owner}, then it syncs here`;
}

/** Where an account's copies stand, for the one alert about a renewal that failed for good. */
function copiesSummary(view: FleetView, profileId: string): string {
  const expiries = view.nodes.flatMap((other) => other.profiles.filter((cell) => cell.profileId === profileId && cell.expiresAt).map((cell) => ({ node: other.name, at: Date.parse(cell.expiresAt!) })));
  if (expiries.length === 0) return '';
  const first = Math.min(...expiries.map((expiry) => expiry.at));
  return `; its token expires <t:${Math.floor(first / 1000)}:R> on ${expiries.map((expiry) => expiry.node).join(', ')}`;
}

export interface AlertContext {
  /** Nodes inside an operation the bot runs itself (a confirmed restart): that, not their gateway, is what they show. */
  busy?: ReadonlySet<string>;
}

/** Copies newer than `thanMs` (and not `fingerprints`'): a token refreshed where it should not have been. */
function newerCopies(cell: ProfileCell, fingerprints: ReadonlySet<string>, thanMs: number): ProfileCell['copies'] {
  return cell.copies.filter((copy) => copy.fingerprint && !fingerprints.has(copy.fingerprint) && copy.expiresAt && Date.parse(copy.expiresAt) > thanMs);
}

/**
 * Copies refreshed where they should not have been (only OAuth rotates: a `token` profile
 * that differs was pasted by a person). With renewal: on a node outside the owners list, a
 * token newer than the account's current one and not one renewal replaced. Without: a
 * follower's copy other than the owner's, and newer than all of the owner's.
 */
function rogueCopies(node: string, cell: ProfileCell, owner: ProfileCell | undefined): ProfileCell['copies'] {
  if (cell.type !== 'oauth') return [];
  const renewal = cell.renewal;
  if (renewal && renewal.currentExpiresAtMs !== null) return renewal.renewers.includes(node) ? [] : newerCopies(cell, new Set(renewal.superseded), renewal.currentExpiresAtMs);
  if (cell.isOwner || !owner) return [];
  const ownerFingerprints = new Set(owner.copies.map((copy) => copy.fingerprint).filter((fp): fp is string => fp !== null));
  const ownerLatest = latestExpiry(owner);
  return ownerLatest !== null && ownerFingerprints.size > 0 ? newerCopies(cell, ownerFingerprints, ownerLatest) : [];
}

/** The alerts a node has right now, from the fleet view (no memory yet). */
export function currentAlerts(view: FleetView, node: NodeView, previous: NodeAlertState, thresholds: AlertThresholds, nowMs: number, context: AlertContext = {}): ActiveAlert[] {
  const since = (key: string) => previous.alerts.find((alert) => alert.key === key)?.since ?? nowMs;
  const alert = (fields: Omit<ActiveAlert, 'since' | 'pending'> & { pending?: boolean }): ActiveAlert => ({ pending: false, ...fields, since: since(fields.key) });
  if (!node.reachable) {
    const failed = previous.failedChecks + 1;
    const kept = previous.alerts.filter((known) => known.condition !== 'node_unreachable' && known.condition !== 'node_unauthorized');
    // A drifted clock is refused like a wrong key: both are the same alert, the message says which.
    const unauthorized = node.error?.kind === 'unauthorized' || node.error?.kind === 'clock_skew';
    const condition = unauthorized ? 'node_unauthorized' : 'node_unreachable';
    return [
      ...kept,
      alert({
        key: `${node.name}/${condition}`,
        node: node.name,
        condition,
        severity: 'critical',
        pending: failed < 2,
        summary: unauthorized ? (node.error?.kind === 'clock_skew' ? node.error.message : 'the agent refuses our signature') : `the agent does not answer (${node.error?.kind ?? 'unreachable'}: ${node.error?.message ?? ''})`,
        action: unauthorized ? `check that ${node.name}'s TOKENOPS_AGENT_KEY matches the bot's key variable, and both clocks` : `check the tokenops agent on ${node.name} (systemctl --user status tokenops-agent) and the network`,
      }),
    ];
  }
  const alerts: ActiveAlert[] = [];
  if (node.gateway && !node.gateway.ready && !context.busy?.has(node.name)) {
    alerts.push(alert({ key: `${node.name}/gateway_not_ready`, node: node.name, condition: 'gateway_not_ready', severity: 'warning', summary: node.gateway.reachable ? 'the gateway is not ready (/readyz)' : 'the gateway does not answer', action: `fix its tokens first, then \`/restart ${node.name}\`` }));
  }
  for (const store of node.unreadableStores) {
    alerts.push(alert({ key: `${node.name}/store_unreadable/${store.agentId}`, node: node.name, condition: 'store_unreadable', severity: 'critical', summary: `the credential store of agent ${store.agentId} is unreadable: ${store.reason}`, action: `repair it from its backup in .tokenops-backups on ${node.name}` }));
  }
  for (const cell of node.profiles) {
    const owner = ownerCell(view, cell);
    const renewal = cell.renewal;
    // A renewal that failed for good is one alert, on the node that tried, for the whole account.
    const failedHere = renewal?.state === 'failed' && renewal.node === node.name;
    if (cell.refreshError || failedHere) {
      const error = cell.refreshError ?? renewal?.lastError ?? 'invalid_grant';
      alerts.push(alert({ key: `${node.name}/refresh_failed/${cell.profileId}`, node: node.name, profileId: cell.profileId, condition: 'refresh_failed', severity: 'critical', summary: `${failedHere ? 'renewal' : 'refresh'} of ${cell.profileId} on ${node.name} failed for good (${error})${failedHere ? copiesSummary(view, cell.profileId) : ''}`, action: `log in again on ${node.name} (\`${loginCommand(cell.profileId)}\`), then \`/tokens sync from:${node.name} to:all profile:${cell.profileId}\`` }));
    }
    const rogue = rogueCopies(node.name, cell, owner);
    if (rogue.length > 0) {
      alerts.push(alert({ key: `${node.name}/rotation_conflict/${cell.profileId}`, node: node.name, profileId: cell.profileId, condition: 'rotation_conflict', severity: 'critical', summary: `${node.name} holds a newer ${cell.profileId} than its owner ${cell.owner} (agent ${rogue.map((copy) => copy.agentId).join(', ')}): someone refreshed outside the owner`, action: `if ${node.name}'s token works, \`/tokens sync from:${node.name} to:${cell.owner} profile:${cell.profileId}\` and stop whatever refreshes on ${node.name}; otherwise log in again on ${cell.owner}` }));
    }
    if (cell.type !== 'oauth' && cell.type !== 'token') continue;
    const earliest = earliestExpiry(cell);
    if (earliest === null) continue;
    const expires = earliest;
    const health = classifyExpiry(expires, nowMs, thresholds.warnBeforeMs);
    if (health === 'ok') continue;
    // Renewal replaces it in time; or it failed for good and its one alert, on the renewer, says so.
    if (health === 'expiring' && (renewal?.covers || renewal?.state === 'failed')) continue;
    const expired = health === 'expired';
    const critical = expired || expires - nowMs <= thresholds.criticalBeforeMs;
    alerts.push(
      alert({
        key: `${node.name}/${expired ? 'token_expired' : 'token_expiring'}/${cell.profileId}`,
        node: node.name,
        profileId: cell.profileId,
        condition: expired ? 'token_expired' : 'token_expiring',
        severity: critical ? 'critical' : 'warning',
        summary: `${cell.profileId} ${expiryWords(expires, expired)}${cell.agents.length > 1 ? ` (agents ${cell.agents.join(', ')})` : ''}${isResetExpiry(expires) ? ". OpenClaw 2026.9's `openclaw doctor --fix` does this to the OAuth tokens it migrates" : ''}`,
        action: tokenAction(node.name, cell, owner, nowMs),
      }),
    );
  }
  return alerts;
}

export type NotifyDecision =
  | { kind: 'none' }
  | { kind: 'post'; reason: 'new' | 'severity_rose' | 'repeat' }
  | { kind: 'edit' }
  | { kind: 'resolve' };

/** What one message does this check, with the alerts it shows (unsilenced, not pending), their severity and digest. */
export interface Notification {
  decision: NotifyDecision;
  shown: ActiveAlert[];
  severity: AlertSeverity | null;
  digest: string;
}

/** What the channel should see of a node, from its tracked alerts and what was shown last. */

export function decideNotification(state: NodeAlertState, silences: readonly Silence[], thresholds: AlertThresholds, nowMs: number): Notification {
  const shown = state.alerts.filter((alert) => !alert.pending && !isSilenced(alert, silences, nowMs));
  const severity = shown.some(isCritical) ? 'critical' : shown.length > 0 ? 'warning' : null;
  // Times in summaries move (relative stamps do not): the digest is keys and severities only.
  const digest = shown.map((alert) => `${alert.key}:${alert.severity}`).sort().join('|');
  if (shown.length === 0) return { decision: state.messageId ? { kind: 'resolve' } : { kind: 'none' }, shown, severity, digest };
  if (!state.messageId || !state.notifiedSeverity || state.lastNotifiedAt === null) return { decision: { kind: 'post', reason: 'new' }, shown, severity, digest };
  if (severity === 'critical' && state.notifiedSeverity === 'warning') return { decision: { kind: 'post', reason: 'severity_rose' }, shown, severity, digest };
  // Only what is critical is said again: a warning (days ahead, with warnBefore at 7 d) said
  // every repeatEvery would fill the channel with what nobody needs to do yet; it is posted
  // again when it turns critical.
  if (severity === 'critical' && nowMs - state.lastNotifiedAt >= thresholds.repeatEveryMs) return { decision: { kind: 'post', reason: 'repeat' }, shown, severity, digest };
  if (digest !== state.notifiedDigest) return { decision: { kind: 'edit' }, shown, severity, digest };
  return { decision: { kind: 'none' }, shown, severity, digest };
}

/** The node's state after this check, before any message is sent. */
export function nextNodeState(previous: NodeAlertState, node: NodeView, alerts: ActiveAlert[]): NodeAlertState {
  return { ...previous, alerts, failedChecks: node.reachable ? 0 : previous.failedChecks + 1 };
}

/** The node's state after the decision was carried out (messageId from a post). */
export function afterNotification(state: NodeAlertState, decision: NotifyDecision, outcome: { messageId?: string; severity: AlertSeverity | null; digest: string }, nowMs: number): NodeAlertState {
  switch (decision.kind) {
    case 'none':
      return state;
    case 'edit':
      return { ...state, notifiedDigest: outcome.digest, notifiedSeverity: outcome.severity };
    case 'post':
      return { ...state, messageId: outcome.messageId ?? state.messageId, notifiedSeverity: outcome.severity, lastNotifiedAt: nowMs, notifiedDigest: outcome.digest };
    case 'resolve':
      return { ...state, messageId: null, notifiedSeverity: null, lastNotifiedAt: null, notifiedDigest: null };
  }
}
