import { describe, expect, it } from 'vitest';
import type { ExportedCredential } from '../../src/protocol/agent-api.js';
import { exportedCredentialSchema, profilePlanSchema } from '../../src/protocol/agent-api.js';
import { applyCredential, credentialExpiry, credentialFingerprint, credentialOf, foldPlans, planProfileUpdate, planStoreImport } from '../../src/domain/sync-plan.js';
import { EXPIRY_HORIZON_MS } from '../../src/domain/expiry-horizon.js';
import { profileSchema } from '../../src/domain/profile.js';
import { fingerprint } from '../../src/domain/fingerprint.js';

const NOW = Date.UTC(2026, 1, 14, 9, 0, 0);
const HOUR = 3_600_000;
const opts = { force: false, nowMs: NOW };
const forced = { force: true, nowMs: NOW };

const OLD_ACCESS = 'sk-ant-oat01-OLD-access-aaaaaaaaaaaaaaaaaaaa';
const OLD_REFRESH = 'sk-ant-ort01-OLD-refresh-bbbbbbbbbbbbbbbbbbb';
const NEW_ACCESS = 'sk-ant-oat01-NEW-access-cccccccccccccccccccc';
const NEW_REFRESH = 'sk-ant-ort01-NEW-refresh-ddddddddddddddddddd';

function storedOAuth(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'oauth',
    provider: 'anthropic',
    displayName: 'Ops account',
    access: OLD_ACCESS,
    refresh: OLD_REFRESH,
    expires: NOW + 2 * HOUR,
    clientId: 'client-123',
    somethingNewer: { nested: [1, 2, 3] },
    email: 'ops@example.com',
    ...overrides,
  };
}

function incomingOAuth(fields: ExportedCredential['fields'] = {}): ExportedCredential {
  return {
    profileId: 'anthropic:default',
    type: 'oauth',
    provider: 'anthropic',
    sourceAgentId: 'main',
    fields: { access: NEW_ACCESS, refresh: NEW_REFRESH, expires: NOW + 8 * HOUR, ...fields },
  };
}

function incomingToken(fields: ExportedCredential['fields']): ExportedCredential {
  return { profileId: 'anthropic:manual', type: 'token', provider: 'anthropic', sourceAgentId: 'main', fields };
}

