import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { UNAUTHORIZED_MESSAGE } from '../../src/agent/http/api-error.js';
import {
  capacityRequestSchema,
  exportRequestSchema,
  importRequestSchema,
  preflightRequestSchema,
  refreshRequestSchema,
  restartRequestSchema,
  statusResponseSchema,
} from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { outsideSignedHeaders } from '../support/outside-client.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { rawRequest, signedRawRequest, type RawRequest, type RawResponse } from '../support/raw-http.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, openclawJson5 } from '../support/state-dir.js';
import { suiteCapture } from '../support/suite-capture.js';
import { snapshotTree, treeChanges, type TreeSnapshot } from '../support/tree-snapshot.js';

/*
 * Hostile input against a real agent process on loopback (issue 9, "Hostile input"):
 * fast-check generates headers, methods, request targets, query strings, bodies and
 * signatures; targeted cases add replay, another node's key and seal, oversized and deeply
 * nested bodies, and path-like profile ids inside validly signed and sealed imports.
 *
 * "No state change" is checked after every single request: the whole sandbox (the state
 * dir, and around it the logs that the agent's restart and config-set commands append to)
 * hashed and compared. So a request that slipped through to a write, a restart or a
 * capacity change, or a file written anywhere near the state dir, fails the run at once.
 */

const MB = 1024 * 1024;
const ROUTES: Record<string, readonly string[]> = {
  '/v1/status': ['GET'],
  '/v1/export': ['POST'],
  '/v1/import': ['POST'],
  '/v1/preflight': ['POST'],
  '/v1/refresh': ['POST'],
  '/v1/restart': ['POST'],
  '/v1/capacity': ['GET', 'POST'],
  '/v1/events': ['GET'],
};
// Only to tell which generated bodies would be valid requests (`{}` is a real refresh, of
// every profile): those are skipped, never sent.
const BODY_SCHEMAS: Record<string, z.ZodType> = {
  '/v1/export': exportRequestSchema,
  '/v1/import': importRequestSchema,
  '/v1/preflight': preflightRequestSchema,
  '/v1/refresh': refreshRequestSchema,
  '/v1/restart': restartRequestSchema,
  '/v1/capacity': capacityRequestSchema,
};

let sandbox: string;
let stateDir: string;
let agent: RunningAgent;
let other: RunningAgent;
let key: string;
let otherKey: string;
let baseline: TreeSnapshot;
const passwd = () => createHash('sha256').update(readFileSync('/etc/passwd')).digest('hex');
let passwdBefore: string;
// Counted into the suite's figure too (printed at the end of npm test).
const tally = suiteCapture.hostile;
const seen: string[] = [];

