import { describe, expect, it } from 'vitest';
import { restartMessage, restartTimings } from '../../src/fleet/operations/restart-node.js';
import type { RestartResponse } from '../../src/protocol/agent-api.js';

function response(overrides: Partial<RestartResponse>): RestartResponse {
  return {
    node: 't440',
    outcome: 'ready',
    startedAt: '2026-12-07T10:00:00.000Z',
    command: { argv0: 'openclaw', exitCode: 0, signal: null, timedOut: false, durationMs: 2_100, outputTail: [] },
    readyAfterMs: 5_400,
    totalMs: 7_600,
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true, detail: 'readyz 200' },
    profiles: [],
    ...overrides,
  };
}

describe('a restart result in words, by how it was made', () => {
  it('the restart command: its time, and ready after it', () => {
    const restart = response({ via: 'command' });
    expect(restartMessage(restart)).toBe('ready 5.4 s after the restart command');
    expect(restartTimings({ node: 't440', outcome: 'ready', message: '', fixMs: 300, restart })).toEqual(['fixes 300ms', 'restart command 2s', 'ready after 5s', 'total 7s']);
  });

  it("the gateway's own restart: asked of it, and ready after it agreed", () => {
    const restart = response({ via: 'gateway', command: { argv0: 'gateway.restart.request', exitCode: 0, signal: null, timedOut: false, durationMs: 40, outputTail: [] } });
    expect(restartMessage(restart)).toBe('ready 5.4 s after the gateway agreed to restart');
    expect(restartTimings({ node: 't440', outcome: 'ready', message: '', fixMs: 300, restart })).toEqual(['fixes 300ms', 'restart asked of the gateway 40ms', 'ready after 5s', 'total 7s']);
  });

  it('an agent older than the field: the restart command, as it was', () => {
    expect(restartMessage(response({}))).toBe('ready 5.4 s after the restart command');
  });

  it('not ready, and a failed command', () => {
    expect(restartMessage(response({ via: 'gateway', outcome: 'not_ready', readyAfterMs: null, gateway: { url: 'u', reachable: true, ready: false, detail: 'readyz 503' } }))).toBe('the gateway was not ready again within the deadline (readyz 503)');
    expect(restartMessage(response({ outcome: 'not_ready', readyAfterMs: null, gateway: { url: 'u', reachable: true, ready: true, detail: 'readyz 200, but still the gateway from before the restart: it has not restarted (yet)' } }))).toBe(
      'the gateway was not ready again within the deadline (readyz 200, but still the gateway from before the restart: it has not restarted (yet))',
    );
    expect(restartMessage(response({ outcome: 'command_failed', command: { argv0: 'x', exitCode: 3, signal: null, timedOut: true, durationMs: 1, outputTail: [] } }))).toBe('the restart command failed (exit 3, timed out)');
  });
});