describe('planProfileUpdate', () => {
  it('newer wins: an incoming credential that expires later updates, listing the changed fields', () => {
    const plan = planProfileUpdate(storedOAuth(), incomingOAuth(), opts);
    expect(plan.action).toBe('update');
    expect(plan.reason).toBe('newer');
    expect(plan.profileId).toBe('anthropic:default');
    expect([...plan.changedFields].sort()).toEqual(['access', 'expires', 'refresh']);
    expect(plan.fromExpiresAt).toBe(new Date(NOW + 2 * HOUR).toISOString());
    expect(plan.toExpiresAt).toBe(new Date(NOW + 8 * HOUR).toISOString());
    expect(plan.fromFingerprint).toBe(fingerprint('oauth', OLD_ACCESS));
    expect(plan.toFingerprint).toBe(fingerprint('oauth', NEW_ACCESS));
    expect(profilePlanSchema.safeParse(plan).success).toBe(true);
  });

  it('updates a target whose token has already expired with a valid newer one', () => {
    const plan = planProfileUpdate(storedOAuth({ expires: NOW - 3 * HOUR }), incomingOAuth(), opts);
    expect(plan).toMatchObject({ action: 'update', reason: 'newer' });
  });

  it('skips when the target expires later (target_newer), with no changed fields', () => {
    const plan = planProfileUpdate(storedOAuth({ expires: NOW + 10 * HOUR }), incomingOAuth(), opts);
    expect(plan.action).toBe('skip');
    expect(plan.reason).toBe('target_newer');
    expect(plan.changedFields).toEqual([]);
    expect(plan.fromExpiresAt).toBe(new Date(NOW + 10 * HOUR).toISOString());
    expect(plan.toExpiresAt).toBe(new Date(NOW + 8 * HOUR).toISOString());
  });

  it('skips an equal expiry with a different token as not_newer', () => {
    const plan = planProfileUpdate(storedOAuth({ expires: NOW + 8 * HOUR }), incomingOAuth(), opts);
    expect(plan).toMatchObject({ action: 'skip', reason: 'not_newer', changedFields: [] });
  });

  it('skips an identical credential as unchanged', () => {
    const current = storedOAuth({ access: NEW_ACCESS, refresh: NEW_REFRESH, expires: NOW + 8 * HOUR });
    const plan = planProfileUpdate(current, incomingOAuth(), opts);
    expect(plan).toMatchObject({ action: 'skip', reason: 'unchanged', changedFields: [] });
    expect(plan.fromFingerprint).toBe(plan.toFingerprint);
  });

  it('identical credential is unchanged even when forced', () => {
    const current = storedOAuth({ access: NEW_ACCESS, refresh: NEW_REFRESH, expires: NOW + 8 * HOUR });
    expect(planProfileUpdate(current, incomingOAuth(), forced)).toMatchObject({ action: 'skip', reason: 'unchanged' });
  });

  it('a forced downgrade (incoming expires earlier) updates with reason forced', () => {
    const plan = planProfileUpdate(storedOAuth({ expires: NOW + 10 * HOUR }), incomingOAuth(), forced);
    expect(plan.action).toBe('update');
    expect(plan.reason).toBe('forced');
    expect([...plan.changedFields].sort()).toEqual(['access', 'expires', 'refresh']);
  });

  it('skips an incoming credential that has already expired', () => {
    const expired = incomingOAuth({ expires: NOW - HOUR });
    const plan = planProfileUpdate(storedOAuth({ expires: NOW - 2 * HOUR }), expired, opts);
    expect(plan).toMatchObject({ action: 'skip', reason: 'incoming_expired', changedFields: [] });
  });

  it('treats an incoming credential expiring exactly now as expired', () => {
    const plan = planProfileUpdate(storedOAuth({ expires: NOW - 2 * HOUR }), incomingOAuth({ expires: NOW }), opts);
    expect(plan).toMatchObject({ action: 'skip', reason: 'incoming_expired' });
  });

  it('an expired incoming credential is written when forced', () => {
    const plan = planProfileUpdate(storedOAuth(), incomingOAuth({ expires: NOW - HOUR }), forced);
    expect(plan).toMatchObject({ action: 'update', reason: 'forced' });
  });

  it('refuses a type mismatch (token into oauth, oauth into token, oauth into api_key)', () => {
    const token = incomingToken({ token: 'sk-ant-manual-token', expires: NOW + 8 * HOUR });
    expect(planProfileUpdate(storedOAuth(), token, forced)).toMatchObject({ action: 'skip', reason: 'type_mismatch', changedFields: [] });
    const storedToken = { type: 'token', provider: 'anthropic', token: 'x-token' };
    expect(planProfileUpdate(storedToken, incomingOAuth(), forced)).toMatchObject({ action: 'skip', reason: 'type_mismatch' });
    const storedKey = { type: 'api_key', provider: 'anthropic', key: 'sk-key' };
    expect(planProfileUpdate(storedKey, incomingOAuth(), forced)).toMatchObject({ action: 'skip', reason: 'type_mismatch' });
  });

  it('a current value that is not an object at all is a type mismatch, not a crash', () => {
    for (const current of [null, undefined, 'oauth', 42, []]) {
      expect(planProfileUpdate(current, incomingOAuth(), opts)).toMatchObject({ action: 'skip', reason: 'type_mismatch' });
    }
  });

  it('repairs a malformed current profile of the same type (repairs_invalid), even without force', () => {
    const broken = { type: 'oauth', provider: 'anthropic', access: '', expires: 'tomorrow', displayName: 'x' };
    const plan = planProfileUpdate(broken, incomingOAuth(), opts);
    expect(plan.action).toBe('update');
    expect(plan.reason).toBe('repairs_invalid');
    expect(plan.fromExpiresAt).toBeNull();
    expect(plan.fromFingerprint).toBeNull();
    expect([...plan.changedFields].sort()).toEqual(['access', 'expires', 'refresh']);
  });

  it('repairs a current oauth profile that lacks its access token', () => {
    const broken = { type: 'oauth', provider: 'anthropic', expires: NOW + 100 * HOUR };
    expect(planProfileUpdate(broken, incomingOAuth(), opts)).toMatchObject({ action: 'update', reason: 'repairs_invalid' });
  });

  it('a current profile with no expiry (token type) is not replaced unless forced', () => {
    const current = { type: 'token', provider: 'anthropic', token: 'old-token' };
    const incoming = incomingToken({ token: 'new-token', expires: NOW + 8 * HOUR });
    expect(planProfileUpdate(current, incoming, opts)).toMatchObject({ action: 'skip', reason: 'not_newer' });
    expect(planProfileUpdate(current, incoming, forced)).toMatchObject({ action: 'update', reason: 'forced', changedFields: ['token', 'expires'] });
  });

  it('token profiles follow newer-wins too', () => {
    const current = { type: 'token', provider: 'anthropic', token: 'old-token', expires: NOW + HOUR };
    const incoming = incomingToken({ token: 'new-token', expires: NOW + 12 * HOUR });
    const plan = planProfileUpdate(current, incoming, opts);
    expect(plan).toMatchObject({ action: 'update', reason: 'newer' });
    expect(plan.toFingerprint).toBe(fingerprint('token', 'new-token'));
    expect(plan.fromFingerprint).toBe(fingerprint('token', 'old-token'));
  });

  it('a refresh token the source lacks counts as changed (it is removed); an absent email does not', () => {
    const incoming: ExportedCredential = { ...incomingOAuth(), fields: { access: NEW_ACCESS, expires: NOW + 8 * HOUR } };
    const plan = planProfileUpdate(storedOAuth(), incoming, opts);
    expect([...plan.changedFields].sort()).toEqual(['access', 'expires', 'refresh']);
  });

  it('lists account fields (accountId, projectId, email) when they change', () => {
    const incoming = incomingOAuth({ accountId: 'acct-2', projectId: 'proj-2', email: 'ops@example.com' });
    const plan = planProfileUpdate(storedOAuth(), incoming, opts);
    expect([...plan.changedFields].sort()).toEqual(['access', 'accountId', 'expires', 'projectId', 'refresh']);
  });

  it('changedFields holds names only, never values; the plan carries no secret', () => {
    const plan = planProfileUpdate(storedOAuth(), incomingOAuth(), opts);
    for (const name of plan.changedFields) expect(['access', 'refresh', 'expires', 'accountId', 'projectId', 'email']).toContain(name);
    const text = JSON.stringify(plan);
    for (const secret of [OLD_ACCESS, OLD_REFRESH, NEW_ACCESS, NEW_REFRESH]) expect(text).not.toContain(secret);
  });

  it('a plan for a forced or repaired update also carries no secret', () => {
    const texts = [
      JSON.stringify(planProfileUpdate(storedOAuth({ expires: NOW + 99 * HOUR }), incomingOAuth(), forced)),
      JSON.stringify(planProfileUpdate({ type: 'oauth', provider: 'anthropic', refresh: OLD_REFRESH }, incomingOAuth(), opts)),
    ];
    for (const text of texts) for (const secret of [OLD_ACCESS, OLD_REFRESH, NEW_ACCESS, NEW_REFRESH]) expect(text).not.toContain(secret);
  });

  it('does not modify the current profile or the incoming credential', () => {
    const current = storedOAuth();
    const incoming = incomingOAuth();
    const before = JSON.stringify([current, incoming]);
    planProfileUpdate(current, incoming, forced);
    expect(JSON.stringify([current, incoming])).toBe(before);
  });

  it('does not throw on a stored expiry beyond the Date range (8.7e15 ms)', () => {
    // 8.7e15 ms passes the schema (a safe integer) but new Date(8.7e15).toISOString() throws RangeError.
    const current = storedOAuth({ expires: 8_700_000_000_000_000 });
    expect(() => planProfileUpdate(current, incomingOAuth(), opts)).not.toThrow();
  });
});

