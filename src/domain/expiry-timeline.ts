import { severityRank, type CellHealth, type FleetView } from './fleet-view.js';

/*
 * What the expiry timeline picture shows (issue 10), as plain data: one bar per node ×
 * profile from a little before now to its expiry (or the window's end), grouped by account
 * so that copies of one token line up, worst groups first; the "now" line; the alert
 * thresholds as bands; markers for each node's last sync, refresh and restart. A renderer
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
  bars: TimelineBar[];
}

export interface Timeline {
  fromMs: number;
  toMs: number;
  nowMs: number;
  bands: Array<{ kind: 'critical' | 'warning'; fromMs: number; toMs: number; colour: string }>;
  groups: TimelineGroup[];
  markers: Array<{ node: string; kind: TimelineEventKind; atMs: number }>;
  /** Healthy groups left out to keep the picture readable. */
  folded: { groups: number; bars: number };
}

/** Readable on Discord's dark theme; the same hues as the embeds' colours. */
export const HEALTH_COLOURS: Record<CellHealth, string> = {
  ok: '#2ecc71',
  expiring: '#f1c40f',
  expired: '#e74c3c',
  invalid: '#9b59b6',
  missing: '#7f8c8d',
};

const BAND_COLOURS = { critical: 'rgba(231, 76, 60, 0.18)', warning: 'rgba(241, 196, 15, 0.12)' } as const;

/** A little of the past is shown, so that what just expired is visible as such. */
export function windowStart(nowMs: number, hours: number): number {
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
      const end = expiresAtMs ?? toMs;
      const bar: TimelineBar = {
        node: node.name,
        profileId: cell.profileId,
        health: cell.health,
        fromMs,
        toMs: Math.min(Math.max(end, fromMs), toMs),
        expiresAtMs,
        beyondWindow: end > toMs,
        colour: HEALTH_COLOURS[cell.health],
        isOwner: cell.isOwner,
        tokenTag: cell.tokenTag,
      };
      byProfile.set(cell.profileId, [...(byProfile.get(cell.profileId) ?? []), bar]);
    }
  }
  const worstHealth = (bars: TimelineBar[]) => bars.reduce<CellHealth>((worst, bar) => (severityRank(bar.health) > severityRank(worst) ? bar.health : worst), 'ok');
  const groups: TimelineGroup[] = [...byProfile.entries()].map(([profileId, bars]) => ({
    profileId,
    worst: worstHealth(bars),
    // Within an account: the owner first, then the soonest to expire.
    bars: bars.sort((a, b) => Number(b.isOwner) - Number(a.isOwner) || (a.expiresAtMs ?? Infinity) - (b.expiresAtMs ?? Infinity) || a.node.localeCompare(b.node)),
  }));
  groups.sort((a, b) => severityRank(b.worst) - severityRank(a.worst) || a.profileId.localeCompare(b.profileId));

  // Too many bars: fold healthy groups from the end (they are last), never an unhealthy one.
  const folded = { groups: 0, bars: 0 };
  const maxRows = input.maxRows ?? Infinity;
  let rows = groups.reduce((sum, group) => sum + group.bars.length, 0);
  while (rows > maxRows && groups.length > 0 && groups.at(-1)!.worst === 'ok') {
    const dropped = groups.pop()!;
    folded.groups++;
    folded.bars += dropped.bars.length;
    rows -= dropped.bars.length;
  }

  const shownNodes = new Set(groups.flatMap((group) => group.bars.map((bar) => bar.node)));
  const latest = new Map<string, { node: string; kind: TimelineEventKind; atMs: number }>();
  for (const event of input.events) {
    if (!shownNodes.has(event.node) || event.atMs < fromMs || event.atMs > nowMs) continue;
    const key = `${event.node}\u0000${event.kind}`;
    if ((latest.get(key)?.atMs ?? -Infinity) < event.atMs) latest.set(key, event);
  }
  return {
    fromMs,
    toMs,
    nowMs,
    bands: [
      { kind: 'critical', fromMs: nowMs, toMs: Math.min(toMs, nowMs + thresholds.criticalBeforeMs), colour: BAND_COLOURS.critical },
      { kind: 'warning', fromMs: Math.min(toMs, nowMs + thresholds.criticalBeforeMs), toMs: Math.min(toMs, nowMs + thresholds.warnBeforeMs), colour: BAND_COLOURS.warning },
    ],
    groups,
    markers: [...latest.values()].sort((a, b) => a.atMs - b.atMs),
    folded,
  };
}
