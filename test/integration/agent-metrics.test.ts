import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { statusResponseSchema } from '../../src/protocol/agent-api.js';
import { transfer } from '../support/fleet-keys.js';
import { outsideSignedFetch } from '../support/outside-client.js';
import { capturedOutput, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { documentedMetrics, exposedMetrics, labelValues, samples, scrape, sum, value, type Scrape } from '../support/prometheus.js';
import { rawRequest } from '../support/raw-http.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, openclawJson5, profilesOfEveryHealth } from '../support/state-dir.js';

/*
 * A real agent process with TOKENOPS_METRICS=on, scraped over loopback as Prometheus would,
 * read with a Prometheus text parser: per-profile figures match the state on disk, counters
 * move with imports and refreshes, a hostile path never becomes a label, no secret or
 * fingerprint shows. And the same agent without the setting answers 404.
 */

const now = Date.now();
const scraped: string[] = [];
let agent: RunningAgent;
let quiet: RunningAgent;
let gateway: StandInGateway;
let key: string;
let quietKey: string;
let client: AgentClient;

async function metricsOf(target: RunningAgent = agent): Promise<Scrape> {
  const result = await scrape(`${target.url}/metrics`);
  scraped.push(result.text);
  return result;
}

beforeAll(async () => {
  // 15 profiles on main (every health), one broken one in a second agent store.
  const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`provider${i}:default`, oauth(`provider${i}`, (10 + i) * HOUR, {}, now)]));
  const stateDir = buildStateDir({
    layout: 'split',
    agents: {
      main: {
        profiles: {
          ...profilesOfEveryHealth(now),
          ...many,
        },
      },
      research: { profiles: { 'anthropic:broken': { type: 'oauth', provider: 'anthropic', access: 'x-broken-access-0002' } } },
    },
    openclawJson5: openclawJson5(['main', 'research'], 4),
  });
  gateway = await startStandInGateway(stateDir, 0);
  key = newNodeKeyHex();
  quietKey = newNodeKeyHex();
  [agent, quiet] = await Promise.all([
    startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gateway.url, TOKENOPS_METRICS: 'on' }),
    startAgent({ TOKENOPS_NODE: 'quiet', TOKENOPS_AGENT_KEY: quietKey, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gateway.url }),
  ]);
  client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(key, 'hex'), timeoutMs: 10_000 });
});

afterAll(async () => {
  await agent?.stop();
  await quiet?.stop();
  await gateway?.stop();
  killAllSpawned();
  expect(findSecrets([...scraped, ...capturedOutput])).toEqual([]);
});

