import { nodeUrgency, type FleetView, type NodeView, type ProfileCell } from '../../domain/fleet-view.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { LABEL_WIDTH, SEVERITY_LABEL } from './severity-label.js';
import { expiry, utcMinute } from './when.js';

/*
 * `tokenops status` for a terminal: a line per node (worst first), a line per profile under
 * it, the same facts as the bot's embed. Nothing is collapsed: a terminal scrolls.
 */

function profileLine(cell: ProfileCell, idWidth: number, nowMs: number): string {
  const parts: string[] = [];
  if (cell.health === 'missing') parts.push('missing here (other nodes hold it)');
  else if (cell.health === 'invalid') parts.push(`malformed${cell.reason ? `: ${scrub(cell.reason)}` : ''}`);
  else parts.push(expiry(cell.expiresAt, nowMs));
  if (cell.isOwner) parts.push('owner');
  if (cell.tokenTag) parts.push(`token ${cell.tokenTag}`);
  if (cell.agents.length > 1) parts.push(`${cell.agents.length} agents (${cell.agents.join(', ')})`);
  if (cell.divergesFromOwner) parts.push(`NOT the owner's token (owner ${cell.owner})`);
  if (cell.agentsDisagree) parts.push('agents hold different tokens');
  if (cell.refreshError) parts.push(`last refresh failed for good (${scrub(cell.refreshError)}): needs a new login`);
  const renewal = renewalText(cell, nowMs);
  if (renewal) parts.push(renewal);
  return `  ${SEVERITY_LABEL[cell.health].padEnd(LABEL_WIDTH)}  ${cell.profileId.padEnd(idWidth)}  ${parts.join(' · ')}`;
}

/** When the account renews and who renews it, or why it will not. */
function renewalText(cell: ProfileCell, nowMs: number): string | null {
  const renewal = cell.renewal;
  if (!renewal) return null;
  const who = renewal.node ? ` on ${renewal.node}${renewal.standIn ? ' (stand-in)' : ''}` : '';
  const when = renewal.atMs !== null ? ` ${renewal.atMs <= nowMs ? 'now' : `at ${utcMinute(renewal.atMs)}`}` : '';
  switch (renewal.state) {
    case 'scheduled':
      return `renews${when}${who}`;
    case 'retrying':
      return `RENEWAL FAILING (${scrub(renewal.lastError ?? 'error')}), again${when}${who}`;
    case 'failed':
      return `RENEWAL FAILED FOR GOOD${who}: log in again`;
    case 'waiting':
      return `renewal waits${renewal.reason ? `: ${scrub(renewal.reason).replace(/<t:(\d+):R>/g, (_, seconds: string) => utcMinute(Number(seconds) * 1000))}` : ''}`;
    case 'off':
      return null;
  }
}

function nodeLines(node: NodeView, nowMs: number): string[] {
  if (!node.reachable) return [`${node.name}  ${SEVERITY_LABEL.unreachable} · ${node.error?.kind ?? 'no answer'}: ${scrub(node.error?.message ?? 'no answer')}`];
  const gateway = node.gateway?.ready ? 'gateway ready' : node.gateway?.reachable ? 'gateway NOT ready' : 'gateway unreachable';
  const capacity = node.capacity ? ` · ${node.capacity.agentCount} agent${node.capacity.agentCount === 1 ? '' : 's'} / maxConcurrent ${node.capacity.maxConcurrent}` : '';
  const lines = [`${node.name}  ${SEVERITY_LABEL[node.worst]} · ${gateway}${capacity}`];
  for (const store of node.unreadableStores) lines.push(`  ${SEVERITY_LABEL.invalid.padEnd(LABEL_WIDTH)}  store of agent ${store.agentId} unreadable: ${scrub(store.reason)}`);
  const idWidth = Math.max(0, ...node.profiles.map((cell) => cell.profileId.length));
  lines.push(...node.profiles.map((cell) => profileLine(cell, idWidth, nowMs)));
  if (node.profiles.length === 0 && node.unreadableStores.length === 0) lines.push('  no credential stores found');
  return lines;
}

function summary(view: FleetView): string {
  const reachable = view.nodes.filter((node) => node.reachable);
  const ready = reachable.filter((node) => node.gateway?.ready).length;
  const parts = [`${view.nodes.length} node${view.nodes.length === 1 ? '' : 's'}`, `${ready} gateway${ready === 1 ? '' : 's'} ready`];
  for (const severity of ['expired', 'invalid', 'expiring', 'missing', 'unreachable'] as const) {
    if (view.counts[severity] > 0) parts.push(`${view.counts[severity]} ${severity}`);
  }
  return `Fleet token status: ${parts.join(' · ')} (checked ${utcMinute(Date.parse(view.checkedAt))})`;
}

export function renderStatusText(view: FleetView, nowMs: number): string {
  const nodes = [...view.nodes].sort((a, b) => nodeUrgency(b) - nodeUrgency(a) || a.name.localeCompare(b.name));
  const lines = [summary(view), ''];
  for (const node of nodes) lines.push(...nodeLines(node, nowMs));
  if (view.nodes.some((node) => node.profiles.some((cell) => cell.tokenTag || cell.isOwner))) {
    lines.push('', 'owner: the node that refreshes the account · token A/B: same letter = same token');
  }
  return lines.join('\n');
}
