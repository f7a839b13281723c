import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { subscribeAgentEvents } from '../../src/fleet/agent-events.js';
import type { AgentEvent, CapacityResponse, PreflightResponse, RestartResponse } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { capturedOutput, killAllSpawned, STANDIN_BIN, startAgent, startStandInGateway, type StandInGateway } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, openclawJson5, readStore, secret, storePath } from '../support/state-dir.js';

const seen: string[] = [];
afterAll(() => {
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

const fifteen = Array.from({ length: 15 }, (_, i) => (i === 0 ? 'main' : `agent${i}`));

async function t440(options: { expired: boolean; env?: (stateDir: string, gateway: StandInGateway) => Record<string, string>; config?: Parameters<typeof openclawJson5>[2] }) {
  const stateDir = buildStateDir({
    layout: 'legacy',
    agents: {
      main: { profiles: { 'anthropic:default': oauth('anthropic', options.expired ? -2 * HOUR : 8 * HOUR), 'openai-codex:ops@example.com': oauth('openai-codex', 9 * 24 * HOUR) } },
      agent1: { profiles: { 'anthropic:default': oauth('anthropic', options.expired ? -2 * HOUR : 8 * HOUR) } },
    },
    openclawJson5: openclawJson5(fifteen, 4, options.config),
  });
  const gateway = await startStandInGateway(stateDir, 150);
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({
    TOKENOPS_NODE: 't440',
    TOKENOPS_AGENT_KEY: keyHex,
    OPENCLAW_STATE_DIR: stateDir,
    TOKENOPS_GATEWAY_URL: gateway.url,
    TOKENOPS_RESTART_CMD: gateway.restartCmd,
    TOKENOPS_CONFIG_SET_CMD: gateway.configSetCmd,
    TOKENOPS_POLL_EVERY: '1s',
    ...options.env?.(stateDir, gateway),
  });
  const key = Buffer.from(keyHex, 'hex');
  const client = new AgentClient({ baseUrl: agent.url, key, timeoutMs: 20_000 });
  return { stateDir, gateway, agent, key, client, cleanup: async () => Promise.all([agent.stop(), gateway.stop()]) };
}

async function importFresh(node: { client: AgentClient; key: Buffer }) {
  const fresh = oauth('anthropic', 8 * HOUR);
  const sealed = seal(node.key, 'import:t440', {
    node: 'pc-a',
    exportedAt: new Date().toISOString(),
    credentials: [{ profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires } }],
  });
  return node.client.request('POST', '/v1/import', { sealed });
}

describe('preflight and restart: the incident in miniature', () => {
  test('expired tokens: preflight says no-go; a restart comes back not ready; after a sync, a restart comes back ready with valid tokens', async () => {
    const node = await t440({ expired: true });
    try {
      const pre = (await node.client.request('POST', '/v1/preflight', {})) as PreflightResponse;
      seen.push(JSON.stringify(pre));
      expect(pre.go).toBe(false);
      expect(pre.marginMs).toBe(30 * 60_000);
      expect(pre.reasons).toEqual(['anthropic:default (agent main) has expired', 'anthropic:default (agent agent1) has expired']);
      expect(pre.profiles.find((p) => p.profileId === 'openai-codex:ops@example.com')?.staysValid).toBe(true);
      expect(pre.blastRadius).toEqual({ agentCount: 15, maxConcurrent: 4, expectedBurst: { low: 8, high: 10 }, exceedsCapacity: true, suggestedMaxConcurrent: 12 });
      expect(pre.gateway.ready).toBe(false);

      const pidBefore = node.gateway.pid();
      const failed = (await node.client.request('POST', '/v1/restart', { readyDeadlineMs: 1500 }, 30_000)) as RestartResponse;
      seen.push(JSON.stringify(failed));
      expect(failed.outcome).toBe('not_ready');
      expect(failed.command.exitCode).toBe(0);
      expect(failed.readyAfterMs).toBeNull();
      expect(node.gateway.pid()).not.toBe(pidBefore);
      expect(failed.profiles.filter((p) => p.profileId === 'anthropic:default').map((p) => p.health)).toEqual(['expired', 'expired']);

      await importFresh(node);
      expect((await node.client.request('POST', '/v1/preflight', {}) as PreflightResponse).go).toBe(true);
      const pidMiddle = node.gateway.pid();
      const ok = (await node.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      seen.push(JSON.stringify(ok));
      expect(ok.outcome).toBe('ready');
      // Ready was seen after the command (how long after depends on the machine's load).
      expect(ok.readyAfterMs).toBeGreaterThanOrEqual(0);
      expect(ok.totalMs).toBeGreaterThanOrEqual(ok.command.durationMs);
      expect(node.gateway.pid()).not.toBe(pidMiddle);
      expect(ok.gateway.ready).toBe(true);
      expect(ok.profiles.every((p) => p.health !== 'expired')).toBe(true);
    } finally {
      await node.cleanup();
    }
  });

  test('a failing restart command: the answer gives its exit code and last lines, with credentials blanked out', async () => {
    const node = await t440({
      expired: false,
      env: (stateDir) => {
        const access = readStore(stateDir, 'main').profiles['anthropic:default']?.access as string;
        // Prints a token from the store (as a careless wrapper might), whether it can see the
        // node key, then fails the way systemctl does.
        const script = path.join(stateDir, 'restart-that-fails.sh');
        writeFileSync(script, `#!/bin/sh\necho "restarting with ${access}"\necho "key visible: $(env | grep -c TOKENOPS_AGENT_KEY)"\necho "Job for openclaw-gateway.service failed" >&2\nexit 3\n`);
        chmodSync(script, 0o755);
        return { TOKENOPS_RESTART_CMD: script };
      },
    });
    try {
      const pid = node.gateway.pid();
      const failed = (await node.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      seen.push(JSON.stringify(failed));
      expect(failed.outcome).toBe('command_failed');
      expect(failed.command).toMatchObject({ exitCode: 3, timedOut: false, argv0: expect.stringMatching(/restart-that-fails\.sh$/) });
      expect(failed.command.outputTail).toEqual(['restarting with [redacted]', 'key visible: 0', 'Job for openclaw-gateway.service failed']);
      expect(failed.readyAfterMs).toBeNull();
      expect(node.gateway.pid()).toBe(pid);
    } finally {
      await node.cleanup();
    }
  });

  test('a restart command that is not installed says so', async () => {
    const node = await t440({ expired: false, env: () => ({ TOKENOPS_RESTART_CMD: 'openclaw-not-installed gateway restart' }) });
    try {
      const failed = (await node.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      expect(failed.outcome).toBe('command_failed');
      expect(failed.command.outputTail.at(-1)).toBe('openclaw-not-installed: command not found');
    } finally {
      await node.cleanup();
    }
  });

  test('a restart command that restarts nothing: not ready, and the answer says the gateway is still the one from before', async () => {
    const node = await t440({ expired: false, env: () => ({ TOKENOPS_RESTART_CMD: 'true' }) });
    try {
      const pid = node.gateway.pid();
      const restart = (await node.client.request('POST', '/v1/restart', { readyDeadlineMs: 1500 }, 30_000)) as RestartResponse;
      expect(restart.outcome).toBe('not_ready');
      expect(node.gateway.pid()).toBe(pid);
      expect(restart.gateway.detail).toBe('readyz 200, but still the gateway from before the restart: it has not restarted (yet)');
    } finally {
      await node.cleanup();
    }
  });

  test('two restarts at once: the second is refused while the first runs', async () => {
    const node = await t440({ expired: false });
    try {
      const first = node.client.request('POST', '/v1/restart', {}, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(node.client.request('POST', '/v1/restart', {})).rejects.toMatchObject({ status: 409, code: 'busy', message: expect.stringMatching(/restart/) });
      expect(((await first) as RestartResponse).outcome).toBe('ready');
    } finally {
      await node.cleanup();
    }
  });
});

describe('restart through the gateway (TOKENOPS_RESTART_VIA=gateway)', () => {
  // OpenClaw's own restart (gateway.restart.request over its admin HTTP RPC): it drains its
  // work, then restarts in its process (OPENCLAW_NO_RESPAWN, or in a container) or hands
  // over to its supervisor; either way without the seconds a new Node process takes to start.
  const viaGateway = { TOKENOPS_RESTART_VIA: 'gateway', TOKENOPS_RESTART_CMD: 'openclaw-not-installed gateway restart' };

  test('the gateway restarts itself and loads the stores again: expired before the sync, ready after; no restart command runs', async () => {
    const node = await t440({ expired: true, config: { adminRpc: true }, env: () => viaGateway });
    try {
      const pid = node.gateway.pid();
      const stale = (await node.client.request('POST', '/v1/restart', { readyDeadlineMs: 1500 }, 30_000)) as RestartResponse;
      seen.push(JSON.stringify(stale));
      expect(stale).toMatchObject({ outcome: 'not_ready', via: 'gateway' });
      expect(stale.gateway.detail).toMatch(/readyz 503/);

      await importFresh(node);
      const ok = (await node.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      seen.push(JSON.stringify(ok));
      expect(ok).toMatchObject({ outcome: 'ready', via: 'gateway', command: { argv0: 'gateway.restart.request', exitCode: 0, outputTail: [] } });
      expect(ok.gateway.ready).toBe(true);
      expect(ok.profiles.every((p) => p.health !== 'expired')).toBe(true);
      // In its process: the same pid, restarted twice.
      expect(node.gateway.pid()).toBe(pid);
      expect(readFileSync(path.join(node.stateDir, 'logs', 'standin-gateway.log'), 'utf8').match(/restart requested \(in-process\)/g)).toHaveLength(2);
      expect(node.agent.output.join('\n')).toMatch(/"via":"gateway"/);
    } finally {
      await node.cleanup();
    }
  });

  test('the admin RPC off, or the gateway down: the restart command runs, and says why', async () => {
    const off = await t440({ expired: false, env: (_dir, gateway) => ({ TOKENOPS_RESTART_VIA: 'gateway', TOKENOPS_RESTART_CMD: gateway.restartCmd }) });
    try {
      const pid = off.gateway.pid();
      const restart = (await off.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      expect(restart).toMatchObject({ outcome: 'ready', via: 'command' });
      expect(off.gateway.pid()).not.toBe(pid);
      expect(off.agent.output.find((line) => line.includes('restart through the gateway not possible'))).toMatch(/admin HTTP RPC is off/);
    } finally {
      await off.cleanup();
    }
    // Down, the stand-in's restart needs its port: it starts it.
    const down = await t440({ expired: false, config: { adminRpc: true }, env: (_dir, gateway) => ({ TOKENOPS_RESTART_VIA: 'gateway', TOKENOPS_RESTART_CMD: `${gateway.restartCmd} --port ${gateway.port}` }) });
    try {
      await down.gateway.stop();
      const restart = (await down.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      expect(restart).toMatchObject({ outcome: 'ready', via: 'command' });
      expect(down.agent.output.find((line) => line.includes('restart through the gateway not possible'))).toMatch(/did not answer config\.get/);
    } finally {
      await down.cleanup();
    }
  });

  test('by default the restart command runs, even with the admin RPC on', async () => {
    const node = await t440({ expired: false, config: { adminRpc: true } });
    try {
      const pid = node.gateway.pid();
      const restart = (await node.client.request('POST', '/v1/restart', {}, 30_000)) as RestartResponse;
      expect(restart).toMatchObject({ outcome: 'ready', via: 'command' });
      expect(node.gateway.pid()).not.toBe(pid);
    } finally {
      await node.cleanup();
    }
  });
});

describe('capacity', () => {
  test('reads agents vs maxConcurrent and sets it through the openclaw CLI when the gateway has no admin RPC', async () => {
    const node = await t440({ expired: false });
    try {
      const read = (await node.client.request('GET', '/v1/capacity')) as CapacityResponse;
      expect(read.capacity).toMatchObject({ maxConcurrent: 4, agentCount: 15, source: 'openclaw.json' });
      expect(read.blastRadius.suggestedMaxConcurrent).toBe(12);
      const set = (await node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse;
      expect(set.changed).toEqual({ from: 4, to: 12, via: 'cli' });
      expect(set.blastRadius.exceedsCapacity).toBe(false);
      const status = (await node.client.request('GET', '/v1/status')) as { capacity: { maxConcurrent: number } };
      expect(status.capacity.maxConcurrent).toBe(12);
    } finally {
      await node.cleanup();
    }
  });

  // OpenClaw's admin HTTP RPC (plugin admin-http-rpc): the running gateway patches its own
  // config, validated and backed up as the CLI would, without the CLI's start (8 s on 2026.9).
  const noCli = { TOKENOPS_CONFIG_SET_CMD: 'openclaw-not-installed config set' };

  test('with the admin RPC on, the running gateway sets it and the CLI is not run', async () => {
    const node = await t440({ expired: true, config: { adminRpc: true }, env: () => noCli });
    try {
      const set = (await node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse;
      expect(set.changed).toEqual({ from: 4, to: 12, via: 'gateway' });
      expect(set.capacity).toMatchObject({ maxConcurrent: 12, agentCount: 15, source: 'openclaw.json' });
      // The gateway wrote the file (as OpenClaw does, plain JSON) and kept the one before.
      expect(JSON.parse(readFileSync(path.join(node.stateDir, 'openclaw.json'), 'utf8')).agents.defaults.maxConcurrent).toBe(12);
      expect(readFileSync(path.join(node.stateDir, 'openclaw.json.bak'), 'utf8')).toContain('maxConcurrent: 4');
      expect(readFileSync(path.join(node.stateDir, 'logs', 'standin-gateway.log'), 'utf8')).toMatch(/config\.patch .*agents\.defaults\.maxConcurrent/);
    } finally {
      await node.cleanup();
    }
  });

  test("a gateway with a token takes TOKENOPS_GATEWAY_TOKEN; without it, or with the wrong one, the CLI sets it (and the token is never logged)", async () => {
    const token = secret('gateway-token');
    const right = await t440({ expired: false, config: { adminRpc: true, gatewayToken: token }, env: () => ({ ...noCli, TOKENOPS_GATEWAY_TOKEN: token }) });
    try {
      expect(((await right.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse).changed).toEqual({ from: 4, to: 12, via: 'gateway' });
    } finally {
      await right.cleanup();
    }
    for (const env of [{}, { TOKENOPS_GATEWAY_TOKEN: secret('not-the-gateway-token') }] as Record<string, string>[]) {
      const node = await t440({ expired: false, config: { adminRpc: true, gatewayToken: token }, env: () => env });
      try {
        expect(((await node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse).changed).toEqual({ from: 4, to: 12, via: 'cli' });
        expect(node.agent.output.join('\n')).toMatch(/the gateway refused our credentials.*TOKENOPS_GATEWAY_TOKEN/);
      } finally {
        await node.cleanup();
      }
    }
  });

  test("a gateway on another state dir is not this agent's to change: the CLI sets its own, the other is untouched", async () => {
    const ownDir = buildStateDir({ layout: 'split', agents: { main: { profiles: {} } }, openclawJson5: openclawJson5(['main'], 4) });
    const node = await t440({ expired: false, config: { adminRpc: true }, env: () => ({ OPENCLAW_STATE_DIR: ownDir, TOKENOPS_CONFIG_SET_CMD: `${STANDIN_BIN} config set --state ${ownDir}` }) });
    try {
      const gatewayConfig = readFileSync(path.join(node.stateDir, 'openclaw.json'), 'utf8');
      expect(((await node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse).changed).toEqual({ from: 4, to: 12, via: 'cli' });
      expect(readFileSync(path.join(node.stateDir, 'openclaw.json'), 'utf8')).toBe(gatewayConfig);
      expect(JSON.parse(readFileSync(path.join(ownDir, 'openclaw.json'), 'utf8')).agents.defaults.maxConcurrent).toBe(12);
      expect(node.agent.output.join('\n')).toMatch(/the gateway at http:\/\/127\.0\.0\.1:\d+ runs on .*openclaw\.json, not this agent's .*openclaw\.json/);
    } finally {
      await node.cleanup();
    }
  });

  test('the gateway down: the CLI sets it', async () => {
    const node = await t440({ expired: false, config: { adminRpc: true } });
    try {
      await node.gateway.stop();
      expect(((await node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })) as CapacityResponse).changed).toEqual({ from: 4, to: 12, via: 'cli' });
    } finally {
      await node.cleanup();
    }
  });

  test('without the openclaw CLI: 502 with what to do', async () => {
    const node = await t440({ expired: false, env: () => ({ TOKENOPS_CONFIG_SET_CMD: 'openclaw-not-installed config set' }) });
    try {
      const before = readFileSync(path.join(node.stateDir, 'openclaw.json'), 'utf8');
      await expect(node.client.request('POST', '/v1/capacity', { maxConcurrent: 12 })).rejects.toMatchObject({
        status: 502,
        code: 'command_failed',
        message: expect.stringMatching(/command not found.*TOKENOPS_CONFIG_SET_CMD/),
      });
      expect(readFileSync(path.join(node.stateDir, 'openclaw.json'), 'utf8')).toBe(before);
    } finally {
      await node.cleanup();
    }
  });
});

describe('events', () => {
  test('a refresh written by someone else, a broken store and a gateway going down reach a subscriber, signed', async () => {
    const node = await t440({ expired: false });
    const events: AgentEvent[] = [];
    const subscription = await subscribeAgentEvents(node.agent.url, node.key, (event) => events.push(event));
    const waitFor = async (predicate: (event: AgentEvent) => boolean, ms = 8000) => {
      for (let waited = 0; waited < ms; waited += 25) {
        const found = events.find(predicate);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`event not seen; got ${JSON.stringify(events)}`);
    };
    try {
      // OpenClaw refreshes: a new token and a later expiry, written by temp file + rename.
      const file = storePath(node.stateDir, 'agent1');
      const doc = readStore(node.stateDir, 'agent1');
      const previous = doc.profiles['anthropic:default']!;
      doc.profiles['anthropic:default'] = { ...previous, access: secret('refreshed-access'), expires: (previous.expires as number) + HOUR };
      writeFileSync(`${file}.tmp-test`, `${JSON.stringify(doc, null, 2)}\n`);
      const { renameSync } = await import('node:fs');
      renameSync(`${file}.tmp-test`, file);
      const refreshed = await waitFor((event) => event.type === 'profile.refreshed');
      expect(refreshed).toMatchObject({ agentId: 'agent1', profileId: 'anthropic:default', expiresAt: new Date((previous.expires as number) + HOUR).toISOString() });

      writeFileSync(file, '{"version":1,"profiles":');
      expect(await waitFor((event) => event.type === 'store.unreadable')).toMatchObject({ agentId: 'agent1', path: 'agents/agent1/agent/auth-profiles.json' });
      writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
      await waitFor((event) => event.type === 'store.readable');

      await node.gateway.stop();
      expect(await waitFor((event) => event.type === 'gateway.not_ready', 9000)).toMatchObject({ type: 'gateway.not_ready' });
      seen.push(JSON.stringify(events));
    } finally {
      subscription.close();
      await node.cleanup();
    }
  }, 40_000);
});