describe('GET /metrics on an agent with TOKENOPS_METRICS=on', () => {
  test('Prometheus text: every profile with its expiry and health, stores, gateway; no secret, no fingerprint', async () => {
    const result = await metricsOf();
    expect(result.status).toBe(200);
    expect(result.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const profile = (agentId: string, profileId: string) => ({ node: 't440', agent: agentId, profile: profileId });

    const codex = value(result, 'tokenops_profile_expiry_seconds', profile('main', 'openai-codex:ops@example.com'));
    expect(codex).toBeLessThan(0);
    expect(codex).toBeGreaterThan(-2 * 3600 - 120);
    expect(value(result, 'tokenops_profile_health', { ...profile('main', 'openai-codex:ops@example.com'), state: 'expired' })).toBe(1);
    expect(value(result, 'tokenops_profile_health', { ...profile('main', 'openai-codex:ops@example.com'), state: 'ok' })).toBe(0);
    expect(samples(result, 'tokenops_profile_expiry_seconds', profile('main', 'openai-codex:ops@example.com'))[0]?.labels).toEqual({ ...profile('main', 'openai-codex:ops@example.com'), provider: 'openai-codex', type: 'oauth' });
    expect(value(result, 'tokenops_profile_health', { ...profile('main', 'google-gemini-cli:ops@example.com'), state: 'expiring' })).toBe(1);
    const anthropic = value(result, 'tokenops_profile_expiry_seconds', profile('main', 'anthropic:default'));
    expect(Math.abs(anthropic - 30 * 3600)).toBeLessThan(120);
    expect(value(result, 'tokenops_profile_health', { ...profile('main', 'anthropic:default'), state: 'ok' })).toBe(1);
    // An api key never expires: a health, no expiry series.
    expect(samples(result, 'tokenops_profile_expiry_seconds', profile('main', 'openai:default'))).toEqual([]);
    expect(value(result, 'tokenops_profile_health', { ...profile('main', 'openai:default'), state: 'ok' })).toBe(1);
    expect(value(result, 'tokenops_profile_health', { ...profile('research', 'anthropic:broken'), state: 'invalid' })).toBe(1);
    // One series per state per profile: 16 profiles × 4 states.
    expect(samples(result, 'tokenops_profile_health')).toHaveLength(16 * 4);
    expect(samples(result, 'tokenops_profile_expiry_seconds')).toHaveLength(14);

    expect(value(result, 'tokenops_store_readable', { node: 't440', agent: 'main' })).toBe(1);
    expect(value(result, 'tokenops_store_readable', { node: 't440', agent: 'research' })).toBe(1);
    expect(value(result, 'tokenops_gateway_reachable', { node: 't440' })).toBe(1);
    // The stand-in gateway answers, and is not ready: it loaded an expired token (as in the incident).
    expect(value(result, 'tokenops_gateway_ready', { node: 't440' })).toBe(0);

    // The same health /v1/status reports, and none of its fingerprints.
    const { json } = await outsideSignedFetch(agent.url, key, 'GET', '/v1/status');
    const status = statusResponseSchema.parse(json);
    expect(status.gateway).toMatchObject({ reachable: true, ready: false });
    for (const entry of status.profiles) {
      expect(value(result, 'tokenops_profile_health', { ...profile(entry.agentId, entry.profileId), state: entry.health }), `${entry.agentId}/${entry.profileId}`).toBe(1);
      if (entry.fingerprint) expect(result.text).not.toContain(entry.fingerprint);
    }
    expect(result.text).not.toContain('x-broken-access-0002');
    expect(findSecrets([result.text])).toEqual([]);
  });

  test('an import and a refresh move their counters; requests are counted by route template and status', async () => {
    const before = await metricsOf();
    expect(value(before, 'tokenops_agent_imports_total', { node: 't440', outcome: 'unchanged' })).toBe(0);
    const self = { client, key: Buffer.from(key, 'hex'), node: 't440' };
    await transfer(self, self, { profiles: ['anthropic:default'] });
    await transfer(self, self, { profiles: ['anthropic:default'], dryRun: true });
    await client.request('POST', '/v1/refresh', { profiles: ['openai:default'] });
    const after = await metricsOf();
    expect(value(after, 'tokenops_agent_imports_total', { node: 't440', outcome: 'unchanged' })).toBe(1);
    expect(value(after, 'tokenops_agent_imports_total', { node: 't440', outcome: 'dry_run' })).toBe(1);
    expect(sum(after, 'tokenops_agent_refreshes_total') - sum(before, 'tokenops_agent_refreshes_total')).toBe(1);
    // Each signed request shows under its route; the scrape before this one under /metrics.
    expect(value(after, 'tokenops_agent_http_request_duration_seconds', { route: '/v1/import', method: 'POST', status: '200' })).toBe(2);
    expect(value(after, 'tokenops_agent_http_request_duration_seconds', { route: '/v1/export', method: 'POST', status: '200' })).toBe(2);
    expect(value(after, 'tokenops_agent_http_request_duration_seconds', { route: '/metrics', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(2);
    const imports = samples(after, 'tokenops_agent_http_request_duration_seconds', { route: '/v1/import' })[0]!;
    expect(Number(imports.buckets?.['+Inf'])).toBe(2);
    expect(Number(imports.sum)).toBeGreaterThan(0);
  });

  test('a hostile path is the route "other", never a label of its own', async () => {
    const marker = randomBytes(8).toString('hex');
    const paths = [`/v1/../../etc/passwd-${marker}`, `/${marker}`, `/v1/status/${marker}`, `/metrics/${marker}`, `/v1/status?x=${marker}`];
    for (const target of paths) await rawRequest(agent.port, { method: 'GET', target });
    await rawRequest(agent.port, { method: 'PROPFIND', target: `/${marker}` });
    const result = await metricsOf();
    expect(result.text).not.toContain(marker);
    expect(labelValues(result).some((label) => label.includes(marker))).toBe(false);
    expect(value(result, 'tokenops_agent_http_request_duration_seconds', { route: 'other', method: 'GET', status: '401' })).toBeGreaterThanOrEqual(4);
    // A query string does not make a route either: /v1/status?x=… is /v1/status (refused unsigned).
    expect(value(result, 'tokenops_agent_http_request_duration_seconds', { route: '/v1/status', method: 'GET', status: '401' })).toBe(1);
    expect(samples(result, 'tokenops_agent_http_request_duration_seconds').every((sample) => /^(\/v1\/[a-z]+|\/metrics|other)$/.test(sample.labels?.route ?? ''))).toBe(true);
  });

  test('the names and labels are the documented ones (docs/metrics.md)', async () => {
    const documented = documentedMetrics().filter((metric) => metric.servedBy.includes('agent'));
    expect(documented.length).toBeGreaterThan(5);
    const exposed = exposedMetrics(await metricsOf());
    const byName = (list: Array<{ name: string }>) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(exposed)).toEqual(byName(documented.map(({ name, type, labels }) => ({ name, type, labels }))));
  });

  test('scrape time with 16 profiles', async () => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      const result = await metricsOf();
      times.push(result.ms);
      bytes = result.text.length;
    }
    times.sort((a, b) => a - b);
    const median = times[10]!;
    console.log(`agent /metrics, 16 profiles in 2 stores + gateway probe: median ${median.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over 20 scrapes, ${(bytes / 1024).toFixed(1)} KiB`);
  });
});

describe('an agent without TOKENOPS_METRICS', () => {
  test('GET /metrics is 404, unsigned or signed, like any unknown path', async () => {
    const unsigned = await fetch(`${quiet.url}/metrics`);
    expect(unsigned.status).toBe(404);
    expect(await unsigned.json()).toEqual({ error: { code: 'not_found', message: 'no route /metrics' } });
    const signed = await outsideSignedFetch(quiet.url, quietKey, 'GET', '/metrics');
    expect(signed.status).toBe(404);
    const unknown = await outsideSignedFetch(quiet.url, quietKey, 'GET', '/nowhere');
    expect(unknown.status).toBe(404);
  });
});