describe('credentialExpiry', () => {
  it('reads a numeric expires, null otherwise', () => {
    expect(credentialExpiry(incomingOAuth({ expires: 5 }))).toBe(5);
    expect(credentialExpiry(incomingToken({ token: 't' }))).toBeNull();
    expect(credentialExpiry(incomingToken({ token: 't', expires: '5' }))).toBeNull();
  });
});

describe('applyCredential', () => {
  it('writes the credential fields and keeps every other field, with the same key order', () => {
    const current = storedOAuth();
    const next = applyCredential(current, incomingOAuth());
    expect(Object.keys(next)).toEqual(Object.keys(current));
    expect(next).toEqual({
      type: 'oauth',
      provider: 'anthropic',
      displayName: 'Ops account',
      access: NEW_ACCESS,
      refresh: NEW_REFRESH,
      expires: NOW + 8 * HOUR,
      clientId: 'client-123',
      somethingNewer: { nested: [1, 2, 3] },
      email: 'ops@example.com',
    });
  });

  it('keeps unknown nested values by identity (no re-serialisation)', () => {
    const current = storedOAuth();
    const next = applyCredential(current, incomingOAuth());
    expect(next.somethingNewer).toBe(current.somethingNewer);
  });

  it('does not mutate the current profile', () => {
    const current = storedOAuth();
    const snapshot = structuredClone(current);
    const next = applyCredential(current, incomingOAuth());
    expect(current).toEqual(snapshot);
    expect(next).not.toBe(current);
  });

  it('credential fields travel as a set: ones the source lacks are removed, except email', () => {
    const incoming: ExportedCredential = { ...incomingOAuth(), fields: { access: NEW_ACCESS, expires: NOW + 8 * HOUR } };
    const next = applyCredential(storedOAuth({ accountId: 'acct-old', projectId: 'proj-old' }), incoming);
    expect(next.access).toBe(NEW_ACCESS);
    // The old refresh token belongs to the old token family: mixing it in would break refresh.
    expect('refresh' in next).toBe(false);
    expect(next.email).toBe('ops@example.com');
    expect('accountId' in next).toBe(false);
    expect('projectId' in next).toBe(false);
  });

  it('adds account fields the target lacked, after the existing keys', () => {
    const current = storedOAuth();
    const next = applyCredential(current, incomingOAuth({ accountId: 'acct-9' }));
    expect(next.accountId).toBe('acct-9');
    expect(Object.keys(next)).toEqual([...Object.keys(current), 'accountId']);
  });

  it('never copies non-credential fields even when the source carries them', () => {
    // `token` is not a credential field of an oauth profile.
    const incoming = incomingOAuth({ token: 'stray-token-value' });
    const next = applyCredential(storedOAuth(), incoming);
    expect('token' in next).toBe(false);
    expect(next.type).toBe('oauth');
    expect(next.provider).toBe('anthropic');
    expect(next.displayName).toBe('Ops account');
    expect(next.clientId).toBe('client-123');
  });

  it('for token profiles copies token and expires only', () => {
    const current = { type: 'token', provider: 'anthropic', token: 'old', label: 'manual', expires: 1 };
    const next = applyCredential(current, incomingToken({ token: 'new', expires: 2, access: 'not-for-tokens' }));
    expect(next).toEqual({ type: 'token', provider: 'anthropic', token: 'new', label: 'manual', expires: 2 });
    expect(Object.keys(next)).toEqual(['type', 'provider', 'token', 'label', 'expires']);
  });

  it('what it writes is exactly what the plan announced as changed', () => {
    const current = storedOAuth();
    const incoming = incomingOAuth({ accountId: 'acct-2' });
    const plan = planProfileUpdate(current, incoming, opts);
    const next = applyCredential(current, incoming);
    const actuallyChanged = Object.keys(next).filter((key) => next[key] !== current[key]);
    expect([...actuallyChanged].sort()).toEqual([...plan.changedFields].sort());
  });
});