/** A shell script that appends its arguments to a log beside it: every run leaves a trace. */
function tracingCommand(name: string): string {
  const file = path.join(sandbox, 'bin', name);
  writeFileSync(file, `#!/bin/sh\necho "$@" >> "${path.join(sandbox, `${name}.log`)}"\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'tokenops-hostile-'));
  mkdirSync(path.join(sandbox, 'bin'));
  // Deep enough that any `../` walk from an agent dir stays inside what is hashed.
  stateDir = path.join(sandbox, 'a', 'b', 'state');
  buildStateDir({
    dir: stateDir,
    layout: 'split',
    agents: {
      main: { profiles: { 'anthropic:default': oauth('anthropic', HOUR), 'openai-codex:ops@example.com': oauth('openai-codex', 2 * HOUR) } },
      coder: { profiles: { 'anthropic:default': oauth('anthropic', HOUR) } },
    },
    openclawJson5: openclawJson5(['main', 'coder'], 4),
  });
  key = newNodeKeyHex();
  otherKey = newNodeKeyHex();
  const common = { TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_READY_DEADLINE: '1s', TOKENOPS_LOCK_WAIT: '500ms' };
  agent = await startAgent({
    ...common,
    TOKENOPS_NODE: 't440',
    TOKENOPS_AGENT_KEY: key,
    OPENCLAW_STATE_DIR: stateDir,
    TOKENOPS_RESTART_CMD: tracingCommand('restart'),
    TOKENOPS_CONFIG_SET_CMD: tracingCommand('config-set'),
  });
  // pc-a: another node, its own key and state; its requests and seals must not work on t440.
  const otherState = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 8 * HOUR) } } } });
  other = await startAgent({ ...common, TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: otherKey, OPENCLAW_STATE_DIR: otherState });
  baseline = snapshotTree(sandbox);
  passwdBefore = passwd();
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await other?.stop();
  killAllSpawned();
  console.log(`hostile agent API requests tried: ${tally.tried}; changed state: ${tally.changed}`);
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

// --- sending ---------------------------------------------------------------------------

function signed(method: string, target: string, body: Buffer | string = '', options: { key?: string; timestamp?: number; nonce?: string } = {}): RawRequest {
  return signedRawRequest(options.key ?? key, method, target, body, options);
}

/** Sends a hostile request and checks that nothing under the sandbox changed. */
async function hostile(request: RawRequest, port = agent.port): Promise<RawResponse> {
  tally.tried++;
  const response = await rawRequest(port, request);
  seen.push(response.body.slice(0, 4096));
  const changes = treeChanges(baseline, snapshotTree(sandbox));
  if (changes.length > 0) {
    tally.changed++;
    baseline = snapshotTree(sandbox);
    throw new Error(`${request.method} ${request.target.slice(0, 100)} changed state (answer ${response.status}): ${changes.join(', ')}`);
  }
  return response;
}

/** A legitimate request that is expected to change state: the baseline moves with it. */
async function legitimate(request: RawRequest): Promise<{ response: RawResponse; changes: string[] }> {
  const response = await rawRequest(agent.port, request);
  const after = snapshotTree(sandbox);
  const changes = treeChanges(baseline, after);
  baseline = after;
  return { response, changes };
}

async function expectAlive(): Promise<void> {
  expect(agent.proc.exitCode).toBeNull();
  const health = await rawRequest(agent.port, { method: 'GET', target: '/v1/health' });
  expect(health).toMatchObject({ status: 200, json: { ok: true } });
  const status = await rawRequest(agent.port, signed('GET', '/v1/status'));
  expect(status.status).toBe(200);
  statusResponseSchema.parse(status.json);
}

const UNAUTHORIZED = { error: { code: 'unauthorized', message: UNAUTHORIZED_MESSAGE } };

function bundle(credentials: unknown[]): unknown {
  return { node: 'pc-a', exportedAt: new Date().toISOString(), credentials };
}

/** A credential fresher than what t440 holds: imported for real, it would be written. */
function freshCredential(profileId = 'anthropic:default', sourceAgentId = 'main') {
  const fresh = oauth('anthropic', 20 * HOUR);
  return { profileId, type: 'oauth', provider: 'anthropic', sourceAgentId, fields: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires } };
}

function importBody(payload: unknown, options: { sealKey?: string; purpose?: string; dryRun?: boolean } = {}): string {
  const sealed = seal(Buffer.from(options.sealKey ?? key, 'hex'), options.purpose ?? 'import:t440', payload);
  return JSON.stringify({ sealed, dryRun: options.dryRun ?? false });
}

/** Sealing as the contract describes it, of text as given: for payloads too deep for JSON.stringify. */
function sealedText(plain: string): string {
  const sealingKey = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'hex'), Buffer.alloc(0), 'tokenops/v1/seal', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
  cipher.setAAD(Buffer.from('import:t440'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return JSON.stringify({ sealed: { v: 1, alg: 'A256GCM', iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') } });
}

/** The requests that would change state if the agent took them: each one is a real effect. */
const effects = {
  import: () => ({ method: 'POST', target: '/v1/import', body: importBody(bundle([freshCredential()])) }),
  capacity: () => ({ method: 'POST', target: '/v1/capacity', body: JSON.stringify({ maxConcurrent: 12 }) }),
  restart: () => ({ method: 'POST', target: '/v1/restart', body: JSON.stringify({ readyDeadlineMs: 100 }) }),
};

// --- generators --------------------------------------------------------------------------

const PATH_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&\'()*+,;=:@\\{}|^`"<>[]#'];
const segment = fc.oneof(fc.constantFrom('..', '.', '', 'v1', 'status', 'import', 'health', '%2e%2e', '%00', '%2f', 'etc', 'passwd'), fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 12 }));
const strangePath = fc.oneof(
  fc.constantFrom(
    '/v1/status/', '/v1//status', '/V1/STATUS', '/v1/Status', '/v1/status%00', '/v1/../v1/status', '/v1/./status', '//v1/status', '/v1/status;x',
    '/v1/%2e%2e/v1/import', '/v1/health/..', 'http://127.0.0.1/v1/import', '*', '/v1/export/../import', '/v1', '/', '/v1/', '/v2/status',
    '/v1/status\\', '/v1/secrets', '/v1/events/', '/v1/import#', '/v1/import%3Fx', '/../../etc/passwd', '/v1/%2F%2E%2E%2Fetc%2Fpasswd',
  ),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
).filter((target) => ROUTES[target.split('?')[0]!] === undefined && target.split('?')[0] !== '/v1/health');
const query = fc.option(fc.string({ unit: fc.constantFrom(...PATH_CHARS, '?', '=', '&', '/'), maxLength: 40 }), { nil: undefined }).map((text) => (text === undefined ? '' : `?${text}`));
const anyTarget = fc.tuple(fc.oneof(strangePath, fc.constantFrom(...Object.keys(ROUTES))), query).map(([pathname, q]) => pathname + q);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH', 'TRACE', 'get', 'FOO'];

