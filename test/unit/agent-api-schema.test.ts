import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  agentEventSchema,
  capacityRequestSchema,
  capacityResponseSchema,
  capacitySchema,
  credentialBundleSchema,
  errorBodySchema,
  exportedCredentialSchema,
  exportRequestSchema,
  exportResponseSchema,
  gatewayStatusSchema,
  importRequestSchema,
  importResponseSchema,
  preflightRequestSchema,
  preflightResponseSchema,
  profilePlanSchema,
  profileStatusSchema,
  profileVerdictSchema,
  refreshRequestSchema,
  refreshResponseSchema,
  refreshResultSchema,
  restartRequestSchema,
  restartResponseSchema,
  signedEventSchema,
  statusResponseSchema,
  storeFileStatusSchema,
  storeImportResultSchema,
  storeKindSchema,
} from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';

/*
 * The agent API's contract, both ways: what an agent takes in a request, and what the bot
 * takes in an answer. An agent is not trusted, so an answer outside the contract is refused;
 * a request outside it never reaches the agent's operations. Each rule is pinned on both
 * sides of its line: the last value in, the first one out.
 */

const NOW = Date.UTC(2026, 1, 14, 9, 12, 0);
const HOUR = 3_600_000;
const AT = new Date(NOW).toISOString();
const LATER = new Date(NOW + 8 * HOUR).toISOString();
const SEALED = seal(Buffer.alloc(32, 0x42), 'import:t440', { node: 'pc-a' });

