import { describe, expect, it } from 'vitest';
import type { ProfileStatus, StoreFileStatus } from '../../src/protocol/agent-api.js';
import { agentEventSchema } from '../../src/protocol/agent-api.js';
import { diffObservations, observe } from '../../src/domain/node-changes.js';

const AT = '2026-02-14T09:12:00.000Z';
const T1 = '2026-02-14T06:40:00.000Z';
const T2 = '2026-02-14T14:40:00.000Z';
const MAIN_STORE = 'agents/main/agent/auth-profiles.json';
const CODER_STORE = 'agents/coder/agent/auth-profiles.json';

function profile(overrides: Partial<ProfileStatus> = {}): ProfileStatus {
  return {
    agentId: 'main',
    profileId: 'anthropic:default',
    provider: 'anthropic',
    type: 'oauth',
    expiresAt: T1,
    hasRefreshToken: true,
    fingerprint: 'aaaaaaaaaaaa',
    health: 'expired',
    ...overrides,
  };
}

function store(path: string, readable: boolean, reason?: string): StoreFileStatus {
  const agentId = path.split('/')[1] ?? 'main';
  return readable ? { agentId, path, layout: 'split', readable } : { agentId, path, layout: null, readable, reason: reason ?? 'not valid JSON' };
}

describe('observe', () => {
  it('indexes profiles by agent and profile id, and stores by readability', () => {
    const seen = observe([profile(), profile({ agentId: 'coder' })], [store(MAIN_STORE, true), store(CODER_STORE, false)]);
    expect(seen.profiles.size).toBe(2);
    expect(seen.readable.has(MAIN_STORE)).toBe(true);
    expect(seen.unreadable.has(CODER_STORE)).toBe(true);
    expect(seen.readable.has(CODER_STORE)).toBe(false);
  });
});