/** JSON that tries things on a route: wrong types, out-of-range numbers, prototype keys. */
const hostileJson = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({ maxConcurrent: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1001, 1e308, '12', null, [12], true)) }).map((value) => JSON.stringify(value)),
  fc.record({ profiles: fc.array(fc.oneof(fc.string(), fc.constantFrom('../../etc/passwd', '/etc/passwd', 'anthropic:../x', 'anthropic:..', 'anthropic:\u0000', `anthropic:${'a'.repeat(300)}`)), { maxLength: 4 }) }).map((value) => JSON.stringify(value)),
  fc.record({ readyDeadlineMs: fc.oneof(fc.double(), fc.constantFrom(0, 99, 1e12, -5, '100')), marginMs: fc.oneof(fc.double(), fc.constantFrom(-1, 1e15, 'x')) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"maxConcurrent":12,"maxConcurrent":"x"}',
    '{"maxConcurrent":12,"__proto__":{"maxConcurrent":1}}',
    '{"sealed":null,"dryRun":false}',
    '{"sealed":{"v":1,"alg":"A256GCM","iv":"AAAA","ciphertext":"","tag":""}}',
    '\uFEFF{}',
    '{',
    'null',
    '[]',
    '"{}"',
    '1e400',
  ),
  fc.string({ maxLength: 200 }),
);

function jsonOfBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** What the contract says a validly signed request gets, or null when it would be legitimate. */
function expectedForSigned(method: string, target: string, body: string): number | null {
  const pathname = target.split('?')[0]!;
  const route = ROUTES[pathname];
  if (!route) return 404;
  if (!route.includes(method)) return 405;
  const schema = BODY_SCHEMAS[pathname];
  if (!schema) return null;
  const json = jsonOfBody(body);
  if (!json.ok) return 400;
  return schema.safeParse(json.value).success ? null : 400;
}

// --- tests ---------------------------------------------------------------------------------

test('the detector sees a real change: a valid capacity change runs the command and shows up', async () => {
  const { response, changes } = await legitimate(signed('POST', '/v1/capacity', JSON.stringify({ maxConcurrent: 6 })));
  expect(response.status).toBe(200);
  expect(changes).toEqual(['added config-set.log']);
});

