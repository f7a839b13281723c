import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyv } from 'keyv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEntry, AuditLog, type AuditRecord } from '../../../src/state/audit-log.js';
import { SqliteKeyvStore } from '../../../src/state/sqlite-keyv-store.js';

let dir: string;
let counter = 0;
const opened: Keyv[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokenops-state-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((keyv) => keyv.disconnect().catch(() => undefined)));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freshFile(): string {
  return path.join(dir, `state-${++counter}`, 'tokenops.sqlite');
}

function open<T = unknown>(file: string, namespace: string): Keyv<T> {
  const keyv = new Keyv<T>({ store: new SqliteKeyvStore(file), namespace });
  opened.push(keyv as Keyv);
  return keyv;
}

async function keysOf(keyv: Keyv): Promise<string[]> {
  if (!keyv.iterator) throw new Error('no iterator');
  const keys: string[] = [];
  for await (const [key] of keyv.iterator(undefined)) keys.push(String(key));
  return keys.sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SqliteKeyvStore through keyv', () => {
  it('set / get / has / delete', async () => {
    const keyv = open<{ n: number; list: string[] }>(freshFile(), 'audit');
    expect(await keyv.get('a')).toBeUndefined();
    expect(await keyv.set('a', { n: 1, list: ['x', 'y'] })).toBe(true);
    expect(await keyv.get('a')).toEqual({ n: 1, list: ['x', 'y'] });
    expect(await keyv.has('a')).toBe(true);
    await keyv.set('a', { n: 2, list: [] });
    expect(await keyv.get('a')).toEqual({ n: 2, list: [] });
    expect(await keyv.delete('a')).toBe(true);
    expect(await keyv.delete('a')).toBe(false);
    expect(await keyv.get('a')).toBeUndefined();
    expect(await keyv.has('a')).toBe(false);
  });

  it('keeps strings, numbers, booleans and nulls as they were', async () => {
    const keyv = open(freshFile(), 'misc');
    const values: unknown[] = ['text with \'quotes\' and "double" and \n newline', 0, -1.5, true, false, null, { nested: { deep: [1, { x: null }] } }, ''];
    for (const [i, value] of values.entries()) await keyv.set(`k${i}`, value);
    for (const [i, value] of values.entries()) expect(await keyv.get(`k${i}`), `k${i}`).toEqual(value);
  });

  it('namespaces sharing one file do not see each other', async () => {
    const file = freshFile();
    const audit = open(file, 'audit');
    const alerts = open(file, 'alerts');
    await audit.set('x', 'audit-x');
    await alerts.set('x', 'alerts-x');
    expect(await audit.get('x')).toBe('audit-x');
    expect(await alerts.get('x')).toBe('alerts-x');
    await audit.delete('x');
    expect(await alerts.get('x')).toBe('alerts-x');
  });

  it('clear() clears only its own namespace', async () => {
    const file = freshFile();
    const audit = open(file, 'audit');
    const alerts = open(file, 'alerts');
    const auditLike = open(file, 'audit2');
    for (const key of ['a', 'b', 'c']) {
      await audit.set(key, 1);
      await alerts.set(key, 2);
      await auditLike.set(key, 3);
    }
    await audit.clear();
    expect(await keysOf(audit)).toEqual([]);
    expect(await audit.get('a')).toBeUndefined();
    expect(await keysOf(alerts)).toEqual(['a', 'b', 'c']);
    expect(await keysOf(auditLike)).toEqual(['a', 'b', 'c']);
  });

  it('LIKE wildcards in a namespace are literal: clearing "a_b" leaves "aXb" alone', async () => {
    const file = freshFile();
    const underscore = open(file, 'a_b');
    const letter = open(file, 'aXb');
    const percent = open(file, 'p%');
    const pOther = open(file, 'pzz');
    await underscore.set('k', 1);
    await letter.set('k', 2);
    await percent.set('k', 3);
    await pOther.set('k', 4);
    expect(await keysOf(underscore)).toEqual(['k']);
    expect(await keysOf(percent)).toEqual(['k']);
    await underscore.clear();
    await percent.clear();
    expect(await letter.get('k')).toBe(2);
    expect(await pOther.get('k')).toBe(4);
    expect(await underscore.get('k')).toBeUndefined();
  });

  it('the iterator lists only its own namespace, keys without the prefix, values decoded', async () => {
    const file = freshFile();
    const audit = open<{ n: number }>(file, 'audit');
    const alerts = open<{ n: number }>(file, 'alerts');
    await audit.set('one', { n: 1 });
    await audit.set('two', { n: 2 });
    await alerts.set('three', { n: 3 });
    const entries: Array<[string, unknown]> = [];
    for await (const [key, value] of audit.iterator!(undefined)) entries.push([String(key), value]);
    expect(entries.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['one', { n: 1 }],
      ['two', { n: 2 }],
    ]);
    expect(await keysOf(alerts)).toEqual(['three']);
  });

  it('values survive closing and reopening the file (a new instance)', async () => {
    const file = freshFile();
    const first = open(file, 'audit');
    await first.set('kept', { ok: true });
    await first.set('gone', 1);
    await first.delete('gone');
    await first.disconnect();
    const second = open(file, 'audit');
    expect(await second.get('kept')).toEqual({ ok: true });
    expect(await second.get('gone')).toBeUndefined();
    expect(await keysOf(second)).toEqual(['kept']);
  });

  it('TTL: an entry expires through keyv (get, has and the iterator)', async () => {
    const keyv = open(freshFile(), 'pending');
    await keyv.set('short', 'v', 15);
    await keyv.set('long', 'v', 60_000);
    await keyv.set('forever', 'v');
    expect(await keyv.get('short')).toBe('v');
    await sleep(40);
    expect(await keyv.get('short')).toBeUndefined();
    expect(await keyv.has('short')).toBe(false);
    expect(await keyv.get('long')).toBe('v');
    expect(await keyv.get('forever')).toBe('v');
    expect(await keysOf(keyv)).toEqual(['forever', 'long']);
  });

  it('creates the folder of the file', async () => {
    const file = path.join(dir, 'deep', 'er', 'than', 'before', 'state.sqlite');
    const keyv = open(file, 'x');
    await keyv.set('k', 1);
    expect(await keyv.get('k')).toBe(1);
  });

  it('disconnect twice is harmless', async () => {
    const store = new SqliteKeyvStore(freshFile());
    await store.disconnect();
    await expect(store.disconnect()).resolves.toBeUndefined();
  });
});

