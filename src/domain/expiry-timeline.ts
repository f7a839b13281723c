import { severityRank, type CellHealth, type FleetView } from './fleet-view.js';
import { HEALTH_COLOURS, withAlpha } from './health-colours.js';

/*
 * What the expiry timeline picture shows (issue 10), as plain data: one bar per node ×
 * profile from a little before now to its expiry (or the window's end; an invalid or
 * missing copy is a stub at now), grouped by account
 * so that copies of one token line up, worst groups first; the "now" line; the alert
 * thresholds as bands; markers for each node's last sync, refresh and restart, and for each
 * account's next renewal (on the node that will do it). A renderer
 * draws exactly this; everything that decides what is shown is here, and tested here.
 */

export type TimelineEventKind = 'sync' | 'refresh' | 'restart';

export interface TimelineInput {
  view: FleetView;
  /** Recent operations (from the audit log); the latest of each kind per node is marked. */
  events: ReadonlyArray<{ node: string; kind: TimelineEventKind; atMs: number }>;
  nowMs: number;
  /** How far ahead the window reaches. */
  hours: number;
  thresholds: { warnBeforeMs: number; criticalBeforeMs: number };
  /** Past this many bars, whole healthy groups are folded into a count. */
  maxRows?: number;
}

export interface TimelineBar {
  node: string;
  profileId: string;
  health: CellHealth;
  /** Where the bar starts and ends on the time axis, inside the window. */
  fromMs: number;
  toMs: number;
  /** The real expiry; null when the profile has none (a key, a missing copy). */
  expiresAtMs: number | null;
  /**
   * No span of time to draw: an invalid token is unusable whatever its expiry says, and a
   * missing copy has none. Drawn as a short mark at now (fromMs = toMs = now), so that it
   * is not read as a token that lasts the whole window.
   */
  stub: boolean;
  /** The expiry lies past the window's end (the bar runs off the right edge). */
  beyondWindow: boolean;
  colour: string;
  isOwner: boolean;
  tokenTag: string | null;
}

export interface TimelineGroup {
  /** The account (profile id) whose copies line up here. */
  profileId: string;
  worst: CellHealth;
  /** The bars to draw: worst first. */
  bars: TimelineBar[];
  /** Healthy copies on other nodes left out of an unhealthy account: only their count is shown. */
  foldedOk: number;
}

export interface TimelineMarker {
  node: string;
  kind: TimelineEventKind;
  atMs: number;
  beforeWindow: boolean;
}

/** An account's next renewal inside the window: drawn on the renewer's bar, at its time. */
export interface TimelineRenewal {
  profileId: string;
  /** The owner, or the stand-in renewing while the owner is down. */
  node: string;
  standIn: boolean;
  atMs: number;
}

/** How far back the markers reach (beyond that, the latest operation is not news). */
export const MARKER_LOOK_BACK_MS = 7 * 24 * 3_600_000;

export interface Timeline {
  fromMs: number;
  toMs: number;
  nowMs: number;
  bands: Array<{ kind: 'critical' | 'warning'; fromMs: number; toMs: number; colour: string }>;
  groups: TimelineGroup[];
  /**
   * Each shown node's latest sync, refresh and restart. One before the window is kept,
   * marked `beforeWindow` and drawn at its left edge with its age: "restarted 2 d ago" is
   * still worth knowing when a token looks wrong now.
   */
  markers: TimelineMarker[];
  /** The next renewal of each drawn account that renewal looks after, soonest first. */
  renewals: TimelineRenewal[];
  /** Healthy groups left out to keep the picture readable. */
  folded: { groups: number; bars: number };
}

/** Each band in the hue of the health it leads to, faint: the bars stay readable over it. */
export const BAND_HEALTH = { critical: 'expired', warning: 'expiring' } as const satisfies Record<Timeline['bands'][number]['kind'], CellHealth>;
const BAND_COLOURS = { critical: withAlpha(HEALTH_COLOURS[BAND_HEALTH.critical], 0.18), warning: withAlpha(HEALTH_COLOURS[BAND_HEALTH.warning], 0.12) };

