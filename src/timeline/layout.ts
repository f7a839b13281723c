import type { Timeline, TimelineBar, TimelineGroup } from '../domain/expiry-timeline.js';

/*
 * Where everything goes, in pixels, before anything is drawn: the rows (one per bar, the
 * account's name on its first row), the plot's place, the scale from time to x. Pure, so
 * that the renderer and the tests that look for a colour at a place agree by construction.
 * A picture grows with its rows up to a height Discord still shows usefully; past that,
 * long groups are cut (their worst bars and their owner kept) and say how many are left out.
 */

export type TimelineVariant = 'full' | 'small';

export interface VariantSize {
  width: number;
  maxHeight: number;
  rowHeight: number;
  barHeight: number;
  fontSize: number;
  titleSize: number;
  /** The label column: account, then node. */
  labelWidth: number;
  /** Where the node's name starts inside the label column. */
  nodeColumn: number;
  right: number;
  top: number;
  bottom: number;
  maxTicks: number;
  markerSize: number;
  /** "in 7 h" at each bar's end: room for it in the full picture only. */
  barText: boolean;
}

/**
 * The reply's picture; and a small one for a restart plan or an alert, about a few nodes.
 *
 * Height caps: Discord's desktop client previews an image at up to about 550 px wide,
 * scaling it down to fit, so the full picture (1000 px) is seen at 55 %. At 1100 px tall
 * that preview is about 550 × 600: the header, the worst accounts and the legend on one
 * laptop screen beside the message, its 13 px text still legible at ~7 px. A 1600 px one
 * previews at 880 px tall: the reader scrolls past the title to find the legend, and the
 * rows that matter are the same ones either way (the worst come first, healthy ones fold).
 * The small one is made to sit under a plan's or an alert's embed: 640 × 520 at most.
 */
export const VARIANTS: Record<TimelineVariant, VariantSize> = {
  full: { width: 1000, maxHeight: 1100, rowHeight: 22, barHeight: 12, fontSize: 13, titleSize: 16, labelWidth: 340, nodeColumn: 200, right: 28, top: 66, bottom: 110, maxTicks: 10, markerSize: 10, barText: true },
  small: { width: 640, maxHeight: 520, rowHeight: 18, barHeight: 10, fontSize: 11, titleSize: 13, labelWidth: 240, nodeColumn: 138, right: 18, top: 54, bottom: 92, maxTicks: 6, markerSize: 8, barText: false },
};

/** How many rows fit under the variant's height cap: also what `buildTimeline` folds down to. */
export function rowBudget(variant: TimelineVariant): number {
  const size = VARIANTS[variant];
  return Math.floor((size.maxHeight - size.top - size.bottom) / size.rowHeight);
}

export type LayoutRow =
  | { kind: 'bar'; bar: TimelineBar; group: TimelineGroup; firstInGroup: boolean }
  /** Copies of the group not drawn: `count` nodes, `ok` of them healthy (folded or cut here). */
  | { kind: 'more'; count: number; ok: number; group: TimelineGroup; firstInGroup: boolean };

export interface TimelineLayout {
  variant: TimelineVariant;
  size: VariantSize;
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  rows: LayoutRow[];
  /** Unhealthy bars past the height cap, not drawn (healthy ones are folded before this). */
  cut: { groups: number; bars: number };
  /** Time → x inside the plot. */
  x(ms: number): number;
  /** The vertical centre of row `index`. */
  rowCentre(index: number): number;
}

/**
 * A group's bars under a cap: the first `cap` (the worst, see `worstFirst`), its owner kept
 * in place of the last of them when it comes later (with room for two). A group one bar over
 * the cap, with no healthy copies folded, is drawn whole: a "+1 more" line costs the same row.
 */
function capGroup(group: TimelineGroup, cap: number): { shown: TimelineBar[]; hidden: TimelineBar[] } {
  if (group.bars.length <= cap || (group.bars.length === cap + 1 && group.foldedOk === 0)) return { shown: group.bars, hidden: [] };
  const owner = group.bars.find((bar) => bar.isOwner);
  let shown = group.bars.slice(0, cap);
  if (owner && cap >= 2 && !shown.includes(owner)) shown = [...shown.slice(0, cap - 1), owner];
  return { shown, hidden: group.bars.filter((bar) => !shown.includes(bar)) };
}

function cappedRows(group: TimelineGroup, cap: number): number {
  const { shown, hidden } = capGroup(group, cap);
  return shown.length + (hidden.length + group.foldedOk > 0 ? 1 : 0);
}

/**
 * The largest per-group cap that fits: a cut group shows `cap` bars and a "+N more" row.
 * When even one bar per group is too many, the last groups (the healthiest) go.
 */
function fitGroups(groups: readonly TimelineGroup[], budget: number): { rows: LayoutRow[]; cut: { groups: number; bars: number } } {
  const rowsWith = (cap: number) => groups.reduce((sum, group) => sum + cappedRows(group, cap), 0);
  const largest = Math.max(0, ...groups.map((group) => group.bars.length));
  let cap = largest;
  while (cap > 1 && rowsWith(cap) > budget) cap--;
  const kept: TimelineGroup[] = [];
  let used = 0;
  const cut = { groups: 0, bars: 0 };
  for (const group of groups) {
    const rows = cappedRows(group, cap);
    if (used + rows > budget && kept.length > 0) {
      cut.groups++;
      cut.bars += group.bars.length + group.foldedOk;
      continue;
    }
    kept.push(group);
    used += rows;
  }
  const rows: LayoutRow[] = [];
  for (const group of kept) {
    const { shown, hidden } = capGroup(group, cap);
    shown.forEach((bar, index) => rows.push({ kind: 'bar', bar, group, firstInGroup: index === 0 }));
    const count = hidden.length + group.foldedOk;
    if (count > 0) rows.push({ kind: 'more', count, ok: hidden.filter((bar) => bar.health === 'ok').length + group.foldedOk, group, firstInGroup: shown.length === 0 });
  }
  return { rows, cut };
}

export function layoutTimeline(timeline: Timeline, variant: TimelineVariant): TimelineLayout {
  const size = VARIANTS[variant];
  const { rows, cut } = fitGroups(timeline.groups, rowBudget(variant));
  // An empty picture still has one row, to say there is nothing to show.
  const plotHeight = Math.max(1, rows.length) * size.rowHeight;
  const plot = { left: size.labelWidth, top: size.top, width: size.width - size.labelWidth - size.right, height: plotHeight };
  const span = timeline.toMs - timeline.fromMs;
  return {
    variant,
    size,
    width: size.width,
    height: size.top + plotHeight + size.bottom,
    plot,
    rows,
    cut,
    x: (ms) => plot.left + ((ms - timeline.fromMs) / span) * plot.width,
    rowCentre: (index) => plot.top + (index + 0.5) * size.rowHeight,
  };
}