describe('AuditLog', () => {
  const T0 = Date.UTC(2026, 1, 14, 9, 0, 0);
  const entry = (n: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
    actor: { via: 'discord', id: '555555555555555555', name: 'alice' },
    action: 'tokens.sync',
    target: `t440#${n}`,
    outcome: 'ok',
    ...overrides,
  });

  function auditLog(now: () => number, file = freshFile()): AuditLog {
    return new AuditLog(open<AuditRecord>(file, 'audit'), now);
  }

  it('record() validates, stamps the time and returns the stored record', async () => {
    const log = auditLog(() => T0);
    const record = await log.record(entry(1, { detail: 'from pc-a' }));
    expect(record).toMatchObject({ ...entry(1, { detail: 'from pc-a' }), at: new Date(T0).toISOString() });
    expect(record.id).toMatch(/^0*\d+-/);
    expect(await log.latest(10)).toEqual([record]);
  });

  it('record() refuses an entry that does not fit the schema, and stores nothing', async () => {
    const log = auditLog(() => T0);
    await expect(log.record({ ...entry(1), outcome: 'great' as AuditEntry['outcome'] })).rejects.toThrow();
    await expect(log.record({ ...entry(1), actor: { via: 'email' as 'cli', id: 'x', name: 'x' } })).rejects.toThrow();
    expect(await log.latest(10)).toEqual([]);
  });

  it('record() cuts a detail past 1000 characters rather than failing an action already done (a sync to a hundred nodes)', async () => {
    const log = auditLog(() => T0);
    // What a sync to a hundred nodes writes: one short clause per node. (A single 5,000-character
    // run would be cut as token-shaped before it is cut for length.)
    const detail = Array.from({ length: 100 }, (_, i) => `node-${i}: 15 profiles imported`).join(', ');
    expect(detail.length).toBeGreaterThan(1000);
    const record = await log.record(entry(1, { detail }));
    expect(record.detail).toHaveLength(1000);
    expect(record.detail?.startsWith('node-0: 15 profiles imported, node-1:')).toBe(true);
    expect(record.detail?.endsWith('…')).toBe(true);
    expect(await log.latest(1)).toEqual([record]);
  });

  it('record() cuts anything token-shaped out of a detail (an agent may quote one in a refusal)', async () => {
    const log = auditLog(() => T0);
    const token = `sk-ant-oat01-${'q'.repeat(40)}`;
    const record = await log.record(entry(1, { detail: `t440 refused: bad token ${token} in store` }));
    expect(record.detail).toBe('t440 refused: bad token [redacted] in store');
    expect(JSON.stringify(await log.latest(1))).not.toContain(token);
  });

  it('latest(n) gives the newest first, at most n', async () => {
    let now = T0;
    const log = auditLog(() => (now += 1000));
    for (let i = 0; i < 7; i++) await log.record(entry(i));
    expect((await log.latest(3)).map((r) => r.target)).toEqual(['t440#6', 't440#5', 't440#4']);
    expect((await log.latest(100)).map((r) => r.target)).toEqual(['t440#6', 't440#5', 't440#4', 't440#3', 't440#2', 't440#1', 't440#0']);
  });

  it('orders by time, not by insertion, when a clock goes backwards between writers', async () => {
    const times = [T0 + 5000, T0 + 1000, T0 + 3000];
    let i = 0;
    const log = auditLog(() => times[i++]!);
    for (const n of [0, 1, 2]) await log.record(entry(n));
    expect((await log.latest(3)).map((r) => r.target)).toEqual(['t440#0', 't440#2', 't440#1']);
  });

  it('records with the same millisecond keep their insertion order', async () => {
    // A confirmation and the restart it triggers can land in one millisecond; the log must
    // not show the restart before its confirmation.
    const log = auditLog(() => T0);
    for (let i = 0; i < 30; i++) await log.record(entry(i));
    expect((await log.latest(30)).map((r) => r.target)).toEqual(Array.from({ length: 30 }, (_, i) => `t440#${29 - i}`));
  });

  it('since(t) gives the records from t on, oldest first, whatever their keys or their order of writing', async () => {
    const file = freshFile();
    const times = [T0 + 5000, T0 + 1000, T0 + 3000, T0 + 3000];
    let i = 0;
    const log = auditLog(() => times[i++]!, file);
    for (const n of [0, 1, 2, 3]) await log.record(entry(n));
    const raw = open(file, 'audit');
    await raw.set('zzz-junk', { not: 'a record' });
    expect((await log.since(T0 + 3000)).map((r) => r.target)).toEqual(['t440#2', 't440#3', 't440#0']);
    expect((await log.since(T0 + 2999.5)).map((r) => r.target)).toEqual(['t440#2', 't440#3', 't440#0']);
    expect((await log.since(T0 + 5001)).map((r) => r.target)).toEqual([]);
    expect(await log.since(0)).toHaveLength(4);
  });

  it('latest() ignores foreign or corrupt entries in its namespace', async () => {
    const file = freshFile();
    const log = auditLog(() => T0, file);
    const good = await log.record(entry(1));
    const raw = open(file, 'audit');
    await raw.set('zzz-junk', { not: 'a record' });
    await raw.set('000000000000000-bad', 'text');
    expect(await log.latest(10)).toEqual([good]);
  });

  it('the log survives reopening the file', async () => {
    const file = freshFile();
    let now = T0;
    const first = auditLog(() => (now += 1), file);
    await first.record(entry(1));
    await first.record(entry(2));
    const second = auditLog(() => (now += 1), file);
    await second.record(entry(3));
    expect((await second.latest(10)).map((r) => r.target)).toEqual(['t440#3', 't440#2', 't440#1']);
  });

  it('prune keeps the newest 5000 records', async () => {
    // 5100 records from a fast fake clock: pruning runs every 100 writes, so the 5100th write
    // removes the oldest 100. Takes a few seconds on a slow machine (sync SQLite writes).
    let now = T0;
    const log = auditLog(() => (now += 1));
    const started = Date.now();
    for (let i = 0; i < 5100; i++) await log.record(entry(i));
    const all = await log.latest(10_000);
    expect(all).toHaveLength(5000);
    expect(all[0]?.target).toBe('t440#5099');
    expect(all[all.length - 1]?.target).toBe('t440#100');
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
