import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { ownersOf, profileMatches } from '../../src/domain/ownership.js';
import { credentialFingerprint } from '../../src/domain/sync-plan.js';
import { cutToSource, sourceRefusal, targetMayHold } from '../../src/domain/sync-scope.js';
import type { ExportedCredential } from '../../src/protocol/agent-api.js';

/*
 * Least privilege between nodes (issue 16), as pure rules (issue 17): what a source may give
 * and what a target may be sent. The integration suite (test/integration/least-privilege)
 * drives the same rules through real agents.
 */

const owners = { 'anthropic:*': ['pc-a', 'cx'], 'openai-codex:*': 'cx' };
const credential = (profileId: string, access = `a-${profileId}`): ExportedCredential => ({ profileId, type: 'oauth', provider: profileId.split(':')[0]!, sourceAgentId: 'main', fields: { access, expires: 1 } });

describe('sourceRefusal', () => {
  it('an automatic sync takes an account only from its owner or a stand-in', () => {
    expect(sourceRefusal('pc-a', credential('anthropic:default'), { owners, authority: 'owner' })).toBeNull();
    expect(sourceRefusal('cx', credential('anthropic:default'), { owners, authority: 'owner' })).toBeNull();
    expect(sourceRefusal('pc-a', credential('openai-codex:ops'), { owners, authority: 'owner' })).toBe('pc-a is not in the owners list of openai-codex:ops: an automatic sync takes an account only from its owner or a stand-in');
    expect(sourceRefusal('t440', credential('google:me'), { owners, authority: 'owner' })).toBe('t440 is not in the owners list of google:me: an automatic sync takes an account only from its owner or a stand-in');
  });

  it('a named source without a list gives what it owns and what nobody owns; another\'s account needs the profile named', () => {
    expect(sourceRefusal('t440', credential('google:me'), { owners, authority: 'named' })).toBeNull();
    expect(sourceRefusal('cx', credential('anthropic:default'), { owners, authority: 'named' })).toBeNull();
    expect(sourceRefusal('t440', credential('anthropic:default'), { owners, authority: 'named' })).toBe('t440 does not own anthropic:default (pc-a does): name the profile to take it from t440');
    expect(sourceRefusal('t440', credential('anthropic:default'), { owners, authority: 'named', requested: ['anthropic:default'] })).toBeNull();
  });

  it('a named list is still a list for an automatic sync: owners decide there', () => {
    expect(sourceRefusal('t440', credential('anthropic:default'), { owners, authority: 'owner', requested: ['anthropic:default'] })).toMatch(/^t440 is not in the owners list/);
  });

  it('what was not asked for is dropped, whoever may give it', () => {
    expect(sourceRefusal('pc-a', credential('anthropic:ops'), { owners, authority: 'owner', requested: ['anthropic:default'] })).toBe('not asked for: pc-a sent it anyway, and it was dropped');
    expect(sourceRefusal('pc-a', credential('anthropic:ops'), { owners, authority: 'owner', requested: [] })).toMatch(/^not asked for/);
  });

  it("with the account's current token known, only exactly that token passes, from any node; another is dropped", () => {
    const current = credential('anthropic:default', 'current-access');
    const expected = { 'anthropic:default': credentialFingerprint(current) };
    expect(sourceRefusal('t440', current, { owners, authority: 'owner', expected })).toBeNull();
    expect(sourceRefusal('pc-a', credential('anthropic:default', 'other-access'), { owners, authority: 'owner', expected })).toBe("not the account's current token: pc-a sent another one, and it was dropped");
    // Known tokens of other profiles change nothing for this one.
    expect(sourceRefusal('t440', credential('openai-codex:ops'), { owners, authority: 'owner', expected })).toMatch(/^t440 is not in the owners list/);
  });
});

