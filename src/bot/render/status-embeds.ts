import type { APIEmbed } from 'discord.js';
import { nodeUrgency, type FleetView, type NodeView, type ProfileCell } from '../../domain/fleet-view.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { EMBED_COLOURS, HEALTH_ICONS } from '../../domain/health-colours.js';
import { expiryWords } from '../../domain/expiry-horizon.js';
import { LIMITS, code, embedChars, relativeTime, truncate } from './discord-format.js';

/*
 * `/tokens status` as embeds: a field per node (worst first), a line per profile under it.
 * What fits is decided by Discord's limits: healthy profiles collapse into a count when a
 * node has many, and healthy nodes collapse into one line when the fleet is large, so the
 * problems always show.
 */

const DETAIL_PROFILES_PER_NODE = 8;
/** Leave room for the summary and footer within the 6000-character message budget. */
const FIELD_BUDGET = LIMITS.messageEmbedChars - 900;

function profileLine(cell: ProfileCell): string {
  const parts = [`${HEALTH_ICONS[cell.health]} ${code(cell.profileId)}`];
  if (cell.health === 'missing') parts.push('missing here');
  else if (cell.health === 'invalid') parts.push(`malformed${cell.reason ? `: ${truncate(scrub(cell.reason), 80)}` : ''}`);
  else if (cell.expiresAt) parts.push(expiryWords(Date.parse(cell.expiresAt), cell.health === 'expired'));
  else parts.push('no expiry');
  if (cell.isOwner) parts.push('👑 owner');
  if (cell.tokenTag) parts.push(`token ${cell.tokenTag}`);
  if (cell.agents.length > 1) parts.push(`×${cell.agents.length} agents`);
  const renewal = renewalNote(cell);
  if (renewal) parts.push(renewal);
  if (cell.divergesFromOwner) parts.push(`⚠️ not the owner's token (owner ${cell.owner})`);
  if (cell.agentsDisagree) parts.push('⚠️ agents hold different tokens');
  return parts.join(' · ');
}

/** When the account renews and who renews it, or why it will not. */
export function renewalNote(cell: ProfileCell): string | null {
  const renewal = cell.renewal;
  if (!renewal) return null;
  const who = renewal.node ? ` on ${renewal.node}${renewal.standIn ? ' (stand-in)' : ''}` : '';
  const when = renewal.atMs !== null ? ` <t:${Math.floor(renewal.atMs / 1000)}:R>` : '';
  switch (renewal.state) {
    case 'scheduled':
      return `🔁 renews${when}${who}`;
    case 'retrying':
      return `⚠️ renewal failing (${renewal.lastError ?? 'error'}), again${when}${who}`;
    case 'failed':
      return `❌ renewal failed for good${who}: log in again`;
    case 'waiting':
      return `⏸️ renewal waits${renewal.reason ? `: ${truncate(scrub(renewal.reason), 120)}` : ''}`;
    case 'off':
      return null;
  }
}

function nodeTitle(node: NodeView): string {
  if (!node.reachable) return truncate(`${HEALTH_ICONS.unreachable} ${node.name} · ${node.error?.kind ?? 'unreachable'}`, LIMITS.fieldName);
  const gateway = node.gateway?.ready ? 'gateway ready' : node.gateway?.reachable ? 'gateway NOT ready' : 'gateway unreachable';
  const capacity = node.capacity ? ` · ${node.capacity.agentCount} agent${node.capacity.agentCount === 1 ? '' : 's'} / max ${node.capacity.maxConcurrent}` : '';
  return truncate(`${HEALTH_ICONS[node.worst]} ${node.name} · ${gateway}${capacity}`, LIMITS.fieldName);
}

