import { describe, expect, it } from 'vitest';
import { renderNodeAlerts, renderResolvedEdit, renderResolvedNotice } from '../../../src/bot/render/alert-message.js';
import { alertOf, ANTHROPIC, CODEX, NOW } from './alert-fixtures.js';

/* The ops-channel text of a node's alerts: head, one entry per alert with its action, limits. */

const warning = alertOf('t440', { condition: 'token_expiring', profileId: ANTHROPIC, severity: 'warning', summary: `${ANTHROPIC} expires <t:1771100000:R>`, action: '`/tokens sync from:pc-a to:t440 profile:anthropic:default` (owner pc-a holds a fresher one)' });
const critical = alertOf('t440', { condition: 'token_expired', profileId: CODEX, severity: 'critical', summary: `${CODEX} expired <t:1771000000:R>`, action: '`/tokens refresh node:pc-a profile:openai-codex:ops@example.com` on the owner pc-a, then it syncs here' });

describe('renderNodeAlerts', () => {
  it('head: 🔴 when any alert is critical, with the node and the count', () => {
    const text = renderNodeAlerts('t440', [warning, critical], 'new');
    expect(text.split('\n')[0]).toBe('🔴 **t440**: 2 alerts');
  });

  it('head: 🟡 when all are warnings; one alert is singular', () => {
    expect(renderNodeAlerts('t440', [warning], 'new').split('\n')[0]).toBe('🟡 **t440**: 1 alert');
  });

  it('head says "(still active)" for a repeat and "(now critical)" when severity rose; nothing for new or edit', () => {
    expect(renderNodeAlerts('t440', [warning], 'repeat').split('\n')[0]).toBe('🟡 **t440**: 1 alert (still active)');
    expect(renderNodeAlerts('t440', [critical], 'severity_rose').split('\n')[0]).toBe('🔴 **t440**: 1 alert (now critical)');
    expect(renderNodeAlerts('t440', [critical], 'new').split('\n')[0]).toBe('🔴 **t440**: 1 alert');
    expect(renderNodeAlerts('t440', [critical], 'edit').split('\n')[0]).toBe('🔴 **t440**: 1 alert');
  });

  it('each alert is a line with its severity icon and summary, its action on the next line', () => {
    const lines = renderNodeAlerts('t440', [warning, critical], 'new').split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(`⚠️ ${warning.summary}`);
    expect(lines[2]).toBe(`  → ${warning.action}`);
    expect(lines[3]).toBe(`❌ ${critical.summary}`);
    expect(lines[4]).toBe(`  → ${critical.action}`);
  });

  it('200 alerts stay within Discord\'s 2000 characters: whole entries, then "… and N more"', () => {
    const alerts = Array.from({ length: 200 }, (_, index) =>
      alertOf('t440', {
        condition: 'token_expiring',
        profileId: `openai-codex:user${String(index).padStart(3, '0')}@example.com`,
        severity: index % 2 === 0 ? 'warning' : 'critical',
        summary: `openai-codex:user${String(index).padStart(3, '0')}@example.com expires <t:${1771100000 + index}:R>`,
        action: `\`/tokens sync from:pc-a to:t440 profile:openai-codex:user${String(index).padStart(3, '0')}@example.com\``,
      }),
    );
    const text = renderNodeAlerts('t440', alerts, 'new');
    expect(text.length).toBeLessThanOrEqual(2000);
    const lines = text.split('\n');
    expect(lines[0]).toBe('🔴 **t440**: 200 alerts');
    const last = lines.at(-1)!;
    const more = /^… and (\d+) more$/.exec(last);
    expect(more, `last line: ${last}`).not.toBeNull();
    const entries = lines.slice(1, -1);
    // Whole entries only: every summary line is followed by its action line.
    expect(entries.length % 2).toBe(0);
    const kept = entries.length / 2;
    expect(kept).toBeGreaterThan(0);
    for (let index = 0; index < kept; index++) {
      expect(entries[2 * index]).toBe(`${index % 2 === 0 ? '⚠️' : '❌'} ${alerts[index]!.summary}`);
      expect(entries[2 * index + 1]).toBe(`  → ${alerts[index]!.action}`);
    }
    expect(Number(more![1])).toBe(200 - kept);
    expect(text.endsWith('…')).toBe(false);
  });

  it('token-shaped strings in summaries are scrubbed', () => {
    const leak = 'sk-ant-oat01-' + 'Q'.repeat(40);
    const opaque = 'x'.repeat(20) + 'Y'.repeat(20);
    const alert = alertOf('t440', { condition: 'refresh_failed', profileId: ANTHROPIC, severity: 'critical', summary: `refresh of ${ANTHROPIC} failed for good (${leak} ${opaque})` });
    const text = renderNodeAlerts('t440', [alert], 'new');
    expect(text).not.toContain(leak);
    expect(text).not.toContain('Q'.repeat(20));
    expect(text).not.toContain(opaque);
    expect(text).toContain('[redacted]');
    // What is not token-shaped stays readable.
    expect(text).toContain(`refresh of ${ANTHROPIC} failed for good`);
  });
});

describe('resolved texts', () => {
  it('the edited message says resolved, with a Discord relative time', () => {
    expect(renderResolvedEdit('t440', NOW + 1500)).toBe(`✅ **t440**: resolved <t:${Math.floor((NOW + 1500) / 1000)}:R>`);
  });

  it('the notice says all alerts resolved', () => {
    expect(renderResolvedNotice('t440')).toBe('✅ **t440**: all alerts resolved.');
  });
});