describe('property: unsigned or badly signed requests get a bare 401 and change nothing', () => {
  const timestamp = fc.oneof(
    fc.constant('now'),
    fc.integer({ min: 301, max: 1_000_000_000 }).map((skew) => `now+${skew}`),
    fc.integer({ min: 301, max: 1_000_000_000 }).map((skew) => `now-${skew}`),
    fc.constantFrom('', '0', '-1', '1e9', '0x6553f100', ' ', '9'.repeat(13), '1771234567.5', 'NaN', 'Infinity', '\u0661\u0662'),
    fc.string({ maxLength: 20 }),
  );
  const nonce = fc.oneof(
    fc.constant('fresh'),
    fc.integer({ min: 0, max: 200 }).map((length) => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length)),
    fc.constantFrom('zz'.repeat(16), ` ${'ab'.repeat(16)}`, 'ab'.repeat(65), ''),
    fc.string({ maxLength: 40 }),
  );
  const signature = fc.oneof(
    fc.constantFrom('random', 'valid-upper', 'for-another-request', 'for-another-key', 'v2', 'short', 'doubled'),
    fc.string({ maxLength: 80 }),
  );
  const body = fc.oneof(fc.constant(''), fc.constant('effect'), hostileJson, fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')));

  test('headers × methods × targets × bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ timestamp, nonce, signature }, { requiredKeys: [] }),
        fc.boolean(),
        fc.constantFrom(...METHODS),
        anyTarget.filter((target) => target.split('?')[0] !== '/v1/health'),
        body,
        async (headers, duplicate, method, target, bodyChoice) => {
          // The real import body: if this got through, it would write a fresh token.
          const payload = bodyChoice === 'effect' ? effects.import().body : bodyChoice;
          const now = Math.floor(Date.now() / 1000);
          const ts = headers.timestamp === undefined ? undefined : headers.timestamp.startsWith('now') ? String(now + Number(headers.timestamp.slice(3) || 0)) : headers.timestamp;
          const n = headers.nonce === 'fresh' ? randomBytes(16).toString('hex') : headers.nonce;
          const good = outsideSignedHeaders(key, method, target, payload, { timestamp: Number(ts), nonce: n ?? '' });
          const sig = (() => {
            switch (headers.signature) {
              case 'random':
                return `v1=${randomBytes(32).toString('hex')}`;
              case 'valid-upper':
                return `v1=${good.signature.slice(3).toUpperCase()}`;
              case 'for-another-request':
                return outsideSignedHeaders(key, method, target === '/v1/status' ? '/v1/capacity' : '/v1/status', payload, { timestamp: Number(ts), nonce: n ?? '' }).signature;
              case 'for-another-key':
                return outsideSignedHeaders(otherKey, method, target, payload, { timestamp: Number(ts), nonce: n ?? '' }).signature;
              case 'v2':
                return `v2=${good.signature.slice(3)}`;
              case 'short':
                return good.signature.slice(0, -1);
              case 'doubled':
                return `${good.signature}${good.signature.slice(3)}`;
              default:
                return headers.signature;
            }
          })();
          // A correct signature on all three headers would be a valid request, not a hostile one.
          fc.pre(!(ts !== undefined && n !== undefined && sig === good.signature && /^\d+$/.test(ts) && Math.abs(Number(ts) - now) <= 300));
          const list: Array<[string, string]> = [];
          if (ts !== undefined) list.push(['X-Tokenops-Timestamp', ts]);
          if (n !== undefined) list.push(['X-Tokenops-Nonce', n]);
          if (sig !== undefined) list.push(['X-Tokenops-Signature', sig]);
          if (duplicate) list.push(['X-Tokenops-Nonce', randomBytes(16).toString('hex')]);
          const response = await hostile({ method, target, body: Buffer.from(payload, 'latin1'), headers: list });
          if (response.status === 401) expect(method === 'HEAD' ? UNAUTHORIZED : response.json).toEqual(UNAUTHORIZED);
          // 400 only from Node's HTTP parser (a method or header it will not parse), before our code.
          else expect({ status: response.status, fromParser: response.json === undefined }).toEqual({ status: 400, fromParser: true });
        },
      ),
      { numRuns: 150 },
    );
    await expectAlive();
  });
});