describe('cutToSource', () => {
  it('keeps what may pass in order, drops the rest with why; a profile sent twice keeps the first', () => {
    const first = credential('anthropic:default', 'first');
    const cut = cutToSource('pc-a', [first, credential('openai-codex:ops'), credential('anthropic:default', 'second'), credential('anthropic:ops')], { owners, authority: 'owner' });
    expect(cut.kept).toEqual([first, credential('anthropic:ops')]);
    expect(cut.dropped).toEqual([
      { profileId: 'openai-codex:ops', reason: 'pc-a is not in the owners list of openai-codex:ops: an automatic sync takes an account only from its owner or a stand-in' },
      { profileId: 'anthropic:default', reason: 'pc-a sent it twice; the first was kept' },
    ]);
  });

  it('a refused first copy still makes a second one a duplicate', () => {
    const cut = cutToSource('pc-a', [credential('openai-codex:ops'), credential('openai-codex:ops')], { owners, authority: 'owner' });
    expect(cut.kept).toEqual([]);
    expect(cut.dropped.map((drop) => drop.reason)).toEqual([expect.stringMatching(/not in the owners list/), 'pc-a sent it twice; the first was kept']);
  });
});

describe('targetMayHold', () => {
  it('only a profile the target holds today, and, with accounts listed, one they cover', () => {
    const holds = new Set(['anthropic:default', 'openai-codex:ops']);
    expect(targetMayHold('anthropic:default', { holds })).toBe(true);
    expect(targetMayHold('anthropic:ops', { holds })).toBe(false);
    expect(targetMayHold('anthropic:default', { holds, accounts: ['anthropic:*'] })).toBe(true);
    expect(targetMayHold('openai-codex:ops', { holds, accounts: ['anthropic:*'] })).toBe(false);
    expect(targetMayHold('openai-codex:ops', { holds, accounts: ['anthropic:*', 'openai-codex:*'] })).toBe(true);
    expect(targetMayHold('anthropic:default', { holds, accounts: [] })).toBe(false);
    expect(targetMayHold('anthropic:ops', { holds, accounts: ['anthropic:*'] })).toBe(false);
  });
});

describe('the rule itself: random bundles, random fleets', () => {
  const nodes = ['n1', 'n2', 'n3'];
  const profiles = ['anthropic:default', 'anthropic:ops', 'openai-codex:a', 'google:b'];
  const patterns = ['anthropic:*', 'openai-codex:*', 'google:*', 'anthropic:ops'];
  test('a target only ever receives profiles it may hold, from a source that may give them', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...patterns), fc.shuffledSubarray(nodes, { minLength: 1 })),
        fc.constantFrom(...nodes),
        fc.array(fc.constantFrom(...profiles), { maxLength: 8 }),
        fc.option(fc.subarray(profiles), { nil: undefined }),
        fc.constantFrom('owner' as const, 'named' as const),
        fc.record({ holds: fc.subarray(profiles), accounts: fc.option(fc.subarray(patterns, { minLength: 1 }), { nil: undefined }) }),
        (owners, source, sent, requested, authority, target) => {
          const credentials = sent.map((profileId): ExportedCredential => ({ profileId, type: 'oauth', provider: profileId.split(':')[0]!, sourceAgentId: 'main', fields: { access: `a-${profileId}`, expires: 1 } }));
          const { kept } = cutToSource(source, credentials, { ...(requested ? { requested } : {}), owners, authority });
          const sentOn = kept.filter((credential) => targetMayHold(credential.profileId, { accounts: target.accounts, holds: new Set(target.holds) }));
          for (const credential of sentOn) {
            if (requested) expect(requested).toContain(credential.profileId);
            if (authority === 'owner') expect(ownersOf(credential.profileId, owners)).toContain(source);
            // Another's account from a named source only when the person named that profile.
            if (!requested && ownersOf(credential.profileId, owners).length > 0) expect(ownersOf(credential.profileId, owners)).toContain(source);
            expect(target.holds).toContain(credential.profileId);
            if (target.accounts) expect(target.accounts.some((pattern) => profileMatches(pattern, credential.profileId))).toBe(true);
          }
          // Each profile at most once.
          expect(new Set(kept.map((credential) => credential.profileId)).size).toBe(kept.length);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
