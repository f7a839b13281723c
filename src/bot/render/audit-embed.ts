import type { APIEmbed } from 'discord.js';
import type { AuditRecord } from '../../state/audit-log.js';
import { LIMITS, truncate } from './discord-format.js';

const OUTCOME_ICON: Record<AuditRecord['outcome'], string> = {
  ok: '✅',
  failed: '❌',
  refused: '⛔',
  planned: '📝',
  confirmed: '👍',
  cancelled: '✖️',
  expired: '⌛',
  partial: '⚠️',
  interrupted: '💥',
};

export function renderAuditEmbed(records: readonly AuditRecord[]): APIEmbed {
  if (records.length === 0) return { title: 'Audit log', description: 'Nothing recorded yet.' };
  const lines = records.map((record) => {
    const when = `<t:${Math.floor(Date.parse(record.at) / 1000)}:f>`;
    const target = record.target ? ` ${record.target}` : '';
    const detail = record.detail ? ` — ${truncate(record.detail, 160)}` : '';
    return `${OUTCOME_ICON[record.outcome]} ${when} **${record.action}**${target} · ${record.outcome} · ${record.actor.name} (${record.actor.via})${detail}`;
  });
  let description = '';
  let shown = 0;
  for (const line of lines) {
    if (description.length + line.length + 1 > LIMITS.description - 60) break;
    description += `${line}\n`;
    shown++;
  }
  if (shown < lines.length) description += `… ${lines.length - shown} more not shown`;
  return { title: `Audit log · latest ${records.length}`, description: description.trimEnd(), color: 0x5865f2 };
}