/** A little of the past is shown, so that what just expired is visible as such. */
function windowStart(nowMs: number, hours: number): number {
  return nowMs - Math.max(1, Math.round(hours / 8)) * 3_600_000;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const { view, nowMs, hours, thresholds } = input;
  const fromMs = windowStart(nowMs, hours);
  const toMs = nowMs + hours * 3_600_000;
  const byProfile = new Map<string, TimelineBar[]>();
  for (const node of view.nodes) {
    if (!node.reachable) continue;
    for (const cell of node.profiles) {
      const expiresAtMs = cell.expiresAt ? Date.parse(cell.expiresAt) : null;
      const stub = cell.health === 'invalid' || cell.health === 'missing';
      // A healthy profile with no expiry (an API key, a long-lived token) lasts the whole window.
      const end = expiresAtMs ?? toMs;
      const bar: TimelineBar = {
        node: node.name,
        profileId: cell.profileId,
        health: cell.health,
        fromMs: stub ? nowMs : fromMs,
        toMs: stub ? nowMs : Math.min(Math.max(end, fromMs), toMs),
        expiresAtMs,
        stub,
        beyondWindow: !stub && end > toMs,
        colour: HEALTH_COLOURS[cell.health],
        isOwner: cell.isOwner,
        tokenTag: cell.tokenTag,
      };
      byProfile.set(cell.profileId, [...(byProfile.get(cell.profileId) ?? []), bar]);
    }
  }
  const worstHealth = (bars: TimelineBar[]) => bars.reduce<CellHealth>((worst, bar) => (severityRank(bar.health) > severityRank(worst) ? bar.health : worst), 'ok');
  const groups: TimelineGroup[] = [...byProfile.entries()].map(([profileId, bars]) => foldHealthyCopies({ profileId, worst: worstHealth(bars), bars: bars.sort(worstFirst), foldedOk: 0 }));
  groups.sort((a, b) => severityRank(b.worst) - severityRank(a.worst) || a.profileId.localeCompare(b.profileId));

  // Too many rows: fold healthy groups from the end (they are last), never an unhealthy one.
  const folded = { groups: 0, bars: 0 };
  const maxRows = input.maxRows ?? Infinity;
  let rows = groups.reduce((sum, group) => sum + groupRows(group), 0);
  while (rows > maxRows && groups.length > 0 && groups.at(-1)!.worst === 'ok') {
    const dropped = groups.pop()!;
    folded.groups++;
    folded.bars += dropped.bars.length;
    rows -= groupRows(dropped);
  }

  const shownNodes = new Set(groups.flatMap((group) => group.bars.map((bar) => bar.node)));
  const latest = new Map<string, TimelineMarker>();
  for (const event of input.events) {
    if (!shownNodes.has(event.node) || event.atMs < nowMs - MARKER_LOOK_BACK_MS || event.atMs > nowMs) continue;
    const key = `${event.node}\u0000${event.kind}`;
    if ((latest.get(key)?.atMs ?? -Infinity) < event.atMs) latest.set(key, { node: event.node, kind: event.kind, atMs: event.atMs, beforeWindow: event.atMs < fromMs });
  }
  return {
    fromMs,
    toMs,
    nowMs,
    renewals: nextRenewals(view, new Set(groups.map((group) => group.profileId)), nowMs, toMs),
    bands: [
      { kind: 'critical', fromMs: nowMs, toMs: Math.min(toMs, nowMs + thresholds.criticalBeforeMs), colour: BAND_COLOURS.critical },
      { kind: 'warning', fromMs: Math.min(toMs, nowMs + thresholds.criticalBeforeMs), toMs: Math.min(toMs, nowMs + thresholds.warnBeforeMs), colour: BAND_COLOURS.warning },
    ],
    groups,
    markers: [...latest.values()].sort((a, b) => a.atMs - b.atMs),
    folded,
  };
}

/**
 * Each drawn account's next renewal within the window, as renewal's schedule laid over the
 * view says (`cell.renewal`): only one that will happen (scheduled, retrying, or a stand-in
 * waiting to take over), on the node that will do it.
 */
function nextRenewals(view: FleetView, drawn: ReadonlySet<string>, nowMs: number, toMs: number): TimelineRenewal[] {
  const renewals = new Map<string, TimelineRenewal>();
  for (const cell of view.nodes.flatMap((node) => (node.reachable ? node.profiles : []))) {
    const renewal = cell.renewal;
    if (!renewal || renewal.atMs === null || renewal.node === null || renewals.has(cell.profileId) || !drawn.has(cell.profileId)) continue;
    if (renewal.state === 'off' || renewal.state === 'failed' || renewal.atMs > toMs) continue;
    renewals.set(cell.profileId, { profileId: cell.profileId, node: renewal.node, standIn: renewal.standIn, atMs: Math.max(renewal.atMs, nowMs) });
  }
  return [...renewals.values()].sort((a, b) => a.atMs - b.atMs || a.profileId.localeCompare(b.profileId));
}

/**
 * Within an account: the worst copy first (the fleet view's severity order), then the
 * soonest to expire, so that when a long group is cut, what is cut is healthy. The owner
 * leads its own health: first when it is as bad as the worst copy, else just after the
 * unhealthy copies, at the head of the healthy ones. It is the copy a sync would take, so
 * it belongs beside the broken ones and is never cut; but a healthy owner is no reason to
 * push a broken copy down.
 */
export function worstFirst(a: TimelineBar, b: TimelineBar): number {
  return severityRank(b.health) - severityRank(a.health) || Number(b.isOwner) - Number(a.isOwner) || (a.expiresAtMs ?? Infinity) - (b.expiresAtMs ?? Infinity) || a.node.localeCompare(b.node);
}

/** Healthy copies an unhealthy account keeps drawn besides its owner: the next ones to expire. */
const HEALTHY_KEPT = 2;

/**
 * An unhealthy account shows its unhealthy copies, its owner and a couple of healthy ones;
 * the other healthy copies become a count ("+55 ok on other nodes"). Fifty green rows say
 * no more than that line, and push the next broken account off the picture. Folding only
 * one copy would trade a bar for a line of the same height, so that one stays drawn.
 */
function foldHealthyCopies(group: TimelineGroup): TimelineGroup {
  if (group.worst === 'ok') return group;
  const spare = group.bars.filter((bar) => bar.health === 'ok' && !bar.isOwner).slice(HEALTHY_KEPT);
  if (spare.length < 2) return group;
  return { ...group, bars: group.bars.filter((bar) => !spare.includes(bar)), foldedOk: spare.length };
}

/** "+3 healthy accounts folded": the picture's note and the caption say it alike. */
export function foldedAccountsText(groups: number): string {
  return `+${groups} healthy account${groups === 1 ? '' : 's'} folded`;
}

/** The rows a group takes when drawn whole: its bars, and a line for the healthy copies folded. */
export function groupRows(group: Pick<TimelineGroup, 'bars' | 'foldedOk'>): number {
  return group.bars.length + (group.foldedOk > 0 ? 1 : 0);
}