describe('property: one change to a valid, state-changing request and it is refused', () => {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('signature-char' as const), at: fc.nat({ max: 63 }) }),
    fc.record({ kind: fc.constant('timestamp' as const), by: fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((by) => by !== 0) }),
    fc.record({ kind: fc.constant('nonce-char' as const), at: fc.nat({ max: 31 }) }),
    fc.record({ kind: fc.constant('nonce-case' as const) }),
    fc.record({ kind: fc.constant('target' as const), suffix: fc.constantFrom('?', '/', '?dryRun=true', '#', '%20', '?x=1', '/.', '//') }),
    fc.record({ kind: fc.constant('target-case' as const) }),
    fc.record({ kind: fc.constant('method' as const), method: fc.constantFrom('PUT', 'PATCH', 'DELETE') }),
    fc.record({ kind: fc.constant('body-byte' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('body-extra' as const), extra: fc.constantFrom(' ', '\n', '\uFEFF', '\u0000') }),
    fc.record({ kind: fc.constant('other-key' as const) }),
  );

  test('signature, timestamp, nonce, target, method, body or key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(effects) as Array<keyof typeof effects>)), mutation, async (effect, change) => {
        const base = effects[effect]();
        const h = outsideSignedHeaders(key, base.method, base.target, base.body);
        let { method, target } = base;
        let body = Buffer.from(base.body);
        let { timestamp, nonce, signature } = h;
        switch (change.kind) {
          case 'signature-char': {
            const hex = signature.slice(3).split('');
            hex[change.at] = hex[change.at] === '0' ? '1' : '0';
            signature = `v1=${hex.join('')}`;
            break;
          }
          case 'timestamp':
            timestamp = String(Number(timestamp) + change.by);
            break;
          case 'nonce-char': {
            const hex = nonce.split('');
            hex[change.at] = hex[change.at] === '0' ? '1' : '0';
            nonce = hex.join('');
            break;
          }
          case 'nonce-case':
            nonce = nonce.replace(/[a-f]/, (c) => c.toUpperCase());
            fc.pre(nonce !== h.nonce);
            break;
          case 'target':
            target += change.suffix;
            break;
          case 'target-case':
            target = target.replace('v1', 'V1');
            break;
          case 'method':
            method = change.method;
            break;
          case 'body-byte': {
            const at = change.at % body.length;
            body = Buffer.from(body);
            body[at] = body[at]! ^ change.xor;
            break;
          }
          case 'body-extra':
            body = Buffer.concat([body, Buffer.from(change.extra)]);
            break;
          case 'other-key':
            ({ timestamp, nonce, signature } = outsideSignedHeaders(otherKey, method, target, body));
            break;
        }
        const response = await hostile({
          method,
          target,
          body,
          headers: [
            ['X-Tokenops-Timestamp', timestamp],
            ['X-Tokenops-Nonce', nonce],
            ['X-Tokenops-Signature', signature],
          ],
        });
        expect(response).toMatchObject({ status: 401, json: UNAUTHORIZED });
      }),
      { numRuns: 120 },
    );
    await expectAlive();
  });

  test('unchanged, the same request is accepted and changes state (so the property above can fail)', async () => {
    const { response, changes } = await legitimate(signed('POST', '/v1/restart', effects.restart().body));
    expect(response.json).toMatchObject({ node: 't440' });
    expect(changes).toEqual(['added restart.log']);
  });
});

describe('property: validly signed requests to the wrong place, with the wrong method or a bad body', () => {
  test('404 / 405 / 400 as the contract says, and nothing changes', async () => {
    const wrongPlace = fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), target: fc.tuple(strangePath, query).map(([p, q]) => p + q), body: fc.oneof(fc.constant(''), hostileJson) });
    const wrongMethod = fc
      .record({ pathname: fc.constantFrom(...Object.keys(ROUTES)), method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'), q: query, body: fc.oneof(fc.constant(''), hostileJson) })
      .filter(({ pathname, method }) => !ROUTES[pathname]!.includes(method))
      .map(({ pathname, method, q, body }) => ({ method, target: pathname + q, body }));
    const badBody = fc.record({ pathname: fc.constantFrom(...Object.keys(BODY_SCHEMAS)), q: query, body: hostileJson }).map(({ pathname, q, body }) => ({ method: 'POST', target: pathname + q, body }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(wrongPlace, wrongMethod, badBody), async ({ method, target, body }) => {
        const expected = expectedForSigned(method, target, body);
        fc.pre(expected !== null);
        const response = await hostile(signed(method, target, body));
        expect(response.status).toBe(expected);
        // HEAD answers carry no body; every other refusal says what is wrong, as JSON.
        if (method !== 'HEAD') expect(response.json).toMatchObject({ error: { code: { 400: 'bad_request', 404: 'not_found', 405: 'method_not_allowed' }[expected!], message: expect.any(String) } });
      }),
      { numRuns: 150 },
    );
    await expectAlive();
    // Prototype keys in bodies polluted nothing: status still has its exact shape.
    const status = await rawRequest(agent.port, signed('GET', '/v1/status'));
    expect(Object.keys(status.json as object).sort()).toEqual(['agent', 'capacity', 'checkedAt', 'gateway', 'node', 'profiles', 'store']);
  });
});