function nodeBody(node: NodeView, collapseHealthy: boolean): string {
  if (!node.reachable) return truncate(scrub(node.error?.message ?? 'no answer'), LIMITS.fieldValue);
  const lines = node.unreadableStores.map((store) => `🚫 store of agent ${code(store.agentId)} unreadable: ${truncate(scrub(store.reason), 120)}`);
  const healthy = node.profiles.filter((cell) => cell.health === 'ok' && !cell.divergesFromOwner && !cell.agentsDisagree);
  const shown = collapseHealthy ? node.profiles.filter((cell) => !healthy.includes(cell)) : node.profiles;
  lines.push(...shown.map(profileLine));
  if (collapseHealthy && healthy.length > 0) lines.push(`${HEALTH_ICONS.ok} ${healthy.length} healthy profile${healthy.length === 1 ? '' : 's'}`);
  if (lines.length === 0) lines.push('no credential stores found');
  // Keep whole lines within the field limit, saying how many were left out.
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index;
    if (length + line.length + 1 > LIMITS.fieldValue - 40) {
      kept.push(`… ${rest} more (use /tokens status node:${node.name})`);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

function summary(view: FleetView): string {
  const reachable = view.nodes.filter((node) => node.reachable);
  const parts = [`**${view.nodes.length} node${view.nodes.length === 1 ? '' : 's'}**`];
  const ready = reachable.filter((node) => node.gateway?.ready).length;
  parts.push(`${ready} gateway${ready === 1 ? '' : 's'} ready`);
  for (const severity of ['expired', 'invalid', 'expiring', 'missing'] as const) {
    if (view.counts[severity] > 0) parts.push(`${HEALTH_ICONS[severity]} ${view.counts[severity]} ${severity}`);
  }
  if (view.counts.unreachable > 0) parts.push(`${HEALTH_ICONS.unreachable} ${view.counts.unreachable} unreachable`);
  return `${parts.join(' · ')}\nchecked ${relativeTime(view.checkedAt)}`;
}

export function renderStatusEmbeds(view: FleetView): APIEmbed[] {
  const nodes = [...view.nodes].sort((a, b) => nodeUrgency(b) - nodeUrgency(a) || a.name.localeCompare(b.name));
  const manyProfiles = nodes.reduce((sum, node) => sum + node.profiles.length, 0) > 40;
  const fields: Array<{ name: string; value: string }> = [];
  const collapsedNodes: NodeView[] = [];
  let used = 0;
  for (const node of nodes) {
    const healthyNode = node.reachable && node.worst === 'ok' && node.gateway?.ready;
    // Healthy nodes of a large fleet become one line; a fleet of a few shows every node.
    if (healthyNode && nodes.length > 12) {
      collapsedNodes.push(node);
      continue;
    }
    const field = { name: nodeTitle(node), value: nodeBody(node, manyProfiles || node.profiles.length > DETAIL_PROFILES_PER_NODE) };
    const size = field.name.length + field.value.length;
    if (used + size > FIELD_BUDGET || fields.length >= LIMITS.fields * LIMITS.embedsPerMessage) {
      collapsedNodes.push(node);
      continue;
    }
    fields.push(field);
    used += size;
  }
  const shownNodes = nodes.filter((node) => !collapsedNodes.includes(node)).slice(0, fields.length);
  const build = (): APIEmbed[] => {
    let description = summary(view);
    if (collapsedNodes.length > 0) {
      const healthy = collapsedNodes.filter((node) => node.worst === 'ok' && node.gateway?.ready);
      const others = collapsedNodes.filter((node) => !healthy.includes(node));
      const names = (list: NodeView[]) => truncate(list.map((node) => node.name).join(', '), 600);
      if (healthy.length > 0) description += `\n${HEALTH_ICONS.ok} ${healthy.length} more node${healthy.length === 1 ? '' : 's'} all healthy: ${names(healthy)}`;
      if (others.length > 0) description += `\n⚠️ ${others.length} more node${others.length === 1 ? '' : 's'} not shown (no room): ${names(others)} — use /tokens status node:<name>`;
    }
    const embeds: APIEmbed[] = [];
    for (let start = 0; start < Math.max(fields.length, 1); start += LIMITS.fields) {
      embeds.push({ color: EMBED_COLOURS[view.worst], fields: fields.slice(start, start + LIMITS.fields) });
    }
    embeds[0] = { ...embeds[0], title: 'Fleet token status', description: truncate(description, LIMITS.description) };
    embeds[embeds.length - 1] = { ...embeds[embeds.length - 1], footer: { text: '👑 owner refreshes the account · token A/B: same letter = same token' } };
    return embeds;
  };
  let embeds = build();
  // The description grows with the collapsed lists: drop fields until the whole message fits.
  while (fields.length > 0 && embedChars(embeds) > LIMITS.messageEmbedChars) {
    fields.pop();
    collapsedNodes.push(shownNodes.pop()!);
    embeds = build();
  }
  return embeds;
}
