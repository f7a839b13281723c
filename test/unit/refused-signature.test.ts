import { describe, expect, test } from 'vitest';
import { refusedSignature } from '../../src/protocol/refused-signature.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const dateHeader = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toUTCString();

describe("a 401's likely cause, from the answer's Date header", () => {
  test('a clock past the 300 s window (less a 5 s allowance for the header and the trip) is clock_skew, ahead or behind', () => {
    expect(refusedSignature(dateHeader(600), NOW)).toEqual({ kind: 'clock_skew', message: "the agent's clock is 10 min ahead of ours, past the 300 s signing window: set its clock (NTP)" });
    expect(refusedSignature(dateHeader(-296), NOW)).toMatchObject({ kind: 'clock_skew', message: expect.stringMatching(/5 min behind ours/) });
    expect(refusedSignature(dateHeader(-60), NOW, 'event stream: ').message).toBe('event stream: the agent refused our signature: its TOKENOPS_AGENT_KEY is not the key we sign with');
  });

  test('within the window, or without a usable Date, it is a wrong key', () => {
    expect(refusedSignature(dateHeader(295), NOW).kind).toBe('unauthorized');
    expect(refusedSignature(null, NOW).kind).toBe('unauthorized');
    expect(refusedSignature('not a date', NOW).kind).toBe('unauthorized');
  });
});
