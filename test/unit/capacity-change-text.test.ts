import { describe, expect, it } from 'vitest';
import { capacityChangeText } from '../../src/fleet/operations/capacity.js';

describe('a capacity change as the audit log keeps it', () => {
  it('from, to, and which part of OpenClaw made it', () => {
    expect(capacityChangeText({ from: 4, to: 12, via: 'gateway' })).toBe("maxConcurrent 4 → 12 through the gateway's admin RPC");
    expect(capacityChangeText({ from: 4, to: 12, via: 'cli' })).toBe('maxConcurrent 4 → 12 through openclaw config set');
    // An agent from before the admin RPC says nothing of it.
    expect(capacityChangeText({ from: 12, to: 16 })).toBe('maxConcurrent 12 → 16');
  });
});
