import { describe, expect, it } from 'vitest';
import { auditCounts } from '../../src/metrics/audit-events.js';
import { AUDIT_ACTIONS, SYNC_ACTIONS } from '../../src/state/audit-actions.js';
import type { AuditRecord } from '../../src/state/audit-log.js';
import { timelineEvents } from '../../src/timeline/audit-events.js';

/*
 * The audit log's action names are stored for good: written here in full on purpose, so a
 * reword (which would orphan every record already kept) fails a test. And the two readers,
 * the bot's counters and the timeline's markers, take a sync to be the same records.
 */

describe('audit action names', () => {
  it('are the words already stored in audit logs', () => {
    expect(AUDIT_ACTIONS).toEqual({
      sync: 'tokens sync',
      syncAfterRefresh: 'tokens sync (after refresh)',
      syncDryRun: 'tokens sync (dry run)',
      refresh: 'tokens refresh',
      restart: 'restart',
      restartPlan: 'restart plan',
      restartConfirmation: 'restart confirmation',
      capacitySet: 'capacity set',
      renewal: 'renewal',
      renewalOwner: 'renewal owner',
    });
  });

  it('the counters and the timeline read the same records as syncs, refreshes and restarts', () => {
    const record = (action: string, target: string): AuditRecord => ({ id: action, at: '2026-01-01T00:00:00.000Z', actor: { via: 'discord', id: '1', name: 'ops' }, action, target, outcome: 'ok', detail: 't440: updated anthropic:default' });
    const kinds = { [AUDIT_ACTIONS.refresh]: ['refreshes', 'refresh'], [AUDIT_ACTIONS.renewal]: ['renewals', 'refresh'], [AUDIT_ACTIONS.restart]: ['restarts', 'restart'] } as Record<string, [string, string]>;
    for (const action of SYNC_ACTIONS) kinds[action] = ['syncs', 'sync'];
    for (const action of Object.values(AUDIT_ACTIONS)) {
      const [counter, marker] = kinds[action] ?? [];
      expect(auditCounts(record(action, 't440')).map((count) => count.counter), action).toEqual(counter ? [counter] : []);
      expect(timelineEvents([record(action, 't440')], ['t440']).map((event) => event.kind), action).toEqual(marker ? [marker] : []);
    }
  });
});
