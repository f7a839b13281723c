import { describe, expect, it } from 'vitest';
import { EXPIRY_HORIZON_MS } from '../../../src/domain/expiry-horizon.js';
import { syncChanges, syncOutcome, syncTarget, targetsKeepingSuperseded, updatedProfiles, worthPassingOn, type SyncReport } from '../../../src/fleet/operations/sync-report.js';
import type { ExportedCredential, ImportResponse, ProfilePlan, StoreImportResult } from '../../../src/protocol/agent-api.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';

/*
 * A sync's rules that need no network (issue 17): which credentials a source's bundle passes
 * on, and what a finished sync's report means, above all which targets renewal may force
 * (they kept a token renewal replaced).
 */

const NOW = Date.UTC(2026, 11, 6, 9, 0, 0);

function credential(profileId: string, expires: number | undefined): ExportedCredential {
  return { profileId, type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: `access-${profileId}`, ...(expires === undefined ? {} : { expires }) } };
}

describe('worthPassingOn', () => {
  it('passes on what is valid now; an expired copy (at now exactly, too) is said and kept back unless forced', () => {
    const fresh = credential('anthropic:default', NOW + 1);
    const expired = credential('anthropic:ops', NOW);
    const cut = worthPassingOn('pc-a', [fresh, expired], { force: false, nowMs: NOW });
    expect(cut.live).toEqual([fresh]);
    expect(cut.skipped).toEqual([{ profileId: 'anthropic:ops', reason: `expired on pc-a <t:${Math.floor(NOW / 1000)}:R>` }]);
    expect(worthPassingOn('pc-a', [fresh, expired], { force: true, nowMs: NOW })).toEqual({ live: [fresh, expired], skipped: [] });
  });

  it('a copy whose expiry a tool reset (expires 1) is kept back, saying it was reset on the source', () => {
    const reset = credential('anthropic:default', 1);
    expect(worthPassingOn('t440', [reset], { force: false, nowMs: NOW }).skipped).toEqual([{ profileId: 'anthropic:default', reason: 'expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it), on t440' }]);
  });

  it('a credential without an expiry is passed on', () => {
    const never = credential('anthropic:setup', undefined);
    expect(worthPassingOn('pc-a', [never], { force: false, nowMs: NOW }).live).toEqual([never]);
  });

  it('an expiry past the horizon is never passed on, even forced; one at the horizon is', () => {
    const far = credential('anthropic:default', NOW + EXPIRY_HORIZON_MS + 1);
    const edge = credential('anthropic:ops', NOW + EXPIRY_HORIZON_MS);
    for (const force of [false, true]) {
      const cut = worthPassingOn('cx', [far, edge], { force, nowMs: NOW });
      expect(cut.live).toEqual([edge]);
      expect(cut.skipped).toHaveLength(1);
      expect(cut.skipped[0]!.profileId).toBe('anthropic:default');
      expect(cut.skipped[0]!.reason).toMatch(/^cx sent it with expires \d+-\d\d-\d\d: not a plausible expiry/);
    }
  });
});

const plan = (profileId: string, action: ProfilePlan['action'], reason: ProfilePlan['reason'], fromFingerprint: string | null = 'old'): ProfilePlan => ({
  profileId,
  action,
  reason,
  changedFields: action === 'update' ? ['access', 'expires'] : [],
  fromExpiresAt: null,
  toExpiresAt: null,
  fromFingerprint,
  toFingerprint: 'new',
});

const store = (agentId: string, outcome: StoreImportResult['outcome'], profiles: ProfilePlan[]): StoreImportResult => ({ agentId, path: `agents/${agentId}/agent/auth-profiles.json`, outcome, profiles });

function target(node: string, stores: StoreImportResult[]): NodeResult<ImportResponse> {
  return { node, ok: true, value: { node, dryRun: false, force: false, stores, notHeld: [] }, ms: 5 };
}
const down = (node: string): NodeResult<ImportResponse> => ({ node, ok: false, error: { kind: 'unreachable', message: 'ECONNREFUSED' }, ms: 5 });

function report(targets: NodeResult<ImportResponse>[], dryRun = false): SyncReport {
  return { from: 'pc-a', dryRun, force: false, exported: [], skippedAtSource: [], targets };
}

