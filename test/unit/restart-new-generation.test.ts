import { describe, expect, it } from 'vitest';
import { startedSinceRestart } from '../../src/agent/operations/restart-gateway.js';

const ready = (uptimeMs?: number) => ({ url: 'http://127.0.0.1:18789', reachable: true, ready: true, detail: 'readyz 200', ...(uptimeMs === undefined ? {} : { uptimeMs }) });

describe('a ready answer after a restart comes from the gateway started since', () => {
  it('the old gateway, still answering before it drains, is not: however slow its answer (seen on OpenClaw 2026.9.6)', () => {
    // Up 3.2 s when asked to restart; 1.2 s later it answers, slowly, 200 with uptime 4.38 s.
    expect(startedSinceRestart(ready(4_384), 1_166)).toBe(false);
    // A gateway up only a moment before the restart, answering within it: still the old one.
    expect(startedSinceRestart(ready(900), 800)).toBe(false);
  });

  it('a gateway whose uptime is shorter than the time since the restart began is', () => {
    expect(startedSinceRestart(ready(182), 4_000)).toBe(true);
    expect(startedSinceRestart(ready(0), 1)).toBe(true);
  });

  it('a gateway that reports no uptime is taken at its word', () => {
    expect(startedSinceRestart(ready(), 10)).toBe(true);
  });
});
