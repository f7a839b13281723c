import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyFrame } from '../../src/fleet/agent-events.js';
import { signEvent } from '../../src/protocol/signing.js';

const key = randomBytes(32);
const nonce = 'ab'.repeat(16);
const ready = JSON.stringify({ type: 'gateway.ready', at: '2026-02-14T09:00:00.000Z' });
const refreshed = JSON.stringify({
  type: 'profile.refreshed',
  at: '2026-02-14T09:00:00.000Z',
  agentId: 'main',
  profileId: 'anthropic:default',
  previousExpiresAt: null,
  expiresAt: '2026-02-14T17:00:00.000Z',
  previousFingerprint: null,
  fingerprint: 'abcdefabcdef',
});
const frame = (id: string, eventJson: string, sigKey = key) => `{"event":${eventJson},"sig":"${signEvent(sigKey, nonce, id, eventJson)}"}`;

describe('verifyFrame', () => {
  it('accepts a frame as the agent writes it', () => {
    expect(verifyFrame(key, nonce, 'deadbeef-1', frame('deadbeef-1', ready), null)).toEqual(JSON.parse(ready));
  });

  it('refuses an event smuggled after the signature (JSON keeps the last duplicate key)', () => {
    const forged = `${frame('deadbeef-1', ready).slice(0, -1)},"event":${refreshed}}`;
    expect(() => verifyFrame(key, nonce, 'deadbeef-1', forged, null)).toThrow(/malformed frame/);
    const doubled = `{"event":${ready},"sig":"x","event":${refreshed},"sig":"${signEvent(key, nonce, 'deadbeef-1', ready)}"}`;
    expect(() => verifyFrame(key, nonce, 'deadbeef-1', doubled, null)).toThrow(/signature/);
  });

  it('refuses a replayed frame, and one from another stream or key', () => {
    const first = frame('deadbeef-5', refreshed);
    expect(() => verifyFrame(key, nonce, 'deadbeef-5', first, { boot: 'deadbeef', seq: 5 })).toThrow(/backwards/);
    expect(() => verifyFrame(key, 'cd'.repeat(16), 'deadbeef-5', first, null)).toThrow(/signature/);
    expect(() => verifyFrame(key, nonce, 'deadbeef-5', frame('deadbeef-5', refreshed, randomBytes(32)), null)).toThrow(/signature/);
    // Same event under another id: the id is signed too.
    expect(() => verifyFrame(key, nonce, 'deadbeef-6', first, null)).toThrow(/signature/);
    // A new boot of the agent starts its numbers again.
    expect(verifyFrame(key, nonce, 'cafebabe-1', frame('cafebabe-1', ready), { boot: 'deadbeef', seq: 9 })).toMatchObject({ type: 'gateway.ready' });
  });

  it('refuses bad JSON and events outside the schema as trust failures, not silence', () => {
    expect(() => verifyFrame(key, nonce, 'deadbeef-1', frame('deadbeef-1', '{"type":'), null)).toThrow(/not JSON/);
    expect(() => verifyFrame(key, nonce, 'deadbeef-1', frame('deadbeef-1', '{"type":"nope"}'), null)).toThrow(/schema/);
    expect(() => verifyFrame(key, nonce, 'not-an-id', frame('not-an-id', ready), null)).toThrow(/event id/);
  });
});