beforeEach(() => {
  // The answer schemas judge an expiry against the reader's clock.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

type Schema = { safeParse(value: unknown): { success: boolean; data?: unknown; error?: { issues: Array<{ code: string; path: PropertyKey[]; message: string }> } } };

const accepts = (schema: Schema, value: unknown) => schema.safeParse(value).success;

/** Each issue as `path: message`, the way a person reads a refusal. */
function refusals(schema: Schema, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  expect(parsed.success, JSON.stringify(value)).toBe(false);
  return parsed.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** The value as the schema hands it on; the test fails with the issues when it is refused. */
function parsed(schema: Schema, value: unknown): unknown {
  const result = schema.safeParse(value);
  expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  return result.data;
}

const HEALTH = ['ok', 'expiring', 'expired', 'invalid'];

describe('error body', () => {
  it('is { error: { code, message, details? } }', () => {
    const body = { error: { code: 'bad_request', message: 'profiles: expected an array', details: { field: 'profiles' } } };
    expect(parsed(errorBodySchema, body)).toEqual(body);
    expect(parsed(errorBodySchema, { error: { code: 'busy', message: 'another operation holds the node' } })).toEqual({ error: { code: 'busy', message: 'another operation holds the node' } });
    for (const body of [{}, { error: {} }, { error: { code: 'busy' } }, { error: { message: 'x' } }, { error: 'busy' }]) expect(accepts(errorBodySchema, body), JSON.stringify(body)).toBe(false);
  });
});

describe('status answer', () => {
  const profile = {
    agentId: 'main',
    profileId: 'anthropic:default',
    provider: 'anthropic',
    type: 'oauth',
    expiresAt: LATER,
    hasRefreshToken: true,
    fingerprint: '0123456789ab',
    health: 'ok',
  };
  const answer = {
    node: 't440',
    checkedAt: AT,
    store: {
      kind: 'auth-profiles-json',
      readable: true,
      stores: [
        { agentId: 'main', path: 'agents/main/agent/auth-profiles.json', layout: 'split', readable: true },
        { agentId: 'ops', path: 'agents/ops/agent/auth-profiles.json', layout: null, readable: false, reason: 'not JSON' },
      ],
    },
    profiles: [profile, { ...profile, profileId: 'openai:default', type: 'api_key', provider: 'openai', expiresAt: null, hasRefreshToken: false }],
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true, detail: '200', uptimeMs: 0 },
    capacity: { maxConcurrent: 4, agentCount: 2, source: 'openclaw.json' },
  };

  it('a whole answer is taken as it is: every part, nested stores included', () => {
    expect(parsed(statusResponseSchema, answer)).toEqual(answer);
    const { stores: _stores, ...store } = answer.store;
    expect(parsed(statusResponseSchema, { ...answer, store })).toEqual({ ...answer, store });
  });

  it('a field a newer agent adds is dropped, not a reason to refuse the answer', () => {
    expect(parsed(statusResponseSchema, { ...answer, uptime: 12, store: { ...answer.store, engine: 'sqlite' } })).toEqual(answer);
  });

  it('refuses an answer missing a part, or with a check time that is no ISO time', () => {
    for (const part of ['node', 'checkedAt', 'store', 'profiles', 'gateway', 'capacity'] as const) {
      const { [part]: _dropped, ...rest } = answer;
      expect(accepts(statusResponseSchema, rest), part).toBe(false);
    }
    for (const checkedAt of ['+051234-01-01T00:00:00.000Z', '2026-02-14', 'now']) expect(accepts(statusResponseSchema, { ...answer, checkedAt }), checkedAt).toBe(false);
    expect(accepts(statusResponseSchema, { ...answer, store: { readable: true } })).toBe(false);
    expect(accepts(statusResponseSchema, { ...answer, store: { kind: 'auth-profiles-json' } })).toBe(false);
  });

  it('a profile is taken as it is, in every health; a profile with no expiry stays as it is', () => {
    for (const health of HEALTH) expect(parsed(profileStatusSchema, { ...profile, health })).toEqual({ ...profile, health });
    const apiKey = { ...profile, type: 'api_key', expiresAt: null, hasRefreshToken: false };
    expect(parsed(profileStatusSchema, apiKey)).toEqual(apiKey);
    const withReasons = { ...profile, health: 'invalid', reason: 'expires: expected number', refreshError: 'invalid_grant', provider: null, type: null, fingerprint: null };
    expect(parsed(profileStatusSchema, withReasons)).toEqual(withReasons);
    expect(accepts(profileStatusSchema, { ...profile, health: 'dead' })).toBe(false);
    expect(accepts(profileStatusSchema, { ...profile, hasRefreshToken: 'yes' })).toBe(false);
    expect(accepts(profileStatusSchema, { ...profile, agentId: undefined })).toBe(false);
  });

  it('an expiry of up to 64 characters is read (and judged); a longer one refuses the answer', () => {
    const long = `${LATER}${' '.repeat(64 - LATER.length)}`;
    expect(long).toHaveLength(64);
    expect(parsed(profileStatusSchema, { ...profile, expiresAt: long })).toEqual({ ...profile, expiresAt: null, fingerprint: null, health: 'invalid', reason: 'expiresAt is not an ISO time: not a plausible expiry' });
    expect(refusals(profileStatusSchema, { ...profile, expiresAt: `${long} ` })).toEqual(['expiresAt: Too big: expected string to have <=64 characters']);
  });

  it('every store kind, layout and capacity source there is, and no other', () => {
    for (const kind of ['auth-profiles-json', 'openclaw-agent-sqlite', 'openclaw-state-sqlite']) expect(parsed(storeKindSchema, kind)).toBe(kind);
    for (const kind of ['sqlite', '', 'auth-profiles']) expect(accepts(storeKindSchema, kind), kind).toBe(false);
    for (const layout of ['legacy', 'split', null]) {
      const store = { agentId: 'main', path: 'auth-profiles.json', layout, readable: true };
      expect(parsed(storeFileStatusSchema, store)).toEqual(store);
    }
    expect(accepts(storeFileStatusSchema, { agentId: 'main', path: 'auth-profiles.json', layout: 'flat', readable: true })).toBe(false);
    for (const source of ['openclaw.json', 'defaults']) expect(parsed(capacitySchema, { maxConcurrent: 4, agentCount: 1, source })).toEqual({ maxConcurrent: 4, agentCount: 1, source });
    expect(accepts(capacitySchema, { maxConcurrent: 4, agentCount: 1, source: 'env' })).toBe(false);
  });

  it('capacity: at least one concurrent run, no fewer than no agents, whole numbers', () => {
    const capacity = { maxConcurrent: 1, agentCount: 0, reason: 'openclaw.json absent' };
    expect(parsed(capacitySchema, capacity)).toEqual(capacity);
    for (const bad of [{ maxConcurrent: 0 }, { maxConcurrent: 1.5 }, { agentCount: -1 }, { agentCount: 0.5 }]) {
      expect(accepts(capacitySchema, { ...capacity, ...bad }), JSON.stringify(bad)).toBe(false);
    }
  });

  it("gateway: the uptime, when reported, is not negative", () => {
    const gateway = { url: 'http://127.0.0.1:18789', reachable: false, ready: false, detail: 'ECONNREFUSED' };
    expect(parsed(gatewayStatusSchema, gateway)).toEqual(gateway);
    expect(parsed(gatewayStatusSchema, { ...gateway, uptimeMs: 1.5 })).toEqual({ ...gateway, uptimeMs: 1.5 });
    expect(accepts(gatewayStatusSchema, { ...gateway, uptimeMs: -1 })).toBe(false);
    expect(accepts(gatewayStatusSchema, { url: 'http://127.0.0.1:18789', reachable: true })).toBe(false);
  });
});

describe('export request', () => {
  it('names up to 500 valid profile ids, or none for all; nothing else', () => {
    expect(parsed(exportRequestSchema, {})).toEqual({});
    expect(parsed(exportRequestSchema, { profiles: ['anthropic:default'] })).toEqual({ profiles: ['anthropic:default'] });
    expect(parsed(exportRequestSchema, { profiles: [] })).toEqual({ profiles: [] });
    const ids = Array.from({ length: 500 }, (_, i) => `anthropic:p${i}`);
    expect(accepts(exportRequestSchema, { profiles: ids })).toBe(true);
    expect(accepts(exportRequestSchema, { profiles: [...ids, 'anthropic:p500'] })).toBe(false);
    expect(accepts(exportRequestSchema, { profiles: ['anthropic:../x'] })).toBe(false);
    expect(refusals(exportRequestSchema, { profiles: [], force: true })).toEqual([': Unrecognized key: "force"']);
  });
});

describe('exported credential (inside a sealed bundle)', () => {
  const oauth = {
    profileId: 'anthropic:default',
    type: 'oauth',
    provider: 'anthropic',
    sourceAgentId: 'main',
    fields: { access: 'sk-ant-oat01-a', refresh: 'sk-ant-ort01-r', expires: NOW + 8 * HOUR, accountId: 'acc-1', projectId: 'proj-1', email: 'ops@example.com' },
  };
  const token = { profileId: 'anthropic:manual', type: 'token', provider: 'anthropic', sourceAgentId: 'ops', fields: { token: 'sk-ant-oat01-setup' } };

  it('an oauth credential with every field a sync copies, and a token credential with or without an expiry', () => {
    expect(parsed(exportedCredentialSchema, oauth)).toEqual(oauth);
    expect(parsed(exportedCredentialSchema, token)).toEqual(token);
    const expiring = { ...token, fields: { token: 'sk-ant-oat01-setup', expires: NOW + 300 * 24 * HOUR } };
    expect(parsed(exportedCredentialSchema, expiring)).toEqual(expiring);
    expect(parsed(exportedCredentialSchema, { ...oauth, provider: 'a' })).toEqual({ ...oauth, provider: 'a' });
  });

  it('only oauth and token credentials travel, from a valid agent and profile, with a provider', () => {
    for (const bad of [{ type: 'api_key' }, { type: '' }, { provider: '' }, { sourceAgentId: '../main' }, { profileId: 'default' }, { extra: 1 }]) {
      expect(accepts(exportedCredentialSchema, { ...oauth, ...bad }), JSON.stringify(bad)).toBe(false);
    }
  });

  it('fields are the ones a sync copies, none other (an API key never travels)', () => {
    expect(refusals(exportedCredentialSchema, { ...token, fields: { token: 't', key: 'sk-proj-key' } })).toEqual(['fields: Unrecognized key: "key"']);
    expect(accepts(exportedCredentialSchema, { ...oauth, fields: { ...oauth.fields, type: 'oauth' } })).toBe(false);
  });

  it('a field value is at most 16 KiB of text', () => {
    const at = (access: string) => ({ ...oauth, fields: { ...oauth.fields, access } });
    expect(accepts(exportedCredentialSchema, at('a'.repeat(16_384)))).toBe(true);
    expect(accepts(exportedCredentialSchema, at('a'.repeat(16_385)))).toBe(false);
  });

  it('expires is epoch milliseconds, and named so when it is text', () => {
    const at = (expires: unknown) => ({ ...oauth, fields: { ...oauth.fields, expires } });
    expect(refusals(exportedCredentialSchema, at(String(NOW)))).toEqual(['fields.expires: expires must be epoch milliseconds']);
    for (const expires of [-1, 1.5, 8_640_000_000_000_001, null]) expect(accepts(exportedCredentialSchema, at(expires)), String(expires)).toBe(false);
    expect(accepts(exportedCredentialSchema, at(8_640_000_000_000_000))).toBe(true);
  });

  it('every other field is text, even when its number would pass for an expiry', () => {
    expect(refusals(exportedCredentialSchema, { ...oauth, fields: { ...oauth.fields, accountId: 12345 } })).toEqual(['fields: credential fields other than expires must be strings']);
    expect(refusals(exportedCredentialSchema, { ...token, fields: { token: 7 } })).toEqual(['fields: credential fields other than expires must be strings']);
  });

  it('never half a credential: oauth needs its access token and expiry, a token its token, each named', () => {
    const issues = (value: unknown) => exportedCredentialSchema.safeParse(value).error?.issues.map(({ code, path, message }) => ({ code, path, message }));
    const { access: _a, expires: _e, ...bare } = oauth.fields;
    expect(issues({ ...oauth, fields: bare })).toEqual([
      { code: 'custom', path: ['fields', 'access'], message: 'a oauth credential needs access' },
      { code: 'custom', path: ['fields', 'expires'], message: 'a oauth credential needs expires' },
    ]);
    const { expires: _only, ...noExpiry } = oauth.fields;
    expect(issues({ ...oauth, fields: noExpiry })).toEqual([{ code: 'custom', path: ['fields', 'expires'], message: 'a oauth credential needs expires' }]);
    expect(issues({ ...token, fields: {} })).toEqual([{ code: 'custom', path: ['fields', 'token'], message: 'a token credential needs token' }]);
    // An oauth credential's token field is not what it needs, nor a token credential's access.
    expect(issues({ ...token, fields: { access: 'a', expires: NOW } })).toEqual([{ code: 'custom', path: ['fields', 'token'], message: 'a token credential needs token' }]);
  });

  it('a bundle holds up to 500 credentials, with its node and time, and nothing else', () => {
    const bundle = { node: 'pc-a', exportedAt: AT, credentials: [oauth, token] };
    expect(parsed(credentialBundleSchema, bundle)).toEqual(bundle);
    expect(accepts(credentialBundleSchema, { ...bundle, credentials: Array.from({ length: 500 }, () => token) })).toBe(true);
    expect(accepts(credentialBundleSchema, { ...bundle, credentials: Array.from({ length: 501 }, () => token) })).toBe(false);
    expect(accepts(credentialBundleSchema, { ...bundle, exportedAt: 'today' })).toBe(false);
    expect(accepts(credentialBundleSchema, { ...bundle, signedBy: 'pc-a' })).toBe(false);
  });
});

describe('export answer', () => {
  const answer = {
    node: 'pc-a',
    exportedAt: AT,
    profiles: [
      { profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', expiresAt: LATER, fingerprint: '0123456789ab', health: 'ok' },
      { profileId: 'anthropic:manual', type: 'token', provider: 'anthropic', sourceAgentId: 'main', expiresAt: null, fingerprint: 'ba9876543210', health: 'ok' },
    ],
    notExported: [{ profileId: 'openai:default', reason: 'api_key profiles do not sync' }],
    sealed: SEALED,
  };

  it('is taken as it is: the summary in the clear, the tokens sealed', () => {
    expect(parsed(exportResponseSchema, answer)).toEqual(answer);
    for (const health of HEALTH) expect(accepts(exportResponseSchema, { ...answer, profiles: [{ ...answer.profiles[0], health }] }), health).toBe(true);
  });

  it('refuses a summary or refusal missing a part, or an envelope that is not one', () => {
    expect(accepts(exportResponseSchema, { ...answer, profiles: [{ ...answer.profiles[0], fingerprint: null }] })).toBe(false);
    expect(accepts(exportResponseSchema, { ...answer, profiles: [{ ...answer.profiles[0], expiresAt: 'tomorrow' }] })).toBe(false);
    expect(accepts(exportResponseSchema, { ...answer, notExported: [{ profileId: 'openai:default' }] })).toBe(false);
    expect(accepts(exportResponseSchema, { ...answer, sealed: { ...SEALED, v: 2 } })).toBe(false);
    expect(accepts(exportResponseSchema, { ...answer, sealed: undefined })).toBe(false);
  });
});

describe('import request and answer', () => {
  it('a request is a sealed bundle; dry run and force are off unless asked', () => {
    expect(parsed(importRequestSchema, { sealed: SEALED })).toEqual({ dryRun: false, force: false, sealed: SEALED });
    expect(parsed(importRequestSchema, { sealed: SEALED, dryRun: true, force: true })).toEqual({ dryRun: true, force: true, sealed: SEALED });
    expect(accepts(importRequestSchema, {})).toBe(false);
    expect(accepts(importRequestSchema, { sealed: SEALED, dryRun: 'yes' })).toBe(false);
    expect(refusals(importRequestSchema, { sealed: SEALED, credentials: [] })).toEqual([': Unrecognized key: "credentials"']);
  });

  const plan = {
    profileId: 'anthropic:default',
    action: 'update',
    reason: 'newer',
    changedFields: ['access', 'expires'],
    fromExpiresAt: AT,
    toExpiresAt: LATER,
    fromFingerprint: '0123456789ab',
    toFingerprint: 'ba9876543210',
  };

  it('a plan says update or skip, and why, in one of the words there are', () => {
    expect(parsed(profilePlanSchema, plan)).toEqual(plan);
    for (const action of ['update', 'skip']) expect(accepts(profilePlanSchema, { ...plan, action }), action).toBe(true);
    expect(accepts(profilePlanSchema, { ...plan, action: 'write' })).toBe(false);
    for (const reason of ['unchanged', 'target_newer', 'not_newer', 'incoming_expired', 'type_mismatch', 'implausible_expiry', 'newer', 'forced', 'repairs_invalid']) {
      expect(accepts(profilePlanSchema, { ...plan, reason }), reason).toBe(true);
    }
    for (const reason of ['older', '']) expect(accepts(profilePlanSchema, { ...plan, reason }), reason).toBe(false);
    const skipped = { ...plan, action: 'skip', reason: 'implausible_expiry', changedFields: [], fromExpiresAt: null, toExpiresAt: null, fromFingerprint: null, detail: 'expires 51234-01-01: not a plausible expiry' };
    expect(parsed(profilePlanSchema, skipped)).toEqual(skipped);
    expect(accepts(profilePlanSchema, { ...plan, toFingerprint: null })).toBe(false);
  });

  it('a store says what happened to it, in one of four outcomes', () => {
    const store = { agentId: 'main', path: 'agents/main/agent/auth-profiles.json', outcome: 'written', backup: 'agents/main/agent/auth-profiles.json.bak', profiles: [plan] };
    expect(parsed(storeImportResultSchema, store)).toEqual(store);
    for (const outcome of ['written', 'unchanged', 'planned', 'refused']) expect(accepts(storeImportResultSchema, { ...store, outcome }), outcome).toBe(true);
    expect(accepts(storeImportResultSchema, { ...store, outcome: 'failed' })).toBe(false);
    const answer = { node: 't440', dryRun: false, force: false, stores: [{ ...store, outcome: 'refused', reason: 'locked', backup: undefined }], notHeld: ['openai:default'] };
    const { backup: _backup, ...refused } = answer.stores[0]!;
    expect(parsed(importResponseSchema, answer)).toEqual({ ...answer, stores: [refused] });
    expect(accepts(importResponseSchema, { ...answer, notHeld: undefined })).toBe(false);
  });
});

describe('preflight', () => {
  const WEEK = 7 * 86_400_000;

  it('a margin is a whole number of milliseconds from none to a week, or absent for the default', () => {
    for (const marginMs of [0, 1, WEEK]) expect(parsed(preflightRequestSchema, { marginMs })).toEqual({ marginMs });
    expect(parsed(preflightRequestSchema, {})).toEqual({});
    for (const marginMs of [-1, WEEK + 1, 1.5, '0']) expect(accepts(preflightRequestSchema, { marginMs }), String(marginMs)).toBe(false);
    expect(accepts(preflightRequestSchema, { margin: 0 })).toBe(false);
  });

  const verdict = { agentId: 'main', profileId: 'anthropic:default', expiresAt: LATER, health: 'ok', staysValid: true, fingerprint: '0123456789ab' };
  const answer = {
    node: 't440',
    checkedAt: AT,
    marginMs: 1_800_000,
    go: true,
    reasons: [],
    profiles: [verdict],
    blastRadius: { agentCount: 3, maxConcurrent: 4, expectedBurst: { low: 1, high: 3 }, exceedsCapacity: false, suggestedMaxConcurrent: null },
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
  };

  it('an answer is taken as it is, and a verdict with a believable expiry as it is', () => {
    expect(parsed(preflightResponseSchema, answer)).toEqual(answer);
    expect(parsed(profileVerdictSchema, verdict)).toEqual(verdict);
    expect(parsed(profileVerdictSchema, { ...verdict, expiresAt: null })).toEqual({ ...verdict, expiresAt: null });
    const crowded = { ...answer, go: false, reasons: ['exceeds capacity'], blastRadius: { ...answer.blastRadius, exceedsCapacity: true, suggestedMaxConcurrent: 6 } };
    expect(parsed(preflightResponseSchema, crowded)).toEqual(crowded);
  });

  it('refuses an answer whose blast radius or verdict is missing a part', () => {
    expect(accepts(preflightResponseSchema, { ...answer, blastRadius: { ...answer.blastRadius, expectedBurst: { low: 1 } } })).toBe(false);
    expect(accepts(preflightResponseSchema, { ...answer, blastRadius: { ...answer.blastRadius, agentCount: 2.5 } })).toBe(false);
    expect(accepts(preflightResponseSchema, { ...answer, profiles: [{ ...verdict, staysValid: undefined }] })).toBe(false);
    expect(accepts(preflightResponseSchema, { ...answer, go: 'yes' })).toBe(false);
  });
});

describe('restart', () => {
  it('a ready deadline is a whole number from 100 ms to 30 min, or absent', () => {
    for (const readyDeadlineMs of [100, 30 * 60_000]) expect(parsed(restartRequestSchema, { readyDeadlineMs })).toEqual({ readyDeadlineMs });
    expect(parsed(restartRequestSchema, {})).toEqual({});
    for (const readyDeadlineMs of [99, 30 * 60_000 + 1, 150.5]) expect(accepts(restartRequestSchema, { readyDeadlineMs }), String(readyDeadlineMs)).toBe(false);
    expect(accepts(restartRequestSchema, { readyDeadlineMs: 1000, command: 'reboot' })).toBe(false);
  });

  const answer = {
    node: 't440',
    outcome: 'ready',
    startedAt: AT,
    command: { argv0: 'systemctl', exitCode: 0, signal: null, timedOut: false, durationMs: 1200, outputTail: ['restarted'] },
    readyAfterMs: 3400,
    totalMs: 4600,
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
    profiles: [{ agentId: 'main', profileId: 'anthropic:default', provider: 'anthropic', type: 'oauth', expiresAt: LATER, hasRefreshToken: true, fingerprint: '0123456789ab', health: 'ok' }],
  };

  it('an answer is taken as it is, in each of its three outcomes', () => {
    expect(parsed(restartResponseSchema, answer)).toEqual(answer);
    const killed = { ...answer, outcome: 'command_failed', command: { ...answer.command, exitCode: null, signal: 'SIGKILL', timedOut: true }, readyAfterMs: null };
    expect(parsed(restartResponseSchema, killed)).toEqual(killed);
    expect(parsed(restartResponseSchema, { ...answer, outcome: 'not_ready', readyAfterMs: null })).toEqual({ ...answer, outcome: 'not_ready', readyAfterMs: null });
    expect(accepts(restartResponseSchema, { ...answer, outcome: 'restarted' })).toBe(false);
    expect(accepts(restartResponseSchema, { ...answer, command: { ...answer.command, outputTail: undefined } })).toBe(false);
  });
});

describe('capacity', () => {
  it('a request sets from 1 to 1000 concurrent runs, and says so', () => {
    for (const maxConcurrent of [1, 1000]) expect(parsed(capacityRequestSchema, { maxConcurrent })).toEqual({ maxConcurrent });
    for (const maxConcurrent of [0, 1001, 2.5, undefined]) expect(accepts(capacityRequestSchema, { maxConcurrent }), String(maxConcurrent)).toBe(false);
    expect(accepts(capacityRequestSchema, { maxConcurrent: 4, agentCount: 2 })).toBe(false);
  });

  it('an answer is taken as it is, with the change when one was made', () => {
    const answer = {
      node: 't440',
      capacity: { maxConcurrent: 6, agentCount: 3, source: 'openclaw.json' },
      blastRadius: { agentCount: 3, maxConcurrent: 6, expectedBurst: { low: 1, high: 3 }, exceedsCapacity: false, suggestedMaxConcurrent: null },
      changed: { from: 4, to: 6 },
    };
    expect(parsed(capacityResponseSchema, answer)).toEqual(answer);
    const { changed: _changed, ...unchanged } = answer;
    expect(parsed(capacityResponseSchema, unchanged)).toEqual(unchanged);
    expect(accepts(capacityResponseSchema, { ...answer, changed: { from: 4 } })).toBe(false);
  });
});

describe('events', () => {
  const events = [
    { type: 'profile.refreshed', at: AT, agentId: 'main', profileId: 'anthropic:default', previousExpiresAt: AT, expiresAt: LATER, previousFingerprint: '0123456789ab', fingerprint: 'ba9876543210' },
    { type: 'profile.refreshed', at: AT, agentId: 'main', profileId: 'anthropic:default', previousExpiresAt: null, expiresAt: null, previousFingerprint: null, fingerprint: null },
    { type: 'store.unreadable', at: AT, agentId: 'main', path: 'agents/main/agent/auth-profiles.json', reason: 'not JSON' },
    { type: 'store.readable', at: AT, agentId: 'main', path: 'agents/main/agent/auth-profiles.json' },
    { type: 'gateway.ready', at: AT },
    { type: 'gateway.not_ready', at: AT, detail: '503' },
    { type: 'gateway.not_ready', at: AT },
  ];

  it('each kind of event is taken as it is, signed or not', () => {
    for (const event of events) {
      expect(parsed(agentEventSchema, event)).toEqual(event);
      expect(parsed(signedEventSchema, { event, sig: 'v1=00' })).toEqual({ event, sig: 'v1=00' });
    }
  });

  it('refuses an unknown kind, a kind missing its fields, or an event without its signature', () => {
    expect(accepts(agentEventSchema, { type: 'profile.deleted', at: AT })).toBe(false);
    expect(accepts(agentEventSchema, { type: 'store.unreadable', at: AT, agentId: 'main', path: 'x' })).toBe(false);
    expect(accepts(agentEventSchema, { type: 'gateway.ready' })).toBe(false);
    expect(accepts(signedEventSchema, { event: events[4] })).toBe(false);
    expect(accepts(signedEventSchema, { sig: 'v1=00' })).toBe(false);
  });
});

describe('refresh', () => {
  it('a request names 1 to 100 valid profiles, or none for every one', () => {
    expect(parsed(refreshRequestSchema, {})).toEqual({});
    const ids = Array.from({ length: 100 }, (_, i) => `anthropic:p${i}`);
    for (const profiles of [['anthropic:default'], ids]) expect(parsed(refreshRequestSchema, { profiles })).toEqual({ profiles });
    for (const profiles of [[], [...ids, 'anthropic:p100'], ['anthropic:a b']]) expect(accepts(refreshRequestSchema, { profiles }), String(profiles.length)).toBe(false);
    expect(accepts(refreshRequestSchema, { profiles: ['anthropic:default'], force: true })).toBe(false);
  });

  it("renewal's conditions: a 12-hex-digit fingerprint and an ISO time, nothing else", () => {
    const onlyIf = { fingerprint: '0123456789ab', expiresBefore: LATER };
    expect(parsed(refreshRequestSchema, { profiles: ['anthropic:default'], onlyIf })).toEqual({ profiles: ['anthropic:default'], onlyIf });
    expect(parsed(refreshRequestSchema, { onlyIf: {} })).toEqual({ onlyIf: {} });
    for (const fingerprint of ['x0123456789ab', '0123456789abc', '0123456789a', '0123456789AB', '0123456789a ', 'ghijklmnopqr']) {
      expect(refusals(refreshRequestSchema, { onlyIf: { fingerprint } }), fingerprint).toEqual(['onlyIf.fingerprint: expected a 12-hex-digit token fingerprint']);
    }
    expect(accepts(refreshRequestSchema, { onlyIf: { expiresBefore: 'tomorrow' } })).toBe(false);
    expect(accepts(refreshRequestSchema, { onlyIf: { fingerprint: '0123456789ab', access: 'sk-ant' } })).toBe(false);
  });

  const result = {
    profileId: 'anthropic:default',
    outcome: 'refreshed',
    previousExpiresAt: AT,
    expiresAt: LATER,
    fingerprint: 'ba9876543210',
    rotated: true,
    stores: ['main', 'ops'],
    attempts: 1,
    lifetimeMs: 28_800_000,
  };

  it('a result is taken as it is, in every outcome there is', () => {
    expect(parsed(refreshResponseSchema, { node: 't440', results: [result] })).toEqual({ node: 't440', results: [result] });
    for (const outcome of ['refreshed', 'already_refreshed', 'terminal', 'failed', 'not_held', 'no_refresh_token', 'no_provider', 'stale_copy']) {
      expect(accepts(refreshResultSchema, { ...result, outcome }), outcome).toBe(true);
    }
    expect(accepts(refreshResultSchema, { ...result, outcome: 'expired' })).toBe(false);
    const failed = { ...result, outcome: 'terminal', error: 'invalid_grant', expiresAt: null, fingerprint: null, rotated: false, stores: [], attempts: 2, lifetimeMs: null };
    expect(parsed(refreshResultSchema, failed)).toEqual(failed);
  });

  it('a lifetime, when known, is a positive whole number of milliseconds', () => {
    const { lifetimeMs: _lifetime, ...unknown } = result;
    expect(parsed(refreshResultSchema, unknown)).toEqual(unknown);
    expect(accepts(refreshResultSchema, { ...result, lifetimeMs: 1 })).toBe(true);
    for (const lifetimeMs of [0, -1, 1.5]) expect(accepts(refreshResultSchema, { ...result, lifetimeMs }), String(lifetimeMs)).toBe(false);
  });

  it('refuses an answer without its node or results', () => {
    expect(accepts(refreshResponseSchema, { results: [result] })).toBe(false);
    expect(accepts(refreshResponseSchema, { node: 't440' })).toBe(false);
  });
});
