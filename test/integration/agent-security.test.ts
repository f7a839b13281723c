import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { seal } from '../../src/protocol/sealing.js';
import { outsideSignedFetch } from '../support/outside-client.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, storePath } from '../support/state-dir.js';

const seen: string[] = [];
let agent: RunningAgent;
let key: string;
let stateDir: string;
let freshBundleSealed: ReturnType<typeof seal>;

beforeAll(async () => {
  stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 1 * HOUR) } } } });
  key = newNodeKeyHex();
  agent = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' });
  const fresh = oauth('anthropic', 20 * HOUR);
  freshBundleSealed = seal(Buffer.from(key, 'hex'), 'import:t440', {
    node: 'pc-a',
    exportedAt: new Date().toISOString(),
    credentials: [{ profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires } }],
  });
});

afterAll(async () => {
  await agent?.stop();
  killAllSpawned();
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

const storeBytes = () => readFileSync(storePath(stateDir, 'main'), 'utf8');

describe('401: every failure looks the same and changes nothing', () => {
  const importBody = () => JSON.stringify({ sealed: freshBundleSealed });
  const cases: Array<[string, () => Promise<{ status: number; json: unknown }>]> = [
    ['unsigned', async () => {
      const response = await fetch(`${agent.url}/v1/import`, { method: 'POST', body: importBody(), headers: { 'content-type': 'application/json' } });
      return { status: response.status, json: await response.json() };
    }],
    // Well past the 300 s window: the exact boundary is the unit tests' (replay-window,
    // verify-request, with a fixed clock); here a loaded machine's second of delay must not
    // decide the outcome (301 s in the future once arrived as 300 s and passed).
    ['stale by 330 s', () => outsideSignedFetch(agent.url, key, 'POST', '/v1/import', importBody(), { timestamp: Math.floor(Date.now() / 1000) - 330 })],
    ['from 330 s in the future', () => outsideSignedFetch(agent.url, key, 'POST', '/v1/import', importBody(), { timestamp: Math.floor(Date.now() / 1000) + 330 })],
    ['wrong key', () => outsideSignedFetch(agent.url, newNodeKeyHex(), 'POST', '/v1/import', importBody())],
    ['bad signature', () => outsideSignedFetch(agent.url, key, 'POST', '/v1/import', importBody(), { signature: `v1=${'0'.repeat(64)}` })],
    ['short nonce', () => outsideSignedFetch(agent.url, key, 'POST', '/v1/import', importBody(), { nonce: 'abcd' })],
    ['signed for another path', async () => {
      // A valid signature for /v1/status, sent to /v1/import.
      const { createHash, createHmac, randomBytes } = await import('node:crypto');
      const ts = Math.floor(Date.now() / 1000);
      const nonce = randomBytes(16).toString('hex');
      const canonical = `v1\nPOST\n/v1/status\n${ts}\n${nonce}\n${createHash('sha256').update(importBody()).digest('hex')}`;
      const signature = `v1=${createHmac('sha256', Buffer.from(key, 'hex')).update(canonical).digest('hex')}`;
      return outsideSignedFetch(agent.url, key, 'POST', '/v1/import', importBody(), { timestamp: ts, nonce, signature });
    }],
  ];

  test.each(cases)('%s → 401, store untouched', async (_name, send) => {
    const before = storeBytes();
    const { status, json } = await send();
    seen.push(JSON.stringify(json));
    expect(status).toBe(401);
    expect(json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(storeBytes()).toBe(before);
  });

  test('a replayed request → 401 the second time, store untouched', async () => {
    const nonce = 'ab'.repeat(16);
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await outsideSignedFetch(agent.url, key, 'POST', '/v1/import', JSON.stringify({ sealed: freshBundleSealed, dryRun: true }), { nonce, timestamp });
    expect(first.status).toBe(200);
    const before = storeBytes();
    const second = await outsideSignedFetch(agent.url, key, 'POST', '/v1/import', JSON.stringify({ sealed: freshBundleSealed, dryRun: true }), { nonce, timestamp });
    expect(second.status).toBe(401);
    expect(storeBytes()).toBe(before);
  });

  test('a signed request within the window passes (295 s off is accepted)', async () => {
    const { status } = await outsideSignedFetch(agent.url, key, 'GET', '/v1/status', '', { timestamp: Math.floor(Date.now() / 1000) - 295 });
    expect(status).toBe(200);
  });
});

describe('413, 400, 404, 405', () => {
  test('a body over 1 MiB gets 413 on any route, signed or not', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    for (const path of ['/v1/import', '/v1/health', '/v1/nowhere']) {
      const response = await fetch(agent.url + path, { method: 'POST', body: big }).catch((error: Error) => error);
      if (response instanceof Error) throw response;
      expect(response.status).toBe(413);
    }
    const signed = await outsideSignedFetch(agent.url, key, 'POST', '/v1/import', big);
    expect(signed.status).toBe(413);
  });

  test('schema violations → 400 naming the field', async () => {
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(key, 'hex') });
    const capacity = await client.call('POST', '/v1/capacity', { maxConcurrent: 'twelve' });
    expect(capacity.status).toBe(400);
    expect(JSON.stringify(capacity.body)).toMatch(/body: maxConcurrent: /);
    const exportPath = await client.call('POST', '/v1/export', { profiles: ['../../etc/passwd'] });
    expect(exportPath.status).toBe(400);
    expect(JSON.stringify(exportPath.body)).toMatch(/body: profiles\[0\]: /);
    const unknownField = await client.call('POST', '/v1/import', { sealed: freshBundleSealed, dryRun: true, surprise: 1 });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body)).toMatch(/surprise/);
    const notJson = await outsideSignedFetch(agent.url, key, 'POST', '/v1/preflight', '{"marginMs":');
    expect(notJson.status).toBe(400);
    const tampered = await client.call('POST', '/v1/import', { sealed: { ...freshBundleSealed, tag: Buffer.alloc(16).toString('base64') } });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ error: { code: 'bad_sealed_body' } });
    const otherPurpose = seal(Buffer.from(key, 'hex'), 'import:pc-a', { node: 'x', exportedAt: new Date().toISOString(), credentials: [] });
    expect((await client.call('POST', '/v1/import', { sealed: otherPurpose })).status).toBe(400);
  });

  test('unknown route → 404 when signed, 401 when not (routes are not revealed)', async () => {
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(key, 'hex') });
    expect((await client.call('GET', '/v1/secrets')).status).toBe(404);
    expect((await fetch(`${agent.url}/v1/secrets`)).status).toBe(401);
    expect((await client.call('DELETE', '/v1/status')).status).toBe(405);
  });
});

test('the agent signs its answers, and a client rejects an unsigned one', async () => {
  const { headers } = await outsideSignedFetch(agent.url, key, 'GET', '/v1/status');
  expect(headers.get('x-tokenops-signature')).toMatch(/^v1=[0-9a-f]{64}$/);
  // A client with the wrong key cannot verify the answer (and gets 401 first anyway).
  const stranger = new AgentClient({ baseUrl: agent.url, key: Buffer.from(newNodeKeyHex(), 'hex') });
  await expect(stranger.request('GET', '/v1/status')).rejects.toMatchObject({ kind: 'unauthorized' });
});

test('the log says why a request was refused, and nothing secret', async () => {
  const refusals = agent.output.filter((line) => line.includes('request refused'));
  expect(refusals.length).toBeGreaterThan(5);
  expect(refusals.some((line) => line.includes('"reason":"stale"'))).toBe(true);
  expect(refusals.some((line) => line.includes('"reason":"replayed"'))).toBe(true);
  expect(findSecrets(agent.output)).toEqual([]);
  expect(agent.output.join('\n')).not.toContain(key);
});