describe('review fixes', () => {
  it('an expired incoming credential does not "repair" a malformed profile unless forced', () => {
    const malformed = { type: 'oauth', provider: 'anthropic', access: OLD_ACCESS };
    const expired = incomingOAuth({ expires: NOW - HOUR });
    expect(planProfileUpdate(malformed, expired, opts)).toMatchObject({ action: 'skip', reason: 'incoming_expired' });
    expect(planProfileUpdate(malformed, expired, forced)).toMatchObject({ action: 'update', reason: 'repairs_invalid' });
    expect(planProfileUpdate(malformed, incomingOAuth(), opts)).toMatchObject({ action: 'update', reason: 'repairs_invalid' });
  });

  it('planStoreImport plans only the profiles the store holds and returns them as they would be', () => {
    const profiles = { 'anthropic:default': storedOAuth(), 'openai:default': { type: 'api_key', provider: 'openai', key: 'k' } };
    const other: ExportedCredential = { ...incomingOAuth(), profileId: 'openai-codex:ops@example.com' };
    const { plans, updated } = planStoreImport(profiles, [incomingOAuth(), other], opts);
    expect(plans.map((plan) => plan.profileId)).toEqual(['anthropic:default']);
    expect(Object.keys(updated)).toEqual(['anthropic:default']);
    expect(updated['anthropic:default']?.access).toBe(NEW_ACCESS);
    // The input is not changed: planning is pure.
    expect(profiles['anthropic:default'].access).toBe(OLD_ACCESS);
  });

  it('an exported credential must carry the fields that make it usable', () => {
    const base = { profileId: 'anthropic:default', provider: 'anthropic', sourceAgentId: 'main' };
    expect(exportedCredentialSchema.safeParse({ ...base, type: 'oauth', fields: { access: 'a', expires: NOW } }).success).toBe(true);
    expect(exportedCredentialSchema.safeParse({ ...base, type: 'oauth', fields: { refresh: 'r', expires: NOW } }).success).toBe(false);
    expect(exportedCredentialSchema.safeParse({ ...base, type: 'oauth', fields: { access: 'a' } }).success).toBe(false);
    expect(exportedCredentialSchema.safeParse({ ...base, type: 'token', fields: { expires: NOW } }).success).toBe(false);
    expect(exportedCredentialSchema.safeParse({ ...base, type: 'oauth', fields: { access: 'a', expires: 'soon' } }).success).toBe(false);
  });
});

