import { describe, expect, test } from 'vitest';
import type { AuditRecord } from '../../src/state/audit-log.js';
import { timelineEvents } from '../../src/timeline/audit-events.js';
import { timelineCaption } from '../../src/timeline/caption.js';
import { concernedNodes, concernedScope, viewOfConcerned } from '../../src/timeline/concerned-nodes.js';
import { picturesConcerning } from '../../src/timeline/timeline-picture.js';
import { createLogger } from '../../src/logging/logger.js';
import { cell, HOUR, incident, node, NOW, THRESHOLDS, timelineOf, view } from '../support/timeline-fixtures.js';

/* Where the picture's markers, nodes and caption come from: audit records, the fleet view. */

let sequence = 0;
function record(action: string, target: string, outcome: AuditRecord['outcome'], detail?: string, atMs = NOW - 3_600_000): AuditRecord {
  return { id: String(sequence++), at: new Date(atMs).toISOString(), actor: { via: 'discord', id: '1', name: 'ops' }, action, target, outcome, ...(detail ? { detail } : {}) };
}

const NODES = ['pc-a', 't440', 'n-2'];

describe('markers from the audit log', () => {
  test('a sync marks each target it reached, named in its detail; busy or failed targets are not marked', () => {
    expect(timelineEvents([record('tokens sync', 'pc-a → all', 'partial', 't440: updated anthropic:default; n-2: busy')], NODES)).toEqual([{ node: 't440', kind: 'sync', atMs: NOW - 3_600_000 }]);
    expect(timelineEvents([record('tokens sync', 'pc-a → t440 (anthropic:default)', 'ok', 't440: nothing to change')], NODES).map((event) => event.node)).toEqual(['t440']);
  });

  test("the scheduler's syncs (auto-sync's changes, auto-fix's target) and a sync after a refresh count too", () => {
    const events = timelineEvents(
      [
        record('tokens sync', 'pc-a → followers', 'ok', 'anthropic:default → t440 (main, agent1); anthropic:default → n-2 (main)'),
        record('tokens sync', 'pc-a → n-2 (openai-codex:ops)', 'ok', 'auto-fix of an expiring token'),
        record('tokens sync (after refresh)', 'pc-a → all', 'ok', 't440: updated anthropic:default'),
      ],
      NODES,
    );
    expect(events.map((event) => `${event.kind} ${event.node}`)).toEqual(['sync t440', 'sync n-2', 'sync n-2', 'sync t440']);
  });

  test('refreshes and restarts that happened mark their node; plans, refusals, dry runs and failures do not', () => {
    const events = timelineEvents(
      [
        record('tokens refresh', 'pc-a (anthropic:default)', 'ok'),
        record('restart', 't440', 'ok', 'ready'),
        record('restart', 't440', 'failed', 'not ready'),
        record('restart plan', 't440', 'planned'),
        record('restart', 'all (force)', 'refused'),
        record('tokens sync (dry run)', 'pc-a → t440', 'planned', 't440: would update anthropic:default'),
        record('tokens refresh', 'nope', 'ok'),
      ],
      NODES,
    );
    expect(events.map((event) => `${event.kind} ${event.node}`)).toEqual(['refresh pc-a', 'restart t440']);
  });
});

describe('the nodes a small picture is about', () => {
  test("a node and its accounts' owners, in the fleet's order; the title says which is which", () => {
    expect(concernedNodes(incident, ['t440'])).toEqual(['pc-a', 't440']);
    expect(concernedNodes(incident, ['pc-a'])).toEqual(['pc-a']);
    expect(concernedScope(incident, ['t440'])).toBe('t440 (and owner pc-a)');
    expect(concernedScope(incident, ['pc-a'])).toBe('pc-a');
  });

  test("an owner brought in shows only its own copies of the accounts the concerned nodes hold", () => {
    const fleet = view([
      node('pc-a', [
        cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true }),
        cell('google-gemini-cli:ops', 'ok', 30 * HOUR, { isOwner: true }),
        cell('openai-codex:ops', 'ok', 30 * HOUR, { owner: 'pc-b' }),
        cell('unrelated:x', 'expired', -HOUR, { isOwner: true }),
      ]),
      node('pc-b', [cell('openai-codex:ops', 'ok', 40 * HOUR, { owner: 'pc-b', isOwner: true }), cell('anthropic:default', 'ok', 7 * HOUR)]),
      node('t440', [cell('anthropic:default', 'expired', -2 * HOUR), cell('openai-codex:ops', 'ok', 40 * HOUR, { owner: 'pc-b' }), cell('google-gemini-cli:ops', 'missing', null)]),
      node('other', [cell('anthropic:default', 'ok', 7 * HOUR)]),
    ]);
    const narrowed = viewOfConcerned(fleet, ['t440']);
    expect(narrowed.nodes.map((n) => [n.name, n.profiles.map((c) => c.profileId)])).toEqual([
      ['pc-a', ['anthropic:default', 'google-gemini-cli:ops']],
      ['pc-b', ['openai-codex:ops']],
      ['t440', ['anthropic:default', 'openai-codex:ops', 'google-gemini-cli:ops']],
    ]);
    // pc-a's expired account is not this picture's: pc-a is drawn as healthy here.
    expect(narrowed.nodes[0]!.worst).toBe('ok');
    expect(narrowed.counts.expired).toBe(1);
    // A concerned node that is an owner too keeps everything it holds.
    expect(viewOfConcerned(fleet, ['t440', 'pc-a']).nodes.find((n) => n.name === 'pc-a')!.profiles).toHaveLength(4);
  });
});

test('the caption: scope, window, counts by health, who did not answer', () => {
  expect(timelineCaption(timelineOf(incident, 'full'), incident, 'all nodes')).toBe('📈 Token expiry, all nodes, next 48 h (UTC) · 3 nodes · ❌ 1 expired · ⚠️ 1 expiring · ➖ 1 missing · ✅ 3 ok · 📵 no answer from spare: not drawn');
});

describe('the small picture for a plan or an alert', () => {
  test("is the concerned nodes and their owners' picture, with the caption as its alt text", async () => {
    const [file] = await picturesConcerning(incident, ['t440'], { audit: { since: async () => [] }, thresholds: THRESHOLDS }, { nowMs: NOW, logger: createLogger('test', 'silent') });
    expect(file?.name).toBe('token-timeline-small.png');
    expect(file?.description).toMatch(/^📈 Token expiry, t440 \(and owner pc-a\), next 48 h \(UTC\) · 2 nodes/);
  });

  test('never throws: a picture that cannot be made is left out, and the reason logged', async () => {
    const warnings: string[] = [];
    const logger = createLogger('test', 'silent');
    logger.warn = ((_fields: unknown, message: string) => void warnings.push(message)) as typeof logger.warn;
    const files = await picturesConcerning(incident, ['t440'], { audit: { since: async () => Promise.reject(new Error('state store gone')) }, thresholds: THRESHOLDS }, { nowMs: NOW, logger });
    expect(files).toEqual([]);
    expect(warnings).toEqual(['expiry timeline picture not rendered; posting without it']);
  });
});
