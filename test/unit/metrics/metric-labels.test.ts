import { describe, expect, it } from 'vitest';
import { importOutcome, refreshOutcomes } from '../../../src/metrics/agent-outcomes.js';
import type { ImportResponse, RefreshResult } from '../../../src/protocol/agent-api.js';
import { auditCounts } from '../../../src/metrics/audit-events.js';
import { discordResponseErrorKind } from '../../../src/metrics/discord-error-kind.js';
import { methodLabel, routeLabel, statusLabel } from '../../../src/metrics/http-labels.js';
import { sharedRead } from '../../../src/metrics/shared-read.js';
import { restartAudit } from '../../../src/fleet/operations/restart-audit.js';

const actor = { via: 'discord' as const, id: '1', name: 'ops-alice' };

describe('request labels stay few', () => {
  const routes = new Set(['/v1/status', '/metrics']);
  it('a routed path is its template, anything else "other"', () => {
    expect(routeLabel('/v1/status', routes)).toBe('/v1/status');
    for (const hostile of ['/v1/status/', '/v1/../etc/passwd', '/V1/STATUS', `/${'x'.repeat(5000)}`, '']) expect(routeLabel(hostile, routes)).toBe('other');
  });
  it('methods and statuses from fixed sets', () => {
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
    expect(methodLabel(undefined)).toBe('OTHER');
    expect(statusLabel(404)).toBe('404');
    expect(statusLabel(0)).toBe('other');
  });
});

describe('agent outcomes', () => {
  const store = (outcome: ImportResponse['stores'][number]['outcome']) => ({ agentId: 'main', path: 'x', outcome, profiles: [] });
  const response = (dryRun: boolean, outcomes: Array<ImportResponse['stores'][number]['outcome']>) => ({ ok: true as const, value: { node: 'n', dryRun, force: false, stores: outcomes.map(store), notHeld: [] } });
  it('an import: written, partial, unchanged, refused, dry run, or its error code', () => {
    expect(importOutcome(response(false, ['written', 'unchanged']))).toBe('written');
    expect(importOutcome(response(false, ['written', 'refused']))).toBe('partial');
    expect(importOutcome(response(false, ['unchanged']))).toBe('unchanged');
    expect(importOutcome(response(false, ['refused']))).toBe('refused');
    expect(importOutcome(response(true, ['planned']))).toBe('dry_run');
    expect(importOutcome({ ok: false, code: 'lock_busy' })).toBe('lock_busy');
  });
  it('a refresh: an outcome per profile, or the request error once', () => {
    const result = (outcome: RefreshResult['outcome']): RefreshResult => ({ profileId: 'a:b', outcome, previousExpiresAt: null, expiresAt: null, fingerprint: null, rotated: false, stores: [], attempts: 1 });
    expect(refreshOutcomes({ ok: true, value: { node: 'n', results: [result('refreshed'), result('terminal')] } })).toEqual(['refreshed', 'terminal']);
    expect(refreshOutcomes({ ok: false, code: 'busy' })).toEqual(['busy']);
  });
});

describe('audit records as counters', () => {
  it('restart answers count as confirmations; node outcomes as restarts; a plan as nothing', () => {
    expect(auditCounts(restartAudit.confirmed(actor, 't440', [], { planBy: 'ops-alice', force: false }))).toEqual([{ counter: 'confirmations', outcome: 'confirmed' }]);
    expect(auditCounts(restartAudit.cancelled(actor, 't440', 'ops-alice'))).toEqual([{ counter: 'confirmations', outcome: 'cancelled' }]);
    expect(auditCounts(restartAudit.expired(actor, 't440'))).toEqual([{ counter: 'confirmations', outcome: 'expired' }]);
    expect(auditCounts(restartAudit.refused(actor, 't440', 'busy'))).toEqual([{ counter: 'restarts', outcome: 'refused' }]);
    expect(auditCounts({ action: 'restart', outcome: 'ok' })).toEqual([{ counter: 'restarts', outcome: 'ok' }]);
    expect(auditCounts({ action: 'restart plan', outcome: 'planned' })).toEqual([]);
  });
  it('syncs (not dry runs) and refreshes by outcome', () => {
    expect(auditCounts({ action: 'tokens sync', outcome: 'partial' })).toEqual([{ counter: 'syncs', outcome: 'partial' }]);
    expect(auditCounts({ action: 'tokens sync (after refresh)', outcome: 'ok' })).toEqual([{ counter: 'syncs', outcome: 'ok' }]);
    expect(auditCounts({ action: 'tokens sync (dry run)', outcome: 'planned' })).toEqual([]);
    expect(auditCounts({ action: 'tokens refresh', outcome: 'failed' })).toEqual([{ counter: 'refreshes', outcome: 'failed' }]);
    expect(auditCounts({ action: 'alerts silence', outcome: 'ok' })).toEqual([]);
  });
});

it('Discord REST answers as error kinds', () => {
  expect([200, 204, 399, 400, 404, 429, 500, 503].map(discordResponseErrorKind)).toEqual([null, null, null, 'rest_4xx', 'rest_4xx', 'rate_limited', 'rest_5xx', 'rest_5xx']);
});

it('one read per scrape: parallel collectors share it, a later scrape reads again', async () => {
  let clock = 0;
  let reads = 0;
  const read = sharedRead(async () => ++reads, 1000, () => clock);
  expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
  clock = 1500;
  expect(await read()).toBe(2);
});
