import { foldedAccountsText, type Timeline } from '../domain/expiry-timeline.js';
import type { CellHealth, FleetView } from '../domain/fleet-view.js';
import { HEALTH_ICONS, HEALTH_ORDER } from '../domain/health-colours.js';
import { shortDuration } from './time-axis.js';

/** Nodes the picture could not draw (no answer): named, so that their absence is not read as health. */
export function unreachableNote(view: FleetView): string | null {
  const down = view.nodes.filter((node) => !node.reachable).map((node) => node.name);
  if (down.length === 0) return null;
  return `no answer from ${down.length <= 3 ? down.join(', ') : `${down.length} nodes`}: not drawn`;
}

/** The one line posted with the picture: what it covers and the counts a reader scans for. */
export function timelineCaption(timeline: Timeline, view: FleetView, scope: string): string {
  const counts = new Map<CellHealth, number>();
  for (const bar of timeline.groups.flatMap((group) => group.bars)) counts.set(bar.health, (counts.get(bar.health) ?? 0) + 1);
  // Healthy copies not drawn, whole accounts or inside an unhealthy one, are still counted.
  const foldedOk = timeline.folded.bars + timeline.groups.reduce((sum, group) => sum + group.foldedOk, 0);
  if (foldedOk > 0) counts.set('ok', (counts.get('ok') ?? 0) + foldedOk);
  const hours = Math.round((timeline.toMs - timeline.nowMs) / 3_600_000);
  const parts = [`📈 Token expiry, ${scope}, next ${hours} h (UTC)`, `${view.nodes.length} node${view.nodes.length === 1 ? '' : 's'}`];
  parts.push(...HEALTH_ORDER.filter((health) => counts.get(health)).map((health) => `${HEALTH_ICONS[health]} ${counts.get(health)} ${health}`));
  const down = unreachableNote(view);
  if (down) parts.push(`${HEALTH_ICONS.unreachable} ${down}`);
  if (timeline.folded.groups > 0) parts.push(foldedAccountsText(timeline.folded.groups));
  const [next, ...later] = timeline.renewals;
  if (next) parts.push(`🔁 next renewal: ${next.profileId} on ${next.node}${next.standIn ? ' (stand-in)' : ''} in ${shortDuration(next.atMs - timeline.nowMs)}${later.length > 0 ? ` (+${later.length} more)` : ''}`);
  return parts.join(' · ');
}
