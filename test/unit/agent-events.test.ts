import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventFrameSplitter, FrameTooLargeError, MAX_EVENT_FRAME_BYTES, verifyFrame } from '../../src/fleet/agent-events.js';
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

describe('EventFrameSplitter', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  const stream = 'retry: 2000\n: connected boot=deadbeef\n\nid: deadbeef-1\ndata: {"event":{"type":"gateway.ready","at":"é"},"sig":"v1=ab"}\n\n: heartbeat\n\n';
  const whole = new EventFrameSplitter().push(bytes(stream));

  it('splits at blank lines, whatever the chunks: whole, byte by byte, or cut inside a two-byte character', () => {
    expect(whole).toHaveLength(3);
    expect(whole[1]).toContain('data: {"event":{"type":"gateway.ready","at":"é"}');
    const byByte = new EventFrameSplitter();
    const frames = [...bytes(stream)].flatMap((byte) => byByte.push(Uint8Array.of(byte)));
    expect(frames).toEqual(whole);
    for (let cut = 1; cut < stream.length; cut++) {
      const splitter = new EventFrameSplitter();
      const all = bytes(stream);
      expect([...splitter.push(all.subarray(0, cut)), ...splitter.push(all.subarray(cut))]).toEqual(whole);
    }
  });

  it('a frame that does not end within 64 KiB throws, however it arrives; one just under is read', () => {
    const under = `data: ${'x'.repeat(MAX_EVENT_FRAME_BYTES - 20)}\n\n`;
    expect(new EventFrameSplitter().push(bytes(under))).toHaveLength(1);
    const endless = new EventFrameSplitter();
    expect(() => {
      for (let i = 0; i < 100; i++) endless.push(bytes('data: '.padEnd(1000, 'x')));
    }).toThrow(FrameTooLargeError);
    expect(() => new EventFrameSplitter().push(bytes(`data: ${'x'.repeat(MAX_EVENT_FRAME_BYTES)}\n\n`))).toThrow(/an event frame over 64 KiB/);
  });

  it('linear: 16 MiB of small frames in 64 KiB chunks, and a near-limit frame byte by byte, each in well under a second', () => {
    const chunk = bytes(': heartbeat\n\n'.repeat(Math.floor(65_536 / 13)));
    const splitter = new EventFrameSplitter();
    let started = performance.now();
    let count = 0;
    for (let i = 0; i < 256; i++) count += splitter.push(chunk).length;
    const manyMs = performance.now() - started;
    expect(count).toBe(256 * Math.floor(65_536 / 13));
    const near = bytes(`data: ${'x'.repeat(MAX_EVENT_FRAME_BYTES - 20)}\n\n`);
    const slow = new EventFrameSplitter();
    started = performance.now();
    let frames = 0;
    for (let i = 0; i < near.length; i++) frames += slow.push(near.subarray(i, i + 1)).length;
    const byteMs = performance.now() - started;
    console.log(`event frames: 16 MiB of heartbeats split in ${Math.round(manyMs)} ms; a ${near.length}-byte frame fed byte by byte in ${Math.round(byteMs)} ms`);
    expect(frames).toBe(1);
    expect(manyMs).toBeLessThan(3_000);
    expect(byteMs).toBeLessThan(1_000);
  });
});
