import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fleet } from '../../src/config/fleet-file.js';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { exportResponseSchema, importResponseSchema, preflightResponseSchema, statusResponseSchema } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth, readStore, token } from '../support/state-dir.js';

/*
 * Issue 16.3, through a real agent process and the bot's own client: expiries out of range
 * (in microseconds, in year 9999) in a store and in a bundle. Before: the bot refused
 * t440's whole status ("answer from t440 does not match the API (profiles.1.expiresAt)"),
 * and its preflight and export the same way, so every status, plan and sync for the node
 * failed; an import answered with times the bot could not read. (A token endpoint's
 * expires_in out of range: agent-refresh.test.ts.)
 */

const seen: string[] = [];

afterAll(() => {
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

const NODE = 't440';
const PLAUSIBLE = /^expires \d{4,6}-\d\d-\d\d: not a plausible expiry \(more than 400 days ahead; epoch milliseconds expected\)$/;

interface Node {
  stateDir: string;
  key: Buffer;
  agent: RunningAgent;
  client: AgentClient;
  fleet: FleetClient;
}

async function startNode(stateDir: string): Promise<Node> {
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: NODE, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' });
  const key = Buffer.from(keyHex, 'hex');
  const fleet = new FleetClient({ nodes: [{ name: NODE, url: agent.url, key }], file: 'test' } as unknown as Fleet, { timeoutMs: 20_000, concurrency: 2 });
  return { stateDir, key, agent, client: new AgentClient({ baseUrl: agent.url, key, timeoutMs: 20_000 }), fleet };
}

describe('a store whose profiles expire in microseconds or in year 9999', () => {
  const now = Date.now();
  const micro = oauth('openai-codex', 10 * DAY, { accountId: 'acc-1' }, now);
  micro.expires *= 1000;
  const year9999 = { ...token('anthropic', null, now), expires: Date.UTC(9999, 11, 31) };
  let node: Node;

  beforeAll(async () => {
    node = await startNode(
      buildStateDir({
        layout: 'split',
        agents: {
          main: { profiles: { 'anthropic:default': oauth('anthropic', 30 * HOUR, {}, now), 'openai-codex:ops@example.com': micro, 'anthropic:manual': year9999 } },
          coder: { profiles: { 'anthropic:default': oauth('anthropic', 29 * HOUR, {}, now), 'openai-codex:ops@example.com': oauth('openai-codex', -HOUR, {}, now) } },
        },
      }),
    );
  });
  afterAll(async () => {
    await node.fleet.close();
    await node.agent.stop();
  });

  test("status: those profiles are invalid with a reason, the rest of the node reads as usual, and the bot takes the answer", async () => {
    const status = await node.fleet.call(NODE, 'GET', '/v1/status', statusResponseSchema);
    seen.push(JSON.stringify(status));
    expect(status.store).toMatchObject({ readable: true });
    const byKey = Object.fromEntries(status.profiles.map((profile) => [`${profile.agentId}/${profile.profileId}`, profile]));
    expect(byKey['main/openai-codex:ops@example.com']).toMatchObject({ type: 'oauth', health: 'invalid', expiresAt: null, fingerprint: null, hasRefreshToken: true, reason: expect.stringMatching(PLAUSIBLE) });
    expect(byKey['main/anthropic:manual']).toMatchObject({ type: 'token', health: 'invalid', expiresAt: null, reason: expect.stringMatching(/^expires 9999-12-31: not a plausible expiry/) });
    expect(byKey['main/anthropic:default']).toMatchObject({ health: 'ok', expiresAt: new Date(now + 30 * HOUR).toISOString() });
    expect(byKey['coder/anthropic:default']).toMatchObject({ health: 'ok' });
    expect(byKey['coder/openai-codex:ops@example.com']).toMatchObject({ health: 'expired' });
  });

  test('plan: the preflight answers (a no-go naming the profile), and the bot takes it', async () => {
    const preflight = await node.fleet.call(NODE, 'POST', '/v1/preflight', preflightResponseSchema, {});
    expect(preflight.go).toBe(false);
    expect(preflight.reasons).toContain('openai-codex:ops@example.com (agent main) is malformed');
    expect(preflight.profiles.find((verdict) => verdict.agentId === 'main' && verdict.profileId === 'openai-codex:ops@example.com')).toMatchObject({ health: 'invalid', expiresAt: null, staysValid: false });
  });

  test('export: the implausible copies are not exported, with the reason; the rest are', async () => {
    const exported = await node.fleet.call(NODE, 'POST', '/v1/export', exportResponseSchema, {});
    expect(exported.profiles.map((profile) => profile.profileId).sort()).toEqual(['anthropic:default', 'openai-codex:ops@example.com']);
    // The expired copy on coder is what remains of the Codex profile; the one in microseconds never travels.
    expect(exported.profiles.find((profile) => profile.profileId === 'openai-codex:ops@example.com')).toMatchObject({ sourceAgentId: 'coder', health: 'expired' });
    expect(exported.notExported).toContainEqual({ profileId: 'anthropic:manual', reason: expect.stringMatching(/^expires 9999-12-31: not a plausible expiry .* in every store on this node$/) });
  });

  test('import: an incoming credential outside the horizon is refused for that profile with a reason and not written; the others are written, and a stored copy outside it is repaired', async () => {
    const fresh = oauth('openai-codex', 9 * DAY);
    const poison = oauth('anthropic', 8 * HOUR);
    const setup = token('anthropic', 300 * DAY);
    const credentials = [
      // Valid: repairs the copy in microseconds (never "target newer"), and replaces coder's expired one.
      { profileId: 'openai-codex:ops@example.com', type: 'oauth', provider: 'openai-codex', sourceAgentId: 'main', fields: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires } },
      // In microseconds: refused in every store, whatever it holds.
      { profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: poison.access, refresh: poison.refresh, expires: poison.expires * 1000 } },
      // A year's setup token, plausible: repairs the year-9999 one.
      { profileId: 'anthropic:manual', type: 'token', provider: 'anthropic', sourceAgentId: 'main', fields: { token: setup.token, expires: setup.expires } },
    ];
    const sealed = seal(node.key, `import:${NODE}`, { node: 'pc-a', exportedAt: new Date().toISOString(), credentials });
    const before = { main: readStore(node.stateDir, 'main'), coder: readStore(node.stateDir, 'coder') };
    const answer = importResponseSchema.parse(await node.client.request('POST', '/v1/import', { sealed }));
    seen.push(JSON.stringify(answer));
    const plans = Object.fromEntries(answer.stores.flatMap((store) => store.profiles.map((plan) => [`${store.agentId}/${plan.profileId}`, plan])));
    for (const agent of ['main', 'coder']) {
      expect(plans[`${agent}/anthropic:default`]).toMatchObject({ action: 'skip', reason: 'implausible_expiry', toExpiresAt: null, detail: expect.stringMatching(PLAUSIBLE) });
      expect(readStore(node.stateDir, agent).profiles['anthropic:default']).toEqual(before[agent as 'main' | 'coder'].profiles['anthropic:default']);
    }
    expect(plans['main/openai-codex:ops@example.com']).toMatchObject({ action: 'update', reason: 'repairs_invalid', fromExpiresAt: null });
    expect(plans['coder/openai-codex:ops@example.com']).toMatchObject({ action: 'update', reason: 'newer' });
    expect(plans['main/anthropic:manual']).toMatchObject({ action: 'update', reason: 'repairs_invalid' });
    expect(readStore(node.stateDir, 'main').profiles['openai-codex:ops@example.com']).toMatchObject({ access: fresh.access, expires: fresh.expires });
    expect(readStore(node.stateDir, 'main').profiles['anthropic:manual']).toMatchObject({ token: setup.token, expires: setup.expires });
    const status = await node.fleet.call(NODE, 'GET', '/v1/status', statusResponseSchema);
    expect(status.profiles.filter((profile) => profile.health === 'invalid')).toEqual([]);
  });
});
