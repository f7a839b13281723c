import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { statusResponseSchema } from '../../src/protocol/agent-api.js';
import { outsideSignedFetch } from '../support/outside-client.js';
import { capturedOutput, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, openclawJson5, profilesOfEveryHealth, type Layout } from '../support/state-dir.js';
import { API_VERSION } from '../../src/protocol/api-version.js';
import { TOKENOPS_VERSION } from '../../src/runtime/version.js';

const fifteen = ['main', 'research', 'writer', 'coder', 'reviewer', 'scheduler', 'mailer', 'support', 'sales', 'ops', 'finance', 'translator', 'scraper', 'monitor', 'archivist'];
const seen: string[] = [];

afterAll(() => {
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

describe.each<Layout>(['legacy', 'split'])('GET /v1/status, %s layout, from an outside client', (layout) => {
  let agent: RunningAgent;
  let gateway: StandInGateway;
  let key: string;
  const now = Date.now();

  beforeAll(async () => {
    const stateDir = buildStateDir({
      layout,
      agents: {
        main: {
          profiles: {
            ...profilesOfEveryHealth(now),
          },
        },
        research: {
          profiles: {
            'anthropic:default': oauth('anthropic', 10 * HOUR, {}, now),
            'anthropic:broken': { type: 'oauth', provider: 'anthropic', access: 'x-broken-access-0001' },
          },
        },
      },
      openclawJson5: openclawJson5(fifteen, 4),
    });
    gateway = await startStandInGateway(stateDir);
    key = layout === 'legacy' ? newNodeKeyHex() : Buffer.from(newNodeKeyHex(), 'hex').toString('base64');
    agent = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gateway.url });
  });

  afterAll(async () => {
    await agent?.stop();
    await gateway?.stop();
  });

  test('answers the contract shape, with every health value and no secret', async () => {
    const { status, json } = await outsideSignedFetch(agent.url, key, 'GET', '/v1/status');
    seen.push(JSON.stringify(json));
    expect(status).toBe(200);
    const body = statusResponseSchema.parse(json);
    expect(body.node).toBe('t440');
    expect(body.agent).toEqual({ version: TOKENOPS_VERSION, api: API_VERSION, restartVia: 'command' });
    expect(Math.abs(Date.parse(body.checkedAt) - Date.now())).toBeLessThan(60_000);
    expect(body.store).toMatchObject({ kind: 'auth-profiles-json', readable: true });
    expect(body.store.stores?.map((store) => [store.agentId, store.layout])).toEqual([
      ['main', layout],
      ['research', layout],
    ]);
    const byKey = Object.fromEntries(body.profiles.map((profile) => [`${profile.agentId}/${profile.profileId}`, profile]));
    expect(byKey['main/anthropic:default']).toMatchObject({ provider: 'anthropic', type: 'oauth', hasRefreshToken: true, health: 'ok' });
    expect(byKey['main/anthropic:default']?.expiresAt).toBe(new Date(now + 30 * HOUR).toISOString());
    expect(byKey['main/openai-codex:ops@example.com']?.health).toBe('expired');
    expect(byKey['main/google-gemini-cli:ops@example.com']?.health).toBe('expiring');
    expect(byKey['main/openai:default']).toMatchObject({ type: 'api_key', expiresAt: null, health: 'ok', hasRefreshToken: false });
    expect(byKey['main/anthropic:manual']).toMatchObject({ type: 'token', health: 'ok' });
    expect(byKey['research/anthropic:broken']).toMatchObject({ health: 'invalid' });
    expect(byKey['research/anthropic:broken']?.reason).toMatch(/expires/);
    for (const profile of body.profiles.filter((p) => p.health !== 'invalid')) expect(profile.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    // Two agents hold different anthropic tokens: different fingerprints.
    expect(byKey['main/anthropic:default']?.fingerprint).not.toBe(byKey['research/anthropic:default']?.fingerprint);
    expect(body.gateway).toMatchObject({ url: gateway.url, reachable: true, ready: false });
    expect(body.capacity).toMatchObject({ maxConcurrent: 4, agentCount: 15 });
    expect(JSON.stringify(json)).not.toContain('x-broken-access-0001');
  });

  test('health is unsigned and says only which tokenops and API the agent runs', async () => {
    const response = await fetch(`${agent.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tokenops-signature')).toBeNull();
    expect(await response.json()).toEqual({ ok: true, version: TOKENOPS_VERSION, api: API_VERSION });
  });
});
