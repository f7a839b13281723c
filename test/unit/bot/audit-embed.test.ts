import { describe, expect, it } from 'vitest';
import { renderAuditEmbed } from '../../../src/bot/render/audit-embed.js';
import { type AuditRecord, auditRecordSchema } from '../../../src/state/audit-log.js';

const T0 = Date.UTC(2026, 1, 14, 9, 0, 0);

function record(index: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  const at = T0 + index * 60_000;
  const value: AuditRecord = {
    id: `${String(at).padStart(15, '0')}-${String(index).padStart(8, '0')}`,
    at: new Date(at).toISOString(),
    actor: { via: 'discord', id: '555555555555555555', name: `alice${index}` },
    action: 'tokens.sync',
    target: `t440#${index}`,
    outcome: 'ok',
    ...overrides,
  };
  expect(auditRecordSchema.safeParse(value).success).toBe(true);
  return value;
}

describe('renderAuditEmbed', () => {
  it('an empty log says nothing was recorded', () => {
    const embed = renderAuditEmbed([]);
    expect(embed.title).toBe('Audit log');
    expect(embed.description).toBe('Nothing recorded yet.');
    expect(embed.fields ?? []).toEqual([]);
  });

  it('one line per record: outcome icon, full Discord timestamp, action, target, outcome, actor', () => {
    const embed = renderAuditEmbed([record(0, { detail: 'from pc-a, 2 profiles' })]);
    expect(embed.title).toBe('Audit log · latest 1');
    const seconds = Math.floor(T0 / 1000);
    expect(embed.description).toBe(`✅ <t:${seconds}:f> **tokens.sync** t440#0 · ok · alice0 (discord) — from pc-a, 2 profiles`);
  });

  it('every outcome has its own icon', () => {
    const outcomes = ['ok', 'failed', 'refused', 'planned', 'confirmed', 'cancelled', 'expired', 'partial'] as const;
    const embed = renderAuditEmbed(outcomes.map((outcome, i) => record(i, { outcome })));
    const lines = (embed.description ?? '').split('\n');
    expect(lines).toHaveLength(outcomes.length);
    const icons = lines.map((line) => line.split(' ')[0]);
    expect(new Set(icons).size).toBe(outcomes.length);
    for (const [i, outcome] of outcomes.entries()) {
      expect(lines[i]).toContain(`· ${outcome} ·`);
      expect(icons[i]).not.toBe('undefined');
    }
  });

  it('omits the target and detail when absent', () => {
    const embed = renderAuditEmbed([record(0, { target: undefined, actor: { via: 'scheduler', id: 'sync', name: 'periodic sync' } })]);
    expect(embed.description).toMatch(/\*\*tokens\.sync\*\* · ok · periodic sync \(scheduler\)$/);
    expect(embed.description).not.toContain('—');
  });

  it('keeps the order it is given (the caller passes newest first)', () => {
    const newestFirst = [4, 3, 2, 1, 0].map((i) => record(i));
    const lines = (renderAuditEmbed(newestFirst).description ?? '').split('\n');
    expect(lines.map((line) => /t440#(\d)/.exec(line)?.[1])).toEqual(['4', '3', '2', '1', '0']);
    const oldestFirst = [0, 1, 2, 3, 4].map((i) => record(i));
    expect((renderAuditEmbed(oldestFirst).description ?? '').split('\n').map((line) => /t440#(\d)/.exec(line)?.[1])).toEqual(['0', '1', '2', '3', '4']);
  });

  it('cuts long details to a short excerpt', () => {
    const embed = renderAuditEmbed([record(0, { detail: 'x'.repeat(1000) })]);
    const detail = (embed.description ?? '').split(' — ')[1] ?? '';
    expect(detail.length).toBeLessThanOrEqual(160);
    expect(detail.endsWith('…')).toBe(true);
  });

  it('a long log stays within 4096 characters and says how many more were not shown', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(49 - i, { detail: `d${i} `.padEnd(200, '.') }));
    const embed = renderAuditEmbed(records);
    const description = embed.description ?? '';
    expect(description.length).toBeLessThanOrEqual(4096);
    const lines = description.split('\n');
    const last = lines[lines.length - 1] ?? '';
    const shown = lines.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(50);
    expect(last).toBe(`… ${50 - shown} more not shown`);
    // The ones shown are the first ones given (the newest), whole, in order.
    for (const [i, line] of lines.slice(0, -1).entries()) expect(line).toContain(`t440#${49 - i} `);
    expect(embed.title).toBe('Audit log · latest 50');
  });

  it('a log that just fits shows no "more" line', () => {
    const embed = renderAuditEmbed(Array.from({ length: 10 }, (_, i) => record(i)));
    expect(embed.description).not.toContain('more not shown');
    expect((embed.description ?? '').split('\n')).toHaveLength(10);
  });

  it('the whole embed is within the message limit, even at /audit limit:50 with maximal details', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i, { detail: 'y'.repeat(1000), action: 'restart.confirm', target: 'all' }));
    const embed = renderAuditEmbed(records);
    const total = (embed.title ?? '').length + (embed.description ?? '').length;
    expect(total).toBeLessThanOrEqual(6000);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(4096);
  });
});
