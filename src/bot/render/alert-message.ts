import type { ActiveAlert, NotifyDecision } from '../../domain/alerts.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { LIMITS, truncate, wholeLines } from './discord-format.js';

const ICON = { warning: '⚠️', critical: '❌' } as const;

/** A node's alerts as one ops-channel message: what is wrong, and what to do about each. */
export function renderNodeAlerts(node: string, alerts: readonly ActiveAlert[], reason: Extract<NotifyDecision, { kind: 'post' }>['reason'] | 'edit'): string {
  const critical = alerts.some((alert) => alert.severity === 'critical');
  const head = `${critical ? '🔴' : '🟡'} **${node}**: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}${reason === 'repeat' ? ' (still active)' : reason === 'severity_rose' ? ' (now critical)' : ''}`;
  const lines = alerts.map((alert) => `${ICON[alert.severity]} ${scrub(alert.summary)}\n  → ${alert.action}`);
  return truncate(`${head}\n${wholeLines(lines, LIMITS.content - head.length - 10)}`, LIMITS.content);
}

export function renderResolvedEdit(node: string, nowMs: number): string {
  return `✅ **${node}**: resolved <t:${Math.floor(nowMs / 1000)}:R>`;
}

export function renderResolvedNotice(node: string): string {
  return `✅ **${node}**: all alerts resolved.`;
}
