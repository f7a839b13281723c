import type { AuditRecord } from '../../state/audit-log.js';
import { plainMessage } from './plain-message.js';

/** The audit log, newest first, a record per line: when, outcome, action, target, who, detail. */
export function renderAuditText(records: readonly AuditRecord[], location: string, nowMs: number): string {
  if (records.length === 0) return `Audit log (${location}): nothing recorded yet.`;
  const outcomeWidth = Math.max(...records.map((record) => record.outcome.length));
  const lines = records.map((record) => {
    const target = record.target ? ` ${record.target}` : '';
    const detail = record.detail ? ` — ${plainMessage(record.detail, nowMs)}` : '';
    return `${record.at.slice(0, 19).replace('T', ' ')}Z  ${record.outcome.padEnd(outcomeWidth)}  ${record.action}${target} · ${record.actor.name} (${record.actor.via})${detail}`;
  });
  return [`Audit log (${location}) · latest ${records.length}, newest first`, ...lines].join('\n');
}