describe('what a safety promise rests on (issue 17: each found by a surviving mutant)', () => {
  it('no downgrade in a mix: an import that updates one profile and skips another writes only the updated one', () => {
    const profiles = {
      'anthropic:default': storedOAuth(),
      'anthropic:ops': storedOAuth({ expires: NOW + 20 * HOUR }),
    };
    const newer = incomingOAuth();
    const older: ExportedCredential = { ...incomingOAuth({ expires: NOW + 4 * HOUR }), profileId: 'anthropic:ops' };
    const { plans, updated } = planStoreImport(profiles, [newer, older], opts);
    expect(plans.map((plan) => [plan.profileId, plan.action, plan.reason])).toEqual([
      ['anthropic:default', 'update', 'newer'],
      ['anthropic:ops', 'skip', 'target_newer'],
    ]);
    expect(Object.keys(updated)).toEqual(['anthropic:default']);
  });

  it('a credential leaves the fields its profile lacks out altogether, so a refresh never drops the email other stores hold', () => {
    const stored = profileSchema.parse(storedOAuth({ email: undefined }));
    const credential = credentialOf('anthropic:default', stored as never, 'main');
    expect(Object.keys(credential.fields).sort()).toEqual(['access', 'expires', 'refresh']);
    const elsewhere = storedOAuth({ expires: NOW + HOUR });
    expect(applyCredential(elsewhere, { ...credential, fields: { ...credential.fields, expires: NOW + 8 * HOUR } }).email).toBe('ops@example.com');
  });

  it('email is the one field kept when the source lacks it; the rest of the set is removed', () => {
    const next = applyCredential(storedOAuth({ accountId: 'acct-1' }), { ...incomingOAuth(), fields: { access: NEW_ACCESS, expires: NOW + 8 * HOUR } });
    expect(next.email).toBe('ops@example.com');
    expect('refresh' in next).toBe(false);
    expect('accountId' in next).toBe(false);
  });

  it('a credential without an expiry (a setup token that never expires) repairs an invalid profile, and is not called implausible', () => {
    const malformed = { type: 'token', provider: 'anthropic' };
    const incoming = incomingToken({ token: 'new-token' });
    expect(planProfileUpdate(malformed, incoming, opts)).toMatchObject({ action: 'update', reason: 'repairs_invalid', toExpiresAt: null });
    expect(planProfileUpdate(malformed, incoming, forced)).toMatchObject({ action: 'update', reason: 'repairs_invalid' });
  });

  it('without an expiry on either side, newer-wins cannot decide: a token that never expires is not replaced by one that does, nor the other way', () => {
    const never = { type: 'token', provider: 'anthropic', token: 'old-token' };
    expect(planProfileUpdate(never, incomingToken({ token: 'new-token', expires: NOW + 8 * HOUR }), opts)).toMatchObject({ action: 'skip', reason: 'not_newer' });
    const dated = { type: 'token', provider: 'anthropic', token: 'old-token', expires: NOW + 8 * HOUR };
    expect(planProfileUpdate(dated, incomingToken({ token: 'new-token' }), opts)).toMatchObject({ action: 'skip', reason: 'not_newer' });
  });

  it("a credential's fingerprint is the secret's: the access token for OAuth, the token otherwise", () => {
    expect(credentialFingerprint(incomingOAuth())).toBe(fingerprint('oauth', NEW_ACCESS));
    expect(credentialFingerprint(incomingToken({ token: 'new-token' }))).toBe(fingerprint('token', 'new-token'));
    expect(credentialFingerprint({ ...incomingToken({}), fields: {} })).toBe(fingerprint('token', ''));
  });
});