describe('replay, and another node', () => {
  test('a valid import replayed within the window: the second use is refused, however it is dressed up', async () => {
    const first = signed('POST', '/v1/import', effects.import().body);
    const { response, changes } = await legitimate(first);
    expect(response.json).toMatchObject({ stores: expect.arrayContaining([expect.objectContaining({ outcome: 'written' })]) });
    expect(changes.length).toBeGreaterThan(0);
    const nonce = first.headers!.find(([name]) => name === 'X-Tokenops-Nonce')![1];
    const timestamp = Number(first.headers!.find(([name]) => name === 'X-Tokenops-Timestamp')![1]);
    // The same bytes again; the same nonce with another body, correctly signed; the nonce in capitals.
    const replays = [
      first,
      signed('POST', '/v1/import', effects.import().body, { nonce, timestamp }),
      signed('POST', '/v1/import', effects.import().body, { nonce: nonce.toUpperCase(), timestamp }),
      signed('POST', '/v1/capacity', effects.capacity().body, { nonce }),
    ];
    for (const replay of replays) expect(await hostile(replay)).toMatchObject({ status: 401, json: UNAUTHORIZED });
  });

  test("a capacity change replayed: refused, the command does not run again", async () => {
    const first = signed('POST', '/v1/capacity', JSON.stringify({ maxConcurrent: 9 }));
    const { response, changes } = await legitimate(first);
    expect(response.status).toBe(200);
    expect(changes).toEqual(['changed config-set.log']);
    expect(await hostile(first)).toMatchObject({ status: 401, json: UNAUTHORIZED });
    expect(readFileSync(path.join(sandbox, 'config-set.log'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test("pc-a's requests and seals do not work on t440", async () => {
    // A request signed for pc-a (its key), sent to t440.
    expect(await hostile(signed('POST', '/v1/import', effects.import().body, { key: otherKey }))).toMatchObject({ status: 401, json: UNAUTHORIZED });
    // pc-a's own valid request, captured there and replayed at t440.
    const forPca = signed('POST', '/v1/preflight', '{}', { key: otherKey });
    expect((await rawRequest(other.port, forPca)).status).toBe(200);
    expect(await hostile(forPca)).toMatchObject({ status: 401 });
    // Signed with t440's key, but sealed for pc-a (its purpose), or sealed under pc-a's key.
    const namedForPca = await hostile(signed('POST', '/v1/import', importBody(bundle([freshCredential()]), { purpose: 'import:pc-a' })));
    const sealedByPca = await hostile(signed('POST', '/v1/import', importBody(bundle([freshCredential()]), { sealKey: otherKey })));
    // An export envelope from pc-a, passed off as an import.
    const exported = await rawRequest(other.port, signed('POST', '/v1/export', '{}', { key: otherKey }));
    const asImport = await hostile(signed('POST', '/v1/import', JSON.stringify({ sealed: (exported.json as { sealed: unknown }).sealed })));
    for (const response of [namedForPca, sealedByPca, asImport]) {
      expect(response).toMatchObject({ status: 400, json: { error: { code: 'bad_sealed_body', message: expect.stringMatching(/could not be opened/) } } });
    }
  });
});

describe('oversized and deeply nested bodies', () => {
  const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  test('over 1 MiB: 413 whether declared, chunked or signed; a lying or doubled length is refused by the parser', async () => {
    const big = Buffer.alloc(MB + 1, 0x20);
    const chunked = Buffer.concat([Buffer.from(`${(2 * MB).toString(16)}\r\n`), Buffer.alloc(2 * MB, 0x5b), Buffer.from('\r\n0\r\n\r\n')]);
    const cases: Array<[RawRequest, number[]]> = [
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', String(2 ** 40)]], noContentLength: true }, [413]],
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', String(MB + 1)]], noContentLength: true, rawBody: big }, [413]],
      [{ method: 'POST', target: '/v1/import', headers: [['Transfer-Encoding', 'chunked']], rawBody: chunked }, [413]],
      [{ method: 'POST', target: '/v1/health', headers: [['Transfer-Encoding', 'chunked']], rawBody: chunked }, [413]],
      [signed('POST', '/v1/import', big), [413]],
      // Far past the limit the agent reads no more: the refusal may arrive as a reset instead.
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', String(20 * MB)]], noContentLength: true, rawBody: Buffer.alloc(20 * MB, 0x20) }, [0, 413]],
      [{ method: 'POST', target: '/v1/import', headers: [['Transfer-Encoding', 'chunked']], rawBody: Buffer.concat([Buffer.from(`${(12 * MB).toString(16)}\r\n`), Buffer.alloc(12 * MB, 0x5b), Buffer.from('\r\n0\r\n\r\n')]) }, [0, 413]],
      // The bytes past the declared 10 read as a next request, which the parser refuses; it may
      // answer that (400) before the first request's 401.
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', '10']], noContentLength: true, rawBody: big }, [400, 401]],
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', '-1']], noContentLength: true }, [400]],
      // Headers past Node's 16 KiB: refused before any of our code runs.
      [{ method: 'GET', target: '/v1/status', headers: [['X-Tokenops-Nonce', 'ab'.repeat(20_000)]] }, [431]],
      [{ method: 'GET', target: `/v1/status?${'q'.repeat(20_000)}` }, [431]],
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', '5'], ['Content-Length', '6']], noContentLength: true, rawBody: Buffer.from('{}{}{}') }, [400]],
      [{ method: 'POST', target: '/v1/import', headers: [['Content-Length', '2'], ['Transfer-Encoding', 'chunked']], noContentLength: true, rawBody: Buffer.from('2\r\n{}\r\n0\r\n\r\n') }, [400]],
    ];
    for (const [index, [request, statuses]] of cases.entries()) {
      const response = await hostile(request);
      expect(statuses, `case ${index}`).toContain(response.status);
      await expectAlive();
    }
  });

  test('exactly 1 MiB is read (and refused for its content, not its size)', async () => {
    const body = JSON.stringify({ profiles: ['x'.repeat(MB - 20)] }).padEnd(MB, ' ');
    expect(Buffer.byteLength(body)).toBe(MB);
    expect(await hostile(signed('POST', '/v1/export', body))).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
  });

  test('100k levels of [ or {, signed and unsigned, on every body route and inside a sealed bundle: refused, never a crash or a hang', async () => {
    const bodies = [deepArray(100_000), deepObject(100_000), '['.repeat(MB - 1), `{"profiles":${deepArray(50_000)}}`, `{"sealed":${deepObject(50_000)}}`];
    for (const pathname of Object.keys(BODY_SCHEMAS)) {
      for (const body of bodies) {
        const response = await hostile(signed('POST', pathname, body));
        expect(response.status).toBe(400);
        expect(await hostile({ method: 'POST', target: pathname, body })).toMatchObject({ status: 401 });
      }
      await expectAlive();
    }
    // Sealed correctly, so the nesting is only met after unsealing.
    const exportedAt = new Date().toISOString();
    const credential = JSON.stringify(freshCredential());
    const sealedDeep = [
      deepArray(100_000),
      `{"node":"pc-a","exportedAt":"${exportedAt}","credentials":${deepArray(100_000)}}`,
      `{"node":"pc-a","exportedAt":"${exportedAt}","credentials":[${credential.replace(/"fields":\{[^}]*\}/, `"fields":${deepObject(20_000)}`)}]}`,
    ];
    for (const plain of sealedDeep) {
      const response = await hostile(signed('POST', '/v1/import', sealedText(plain)));
      expect(response).toMatchObject({ status: 400, json: { error: { code: 'bad_sealed_body' } } });
      await expectAlive();
    }
    // The same sealing of an ordinary bundle is accepted (a dry run): the refusals above are the nesting's.
    const controlBody = JSON.stringify({ ...(JSON.parse(sealedText(`{"node":"pc-a","exportedAt":"${exportedAt}","credentials":[${credential}]}`)) as object), dryRun: true });
    const control = await legitimate(signed('POST', '/v1/import', controlBody));
    expect(control.response.json).toMatchObject({ dryRun: true, stores: [{ outcome: 'planned' }, { outcome: 'planned' }] });
    expect(control.changes).toEqual([]);
  });
});

describe('path-like profile ids in validly signed and sealed imports', () => {
  const PATH_LIKE = [
    '../../etc/passwd',
    '/etc/passwd',
    'anthropic:../../etc/passwd',
    'anthropic:/etc/passwd',
    'anthropic:..',
    'anthropic:.',
    '..:..',
    'anthropic:default/../../x',
    'anthropic:default\\..\\..\\x',
    'C:\\Windows\\system32',
    'anthropic:\u0000',
    'anthropic:default\u0000.json',
    'anthropic:default\n',
    `anthropic:${'a'.repeat(300)}`,
    `anthropic:${'../'.repeat(2000)}`,
    '__proto__',
    '',
  ];

  test.each(PATH_LIKE.map((id) => [JSON.stringify(id).slice(0, 60), id]))('%s → 400 naming the field, nothing written anywhere', async (_label, id) => {
    const response = await hostile(signed('POST', '/v1/import', importBody(bundle([freshCredential(id)]))));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'bad_sealed_body', message: expect.stringMatching(/^sealed credential bundle does not match its schema: credentials\[0\]\.profileId: (expected a profile id|Too big)/) } });
    expect(passwd()).toBe(passwdBefore);
  });

  test('path-like agent ids (where the credential came from) are refused the same way', async () => {
    for (const agentId of ['../main', '/etc', 'main/../../x', 'main\u0000', '.', '..']) {
      const response = await hostile(signed('POST', '/v1/import', importBody(bundle([freshCredential('anthropic:default', agentId)]))));
      expect(response).toMatchObject({ status: 400, json: { error: { code: 'bad_sealed_body', message: expect.stringMatching(/credentials\[0\]\.sourceAgentId/) } } });
    }
  });

  test('property: any profile id is refused with a clear 400, or taken as a name this node does not hold; nothing is written', async () => {
    const id = fc.oneof(
      fc.constantFrom(...PATH_LIKE),
      fc.string({ unit: fc.constantFrom(...'anthropic:./\\-_ %\u0000\u202e'), maxLength: 30 }),
      fc.tuple(fc.constantFrom('anthropic', 'openai-codex', '..', ''), fc.string({ unit: 'binary', maxLength: 40 })).map(([provider, name]) => `${provider}:${name}`),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 3 }), async (ids) => {
        fc.pre(!ids.includes('anthropic:default') && !ids.includes('openai-codex:ops@example.com'));
        const response = await hostile(signed('POST', '/v1/import', importBody(bundle(ids.map((profileId) => freshCredential(profileId))))));
        if (response.status === 400) {
          expect(response.json).toMatchObject({ error: { code: 'bad_sealed_body', message: expect.stringMatching(/^sealed credential bundle does not match its schema: credentials\[\d\]\./) } });
        } else {
          expect(response.status).toBe(200);
          expect(response.json).toMatchObject({ notHeld: ids, stores: [{ outcome: 'unchanged' }, { outcome: 'unchanged' }] });
        }
      }),
      { numRuns: 80 },
    );
    expect(passwd()).toBe(passwdBefore);
    await expectAlive();
  });
});

test("the agent's log: no crash, no internal error, and why each refusal happened", async () => {
  await expectAlive();
  const errors = agent.output.filter((line) => /"level":(50|60)/.test(line) || /"status":500/.test(line));
  expect(errors).toEqual([]);
  const refusals = agent.output.filter((line) => line.includes('request refused: unauthorized'));
  for (const reason of ['missing_headers', 'malformed_headers', 'stale', 'bad_signature', 'replayed']) expect(refusals.some((line) => line.includes(`"reason":"${reason}"`))).toBe(true);
  expect(tally.changed).toBe(0);
});
