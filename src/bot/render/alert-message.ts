import { isCritical, type ActiveAlert, type NotifyDecision } from '../../domain/alerts.js';
import { generalizeNodeName } from '../../domain/alert-groups.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { LIMITS, truncate, wholeLines } from './discord-format.js';

const ICON = { warning: '⚠️', critical: '❌' } as const;

/** A node's alerts as one ops-channel message: what is wrong, and what to do about each. */
export function renderNodeAlerts(node: string, alerts: readonly ActiveAlert[], reason: Extract<NotifyDecision, { kind: 'post' }>['reason'] | 'edit'): string {
  const critical = alerts.some(isCritical);
  const head = `${critical ? '🔴' : '🟡'} **${node}**: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}${reason === 'repeat' ? ' (still active)' : reason === 'severity_rose' ? ' (now critical)' : ''}`;
  const lines = alerts.map((alert) => `${ICON[alert.severity]} ${scrub(alert.summary)}\n  → ${alert.action}`);
  return truncate(`${head}\n${wholeLines(lines, LIMITS.content - head.length - 10)}`, LIMITS.content);
}

/** A fleet-wide condition (src/domain/alert-groups.ts): what, on how many nodes (named, as many as fit), and one fix. */
export function renderGroupAlert(alerts: readonly ActiveAlert[], action: string, reason: Extract<NotifyDecision, { kind: 'post' }>['reason'] | 'edit'): string {
  const critical = alerts.some(isCritical);
  const nodes = [...new Set(alerts.map((alert) => alert.node))].sort();
  const sample = alerts[0]!;
  const what = generalizeNodeName(scrub(sample.summary), sample.node, 'each of them');
  const head = `${critical ? '🔴' : '🟡'} **${nodes.length} nodes**: ${sample.condition.replaceAll('_', ' ')}${sample.profileId ? ` of \`${sample.profileId}\`` : ''}${reason === 'repeat' ? ' (still active)' : reason === 'severity_rose' ? ' (now critical)' : ''}`;
  const fix = `→ ${action}`;
  const room = LIMITS.content - head.length - what.length - fix.length - 40;
  let list = '';
  for (const [index, node] of nodes.entries()) {
    const next = `${list}${list ? ', ' : ''}${node}`;
    if (next.length > room) {
      list += ` and ${nodes.length - index} more`;
      break;
    }
    list = next;
  }
  return truncate(`${head}\n${ICON[critical ? 'critical' : 'warning']} ${what}\nnodes: ${list}\n${fix}`, LIMITS.content);
}

/** `token_expiring/anthropic:default` as words: "token expiring of anthropic:default". */
function groupWords(key: string): string {
  const [condition = key, profileId = '*'] = key.split('/');
  return `${condition.replaceAll('_', ' ')}${profileId === '*' ? '' : ` of \`${profileId}\``}`;
}

export function renderGroupResolvedEdit(key: string, nowMs: number): string {
  return `✅ **fleet-wide**: ${groupWords(key)} resolved <t:${Math.floor(nowMs / 1000)}:R>`;
}

export function renderGroupResolvedNotice(key: string): string {
  return `✅ **fleet-wide**: ${groupWords(key)} resolved on every node.`;
}

/** A node's message whose alerts now stand in a fleet-wide one: not resolved, only moved. */
export function renderMovedEdit(node: string): string {
  return `➡️ **${node}**: its alerts are now in the fleet-wide message below.`;
}

export function renderResolvedEdit(node: string, nowMs: number): string {
  return `✅ **${node}**: resolved <t:${Math.floor(nowMs / 1000)}:R>`;
}

export function renderResolvedNotice(node: string): string {
  return `✅ **${node}**: all alerts resolved.`;
}