describe('targetsKeepingSuperseded: which targets renewal may force', () => {
  const P = 'anthropic:default';

  it('a target that kept a superseded token because it expires later, and nothing else unknown', () => {
    const kept = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'spent')])]);
    expect(targetsKeepingSuperseded(report([kept]), P, ['spent'])).toEqual(['t440']);
  });

  it('not a target whose later token nobody knows: that is for a person (a rotation conflict)', () => {
    const unknown = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'rogue')])]);
    expect(targetsKeepingSuperseded(report([unknown]), P, ['spent'])).toEqual([]);
    const noPrint = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', null)])]);
    expect(targetsKeepingSuperseded(report([noPrint]), P, ['spent'])).toEqual([]);
  });

  it('not when another store on it holds an unknown token, even if one store kept a superseded one', () => {
    const mixed = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'spent')]), store('ops', 'unchanged', [plan(P, 'skip', 'target_newer', 'rogue')])]);
    expect(targetsKeepingSuperseded(report([mixed]), P, ['spent'])).toEqual([]);
  });

  it('stores that took the new token or already held it do not stand in the way', () => {
    const settled = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'spent')]), store('ops', 'written', [plan(P, 'update', 'newer')]), store('dev', 'unchanged', [plan(P, 'skip', 'unchanged')])]);
    expect(targetsKeepingSuperseded(report([settled]), P, ['spent'])).toEqual(['t440']);
  });

  it('a skip for another reason (type mismatch, not newer) is not settled', () => {
    for (const reason of ['type_mismatch', 'not_newer', 'incoming_expired'] as const) {
      const other = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'spent')]), store('ops', 'unchanged', [plan(P, 'skip', reason)])]);
      expect(targetsKeepingSuperseded(report([other]), P, ['spent'])).toEqual([]);
    }
  });

  it('nothing superseded kept, another profile, or a target that did not answer: none', () => {
    expect(targetsKeepingSuperseded(report([target('t440', [store('main', 'written', [plan(P, 'update', 'newer', 'spent')])])]), P, ['spent'])).toEqual([]);
    expect(targetsKeepingSuperseded(report([target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'not_newer', 'spent')])])]), P, ['spent'])).toEqual([]);
    expect(targetsKeepingSuperseded(report([target('t440', [store('main', 'unchanged', [plan('anthropic:ops', 'skip', 'target_newer', 'spent')])])]), P, ['spent'])).toEqual([]);
    expect(targetsKeepingSuperseded(report([down('t440')]), P, ['spent'])).toEqual([]);
  });

  it('each target judged on its own', () => {
    const kept = target('t440', [store('main', 'unchanged', [plan(P, 'skip', 'target_newer', 'spent')])]);
    const fine = target('cx', [store('main', 'written', [plan(P, 'update', 'newer')])]);
    expect(targetsKeepingSuperseded(report([fine, kept, down('pc-b')]), P, ['spent'])).toEqual(['t440']);
  });
});

describe('what a report says', () => {
  it('syncOutcome: failed when no target answered, partial when one failed or refused a store, planned dry, else ok', () => {
    const ok = target('t440', [store('main', 'written', [plan('a', 'update', 'newer')])]);
    expect(syncOutcome(report([down('t440'), down('cx')]))).toBe('failed');
    expect(syncOutcome(report([ok, down('cx')]))).toBe('partial');
    expect(syncOutcome(report([ok, target('cx', [store('main', 'refused', [])])]))).toBe('partial');
    expect(syncOutcome(report([target('cx', [store('main', 'written', [plan('a', 'update', 'newer')]), store('ops', 'refused', [])])]))).toBe('partial');
    expect(syncOutcome(report([ok], true))).toBe('planned');
    expect(syncOutcome(report([ok]))).toBe('ok');
  });

  it('syncChanges and updatedProfiles: only updates in stores written (or planned, dry), per node and profile', () => {
    const t440 = target('t440', [
      store('main', 'written', [plan('a', 'update', 'newer'), plan('b', 'skip', 'target_newer')]),
      store('ops', 'written', [plan('a', 'update', 'newer')]),
      store('dev', 'refused', [plan('c', 'update', 'newer')]),
      store('old', 'unchanged', [plan('d', 'update', 'newer')]),
    ]);
    const cx = target('cx', [store('main', 'planned', [plan('b', 'update', 'forced')])]);
    expect(syncChanges(report([t440, cx, down('pc-b')]))).toEqual([
      { node: 't440', profileId: 'a', agents: ['main', 'ops'] },
      { node: 'cx', profileId: 'b', agents: ['main'] },
    ]);
    expect(updatedProfiles((t440 as Extract<typeof t440, { ok: true }>).value)).toEqual(['a']);
    expect(updatedProfiles((cx as Extract<typeof cx, { ok: true }>).value)).toEqual(['b']);
  });

  it('syncTarget names the profiles only when some were named', () => {
    expect(syncTarget({ from: 'pc-a', to: 'all' })).toBe('pc-a → all');
    expect(syncTarget({ from: 'pc-a', to: 'all', profiles: [] })).toBe('pc-a → all');
    expect(syncTarget({ from: 'pc-a', to: 't440', profiles: ['a', 'b'] })).toBe('pc-a → t440 (a, b)');
  });
});
