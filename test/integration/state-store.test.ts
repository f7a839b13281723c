import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuditLog, type AuditRecord } from '../../src/state/audit-log.js';
import { openStateStore } from '../../src/state/state-store.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

let redis: RedisServer | undefined;
const hasRedis = redisAvailable();

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: Array<[string, () => string]> = [
  ['sqlite', () => `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-state-')), 'state.sqlite')}`],
  ['redis', () => `${redis!.url}/0`],
];

describe.each(backends)('state on %s', (name, makeUrl) => {
  test.skipIf(name === 'redis' && !hasRedis)('namespaces are separate, values survive a reopen, the audit log lists newest first', async () => {
    const url = makeUrl();
    const first = await openStateStore(url);
    const alerts = first.namespace<{ severity: string }>('alerts-test');
    const other = first.namespace<{ severity: string }>('other-test');
    await alerts.clear();
    await other.clear();
    await alerts.set('t440', { severity: 'critical' });
    await other.set('t440', { severity: 'none' });
    let clock = Date.parse('2026-02-14T09:00:00Z');
    const audit = new AuditLog(first.namespace<AuditRecord>(`audit-${name}-${Date.now()}`), () => clock);
    for (const action of ['tokens sync', 'restart', 'capacity set']) {
      await audit.record({ actor: { via: 'discord', id: '1', name: 'ops-alice' }, action, target: 't440', outcome: 'ok' });
      clock += 1000;
    }
    expect((await audit.latest(2)).map((record) => record.action)).toEqual(['capacity set', 'restart']);
    expect((await audit.since(clock - 2000)).map((record) => record.action)).toEqual(['restart', 'capacity set']);
    await first.close();

    const second = await openStateStore(url);
    expect(await second.namespace<{ severity: string }>('alerts-test').get('t440')).toEqual({ severity: 'critical' });
    expect(await second.namespace<{ severity: string }>('other-test').get('t440')).toEqual({ severity: 'none' });
    await second.namespace('other-test').clear();
    expect(await second.namespace<{ severity: string }>('alerts-test').get('t440')).toEqual({ severity: 'critical' });
    expect(second.location).not.toMatch(/password/);
    await second.close();
  });
});

test('an unsupported state URL is a clear error', async () => {
  await expect(openStateStore('postgres://x')).rejects.toThrow(/expected sqlite:\/\/<path> or redis:\/\/host:port/);
});