describe('diffObservations', () => {
  it('emits nothing when nothing changed', () => {
    const a = observe([profile()], [store(MAIN_STORE, true)]);
    const b = observe([profile()], [store(MAIN_STORE, true)]);
    expect(diffObservations(a, b, AT)).toEqual([]);
  });

  it('emits profile.refreshed when the expiry moves forward (same fingerprint)', () => {
    const before = observe([profile()], []);
    const after = observe([profile({ expiresAt: T2, health: 'ok' })], []);
    const events = diffObservations(before, after, AT);
    expect(events).toEqual([
      {
        type: 'profile.refreshed',
        at: AT,
        agentId: 'main',
        profileId: 'anthropic:default',
        previousExpiresAt: T1,
        expiresAt: T2,
        previousFingerprint: 'aaaaaaaaaaaa',
        fingerprint: 'aaaaaaaaaaaa',
      },
    ]);
    for (const event of events) expect(agentEventSchema.safeParse(event).success).toBe(true);
  });

  it('emits profile.refreshed when the fingerprint changes (same expiry)', () => {
    const before = observe([profile()], []);
    const after = observe([profile({ fingerprint: 'bbbbbbbbbbbb' })], []);
    expect(diffObservations(before, after, AT)).toMatchObject([{ type: 'profile.refreshed', previousFingerprint: 'aaaaaaaaaaaa', fingerprint: 'bbbbbbbbbbbb' }]);
  });

  it('emits profile.refreshed when the fingerprint changes even if the expiry moved back (forced sync)', () => {
    const before = observe([profile({ expiresAt: T2 })], []);
    const after = observe([profile({ expiresAt: T1, fingerprint: 'bbbbbbbbbbbb' })], []);
    expect(diffObservations(before, after, AT)).toHaveLength(1);
  });

  it('emits nothing when the expiry moved back with the same fingerprint', () => {
    const before = observe([profile({ expiresAt: T2 })], []);
    const after = observe([profile({ expiresAt: T1 })], []);
    expect(diffObservations(before, after, AT)).toEqual([]);
  });

  it('emits nothing when a profile became invalid (fingerprint and expiry gone)', () => {
    const before = observe([profile()], []);
    const after = observe([profile({ expiresAt: null, fingerprint: null, health: 'invalid' })], []);
    expect(diffObservations(before, after, AT)).toEqual([]);
  });

  it('a repaired profile (null before) counts as refreshed', () => {
    const before = observe([profile({ expiresAt: null, fingerprint: null, health: 'invalid' })], []);
    const after = observe([profile({ expiresAt: T2, fingerprint: 'cccccccccccc', health: 'ok' })], []);
    expect(diffObservations(before, after, AT)).toMatchObject([{ type: 'profile.refreshed', previousExpiresAt: null, expiresAt: T2, previousFingerprint: null }]);
  });

  it('a new profile (a fresh login, or a store readable again) counts as refreshed; a vanished one emits nothing', () => {
    const before = observe([profile({ profileId: 'anthropic:gone' })], []);
    const after = observe([profile({ profileId: 'anthropic:new', expiresAt: T2 })], []);
    expect(diffObservations(before, after, AT)).toMatchObject([
      { type: 'profile.refreshed', profileId: 'anthropic:new', previousExpiresAt: null, previousFingerprint: null, expiresAt: T2 },
    ]);
  });

  it('a key without expiry that did not change emits nothing', () => {
    const key = profile({ profileId: 'openai:key', type: 'api_key', expiresAt: null, hasRefreshToken: false, health: 'ok' });
    expect(diffObservations(observe([key], []), observe([key], []), AT)).toEqual([]);
  });

  it('a new profile that cannot be read (no expiry, no fingerprint) is no new token', () => {
    const unreadable = profile({ expiresAt: null, fingerprint: null, health: 'invalid' });
    expect(diffObservations(observe([], []), observe([unreadable], []), AT)).toEqual([]);
  });

  it('the same token gaining an expiry it did not have counts as refreshed', () => {
    const before = observe([profile({ expiresAt: null, health: 'ok' })], []);
    const after = observe([profile({ expiresAt: T2, health: 'ok' })], []);
    expect(diffObservations(before, after, AT)).toEqual([
      { type: 'profile.refreshed', at: AT, agentId: 'main', profileId: 'anthropic:default', previousExpiresAt: null, expiresAt: T2, previousFingerprint: 'aaaaaaaaaaaa', fingerprint: 'aaaaaaaaaaaa' },
    ]);
  });

  it('keys profiles by agent: the same profile id in another agent is a different profile', () => {
    const before = observe([profile({ agentId: 'main' }), profile({ agentId: 'coder' })], []);
    const after = observe([profile({ agentId: 'main' }), profile({ agentId: 'coder', expiresAt: T2 })], []);
    expect(diffObservations(before, after, AT)).toMatchObject([{ type: 'profile.refreshed', agentId: 'coder', profileId: 'anthropic:default' }]);
  });

  it('keeps profile ids with colons, @ and dots intact in the event', () => {
    const id = 'openai-codex:ops.team@example.com';
    const before = observe([profile({ agentId: 'a.b_c-d', profileId: id })], []);
    const after = observe([profile({ agentId: 'a.b_c-d', profileId: id, fingerprint: 'dddddddddddd' })], []);
    expect(diffObservations(before, after, AT)).toMatchObject([{ agentId: 'a.b_c-d', profileId: id }]);
  });

  it('emits store.unreadable once, on the transition, with the reason', () => {
    const readable = observe([], [store(MAIN_STORE, true)]);
    const broken = observe([], [store(MAIN_STORE, false, 'not valid JSON: it ends early (truncated?)')]);
    const first = diffObservations(readable, broken, AT);
    expect(first).toEqual([{ type: 'store.unreadable', at: AT, agentId: 'main', path: MAIN_STORE, reason: 'not valid JSON: it ends early (truncated?)' }]);
    const stillBroken = observe([], [store(MAIN_STORE, false, 'not valid JSON (near byte 12)')]);
    expect(diffObservations(broken, stillBroken, AT)).toEqual([]);
  });

  it('emits store.unreadable for a store seen for the first time unreadable', () => {
    const events = diffObservations(observe([], []), observe([], [store(CODER_STORE, false)]), AT);
    expect(events).toMatchObject([{ type: 'store.unreadable', agentId: 'coder', path: CODER_STORE }]);
  });

  it("falls back to 'unreadable' when a store gives no reason", () => {
    const noReason: StoreFileStatus = { agentId: 'main', path: MAIN_STORE, layout: null, readable: false };
    expect(diffObservations(observe([], []), observe([], [noReason]), AT)).toMatchObject([{ reason: 'unreadable' }]);
  });

  it('emits store.readable when an unreadable store recovers', () => {
    const broken = observe([], [store(MAIN_STORE, false)]);
    const fixed = observe([], [store(MAIN_STORE, true)]);
    expect(diffObservations(broken, fixed, AT)).toEqual([{ type: 'store.readable', at: AT, agentId: 'main', path: MAIN_STORE }]);
  });

  it('emits nothing for an unreadable store that vanished', () => {
    const broken = observe([], [store(MAIN_STORE, false)]);
    expect(diffObservations(broken, observe([], []), AT)).toEqual([]);
  });

  it('emits nothing for a readable store that vanished or one that appeared readable', () => {
    expect(diffObservations(observe([], [store(MAIN_STORE, true)]), observe([], []), AT)).toEqual([]);
    expect(diffObservations(observe([], []), observe([], [store(MAIN_STORE, true)]), AT)).toEqual([]);
  });

  it('a full cycle readable -> unreadable -> unreadable -> readable gives exactly two events', () => {
    const states = [
      observe([], [store(MAIN_STORE, true)]),
      observe([], [store(MAIN_STORE, false)]),
      observe([], [store(MAIN_STORE, false)]),
      observe([], [store(MAIN_STORE, true)]),
    ];
    const events = states.slice(1).flatMap((state, index) => diffObservations(states[index]!, state, AT));
    expect(events.map((event) => event.type)).toEqual(['store.unreadable', 'store.readable']);
  });

  it('tracks several stores independently', () => {
    const before = observe([], [store(MAIN_STORE, false), store(CODER_STORE, true)]);
    const after = observe([], [store(MAIN_STORE, true), store(CODER_STORE, false)]);
    const events = diffObservations(before, after, AT);
    expect(events).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'store.unreadable', path: CODER_STORE }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'store.readable', path: MAIN_STORE }));
  });
});