describe('an expiry past the horizon, and plans folded per target', () => {
  it('an incoming expiry past the horizon is never written, even forced or over an invalid profile; the plan says why and shows no new expiry', () => {
    const far = incomingOAuth({ expires: NOW + EXPIRY_HORIZON_MS + 1 });
    for (const [current, options] of [[storedOAuth(), opts], [storedOAuth(), forced], [{ type: 'oauth', provider: 'anthropic' }, opts]] as const) {
      const plan = planProfileUpdate(current, far, options);
      expect(plan).toMatchObject({ action: 'skip', reason: 'implausible_expiry', toExpiresAt: null, changedFields: [] });
      expect(plan.detail).toMatch(/^expires \d+-\d\d-\d\d: not a plausible expiry \(more than 400 days ahead/);
    }
    expect(planProfileUpdate(storedOAuth(), incomingOAuth({ expires: NOW + EXPIRY_HORIZON_MS }), opts)).toMatchObject({ action: 'update', reason: 'newer' });
  });

  it('foldPlans: one entry per profile and outcome, with the agents that agree on it, in the order first seen', () => {
    const update = planProfileUpdate(storedOAuth(), incomingOAuth(), opts);
    const skip = planProfileUpdate(storedOAuth({ expires: NOW + 20 * HOUR }), incomingOAuth(), opts);
    const other = { ...update, profileId: 'anthropic:ops' };
    const folded = foldPlans([
      { agentId: 'main', plan: update },
      { agentId: 'coder', plan: skip },
      { agentId: 'ops', plan: update },
      { agentId: 'main', plan: other },
    ]);
    expect(folded).toEqual([
      { plan: update, agents: ['main', 'ops'] },
      { plan: skip, agents: ['coder'] },
      { plan: other, agents: ['main'] },
    ]);
    expect(foldPlans([])).toEqual([]);
  });
});
