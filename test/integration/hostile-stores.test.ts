import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { statusResponseSchema, type StatusResponse } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { agentDatabase, stateDatabase } from '../support/openclaw-sqlite.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { agentDir, buildStateDir, HOUR, newNodeKeyHex, oauth, storePath } from '../support/state-dir.js';
import { suiteCapture } from '../support/suite-capture.js';
import { snapshotTree, treeChanges } from '../support/tree-snapshot.js';

/*
 * Hostile store files under a real agent (issue 9, "Hostile input", store files): fuzzed
 * auth-profiles.json and SQLite rows (truncated, wrong types, huge numbers, duplicate keys,
 * BOM, binary, too deep, too large), and links out of the state dir. Whatever the store
 * holds, the agent stays up, status names the store as unreadable with a reason (and no
 * secret in it), and an import is refused (422 store_invalid) with every byte left as it
 * was: in the state dir, and wherever a link points.
 *
 * Unit tests cover each store class alone (test/unit/store); these go through the agent
 * process, its status and its import, with generated input.
 */

const MB = 1024 * 1024;
let sandbox: string;
// Counted into the suite's figure too (printed at the end of npm test).
const tally = suiteCapture.hostile;
const seen: string[] = [];

interface Node {
  agent: RunningAgent;
  client: AgentClient;
  key: Buffer;
  stateDir: string;
}
let a: Node;
let b: Node;

async function startNode(stateDir: string): Promise<Node> {
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9', TOKENOPS_LOCK_WAIT: '300ms' });
  const key = Buffer.from(keyHex, 'hex');
  return { agent, client: new AgentClient({ baseUrl: agent.url, key, timeoutMs: 20_000 }), key, stateDir };
}

/** A store document holding planted secrets, in OpenClaw's own encoding. */
function document() {
  return {
    version: 1,
    profiles: {
      'anthropic:default': oauth('anthropic', HOUR, { email: 'ops@example.com' }),
      'openai:default': { type: 'api_key', provider: 'openai', key: `sk-${randomBytes(12).toString('hex')}` },
    },
  };
}
const openclawText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const VICTIM = 'victim';
const SQL_VICTIM = 'sqlvictim';
let victimText: string;
let sqlVictimText: string;
let sharedText: string;
const victimJsonPath = () => path.relative(a.stateDir, storePath(a.stateDir, VICTIM));
const victimSqlFile = () => path.join(agentDir(a.stateDir, SQL_VICTIM), 'openclaw-agent.sqlite');
const sharedFile = () => path.join(b.stateDir, 'state', 'openclaw.sqlite');

beforeAll(async () => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'tokenops-hostile-stores-'));
  const stateA = path.join(sandbox, 'a');
  const victim = document();
  victimText = openclawText(victim);
  buildStateDir({ dir: stateA, layout: 'split', agents: { main: { profiles: document().profiles }, [VICTIM]: { profiles: victim.profiles } } });
  const sqlDocument = document();
  sqlVictimText = JSON.stringify(sqlDocument);
  agentDatabase(stateA, SQL_VICTIM, sqlDocument);
  // 2026.9: the shared store is a row of the state database.
  const stateB = path.join(sandbox, 'b');
  mkdirSync(stateB);
  const shared = document();
  sharedText = JSON.stringify(shared);
  stateDatabase(stateB, shared, undefined, { sharedInStateDb: true });
  [a, b] = await Promise.all([startNode(stateA), startNode(stateB)]);
}, 30_000);

afterAll(async () => {
  await a?.agent.stop();
  await b?.agent.stop();
  killAllSpawned();
  console.log(`hostile store files tried: ${tally.tried}; changed state: ${tally.changed}`);
  expect(findSecrets([...seen, ...capturedOutput])).toEqual([]);
});

function writeRow(file: string, table: string, keyColumn: string, valueColumn: string, key: string, value: string | Buffer): void {
  const db = new Database(file);
  try {
    db.prepare(`UPDATE ${table} SET ${valueColumn} = ? WHERE ${keyColumn} = ?`).run(value, key);
  } finally {
    db.close();
  }
}

type Target = 'json' | 'agent-sqlite' | 'state-sqlite';
const TARGETS: Record<Target, { node: () => Node; path: () => string; put: (content: Buffer) => void; restore: () => void }> = {
  json: {
    node: () => a,
    path: victimJsonPath,
    put: (content) => writeFileSync(storePath(a.stateDir, VICTIM), content),
    restore: () => writeFileSync(storePath(a.stateDir, VICTIM), victimText),
  },
  'agent-sqlite': {
    node: () => a,
    path: () => `agents/${SQL_VICTIM}/agent/openclaw-agent.sqlite#auth_profile_store/primary`,
    // As text when it decodes as UTF-8, as SQLite stores what a client writes; else a BLOB.
    put: (content) => writeRow(victimSqlFile(), 'auth_profile_store', 'store_key', 'store_json', 'primary', Buffer.from(content.toString('utf8')).equals(content) ? content.toString('utf8') : content),
    restore: () => writeRow(victimSqlFile(), 'auth_profile_store', 'store_key', 'store_json', 'primary', sqlVictimText),
  },
  'state-sqlite': {
    node: () => b,
    path: () => 'state/openclaw.sqlite#config_machine_state/authProfiles.store',
    // STRICT: only text goes in.
    put: (content) => writeRow(sharedFile(), 'config_machine_state', 'state_key', 'value_json', 'authProfiles.store', content.toString('utf8')),
    restore: () => writeRow(sharedFile(), 'config_machine_state', 'state_key', 'value_json', 'authProfiles.store', sharedText),
  },
};

/** A fresh credential for a profile every store holds: imported for real, it would be written everywhere. */
function importBody(node: Node, profileId = 'anthropic:default') {
  const fresh = oauth('anthropic', 20 * HOUR);
  const credentials = [{ profileId, type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires } }];
  return { sealed: seal(node.key, 'import:t440', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials }) };
}

/**
 * The agent's view of a store it must not trust: unreadable in status with a reason, the
 * import refused naming it, nothing changed under the sandbox, the agent still up.
 */
async function expectRefused(node: Node, storePathShown: string, reason?: RegExp): Promise<string> {
  tally.tried++;
  const before = snapshotTree(sandbox);
  const status: StatusResponse = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
  const entry = status.store.stores?.find((store) => store.path === storePathShown);
  expect(entry, `status lists ${storePathShown}`).toMatchObject({ readable: false, reason: expect.stringMatching(/\S/) });
  if (reason) expect(entry?.reason).toMatch(reason);
  expect(status.store.readable).toBe(false);
  const answer = await node.client.call('POST', '/v1/import', importBody(node), 20_000);
  expect(answer.status).toBe(422);
  expect(answer.body).toMatchObject({ error: { code: 'store_invalid', details: { stores: expect.arrayContaining([{ path: storePathShown, reason: entry!.reason }]) } } });
  seen.push(JSON.stringify(status), JSON.stringify(answer.body));
  const changes = treeChanges(before, snapshotTree(sandbox));
  if (changes.length > 0) tally.changed++;
  expect(changes).toEqual([]);
  expect(node.agent.proc.exitCode).toBeNull();
  expect((await fetch(`${node.agent.url}/v1/health`)).status).toBe(200);
  return entry!.reason!;
}

// --- generated store content ----------------------------------------------------------

const nestedDeep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const notAnInteger = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.double().filter((x) => !Number.isInteger(x)), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notARecord = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }));

/** Each labelled, so a failure says which kind of damage it was. */
const storeContent: fc.Arbitrary<{ kind: string; make: (valid: string) => string | Buffer }> = fc.oneof(
  fc.nat().map((at) => ({ kind: 'truncated', make: (valid: string) => valid.slice(0, 1 + (at % (valid.trimEnd().length - 1))) })),
  fc.tuple(fc.boolean(), notAnInteger, notARecord).map(([bad, version, profiles]) => ({ kind: 'wrong types', make: () => JSON.stringify(bad ? { version, profiles: {} } : { version: 1, profiles }) })),
  fc.jsonValue().filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)).map((value) => ({ kind: 'not an object', make: () => JSON.stringify(value) })),
  fc.record({ literal: fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '1e999'), where: fc.constantFrom('expires', 'top', 'nested') }).map(({ literal, where }) => ({
    kind: `huge number in ${where}`,
    make: (valid: string) =>
      where === 'expires' ? valid.replace(/("expires": ?)\d+/, `$1${literal}`) : where === 'top' ? valid.replace(/^\{/, `{"lastGood":${literal},`) : valid.replace(/("openai:default": ?\{)/, `$1"usage":{"n":[${literal}]},`),
  })),
  fc.constantFrom('profiles', 'profile', 'field').map((which) => ({
    kind: `duplicate ${which}`,
    make: (valid: string) =>
      which === 'profiles' ? valid.replace(/^\{/, '{"profiles":{},') : which === 'profile' ? valid.replace(/("profiles": ?\{)/, '$1"anthropic:default":{"type":"token","provider":"anthropic","token":"x"},') : valid.replace(/("type": ?"oauth",)/, '$1"type":"oauth",'),
  })),
  fc.oneof(fc.constant(''), fc.constant('{"version":'), fc.string({ maxLength: 20 })).map((rest) => ({ kind: 'BOM and broken', make: () => `\uFEFF${rest}` })),
  fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((bytes) => ({ kind: 'binary', make: () => Buffer.from(bytes) })),
  fc.integer({ min: 257, max: 100_000 }).map((depth) => ({ kind: `nested ${depth} deep`, make: (valid: string) => valid.replace(/^\{/, `{"extra":${nestedDeep(depth)},`) })),
  fc.constantFrom('', ' ', '\n\n', '\t').map((text) => ({ kind: 'empty', make: () => text })),
);

// --- tests ------------------------------------------------------------------------------

test('the fixtures are sound: every store reads, and an import would write each of them', async () => {
  for (const node of [a, b]) {
    const status = statusResponseSchema.parse(await node.client.request('GET', '/v1/status'));
    expect(status.store.stores?.every((store) => store.readable)).toBe(true);
    const dryRun = (await node.client.request('POST', '/v1/import', { ...importBody(node), dryRun: true })) as { stores: Array<{ outcome: string }> };
    expect(dryRun.stores.map((store) => store.outcome).every((outcome) => outcome === 'planned')).toBe(true);
  }
});

test('property: whatever damage a store holds, it is reported and never written, and the agent stays up', async () => {
  const kinds = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<Target>('json', 'agent-sqlite', 'state-sqlite'), storeContent, async (target, content) => {
      const where = TARGETS[target];
      const valid = target === 'json' ? victimText : target === 'agent-sqlite' ? sqlVictimText : sharedText;
      const made = content.make(valid);
      where.put(Buffer.isBuffer(made) ? made : Buffer.from(made));
      try {
        await expectRefused(where.node(), where.path());
        kinds.set(content.kind.replace(/\d+/g, 'N'), (kinds.get(content.kind.replace(/\d+/g, 'N')) ?? 0) + 1);
      } finally {
        where.restore();
      }
    }),
    { numRuns: 60 },
  );
  expect(kinds.size).toBeGreaterThan(5);
});

describe('damage named in the reason', () => {
  const cases: Array<[string, (valid: string) => string | Buffer, RegExp]> = [
    ['truncated', (valid) => valid.slice(0, valid.length / 2), /truncated/],
    ['profiles of the wrong type', () => '{"version":1,"profiles":["x"]}', /profiles/],
    ['a number that overflows', (valid) => valid.replace(/("expires": ?)\d+/, '$11e400'), /number too large .*expires/],
    ['an integer past 2^53', (valid) => valid.replace(/("expires": ?)\d+/, '$112345678901234567890'), /too large to keep exactly/],
    ['a duplicate profile', (valid) => valid.replace(/("profiles": ?\{)/, '$1"anthropic:default":{"type":"token","provider":"anthropic","token":"x"},'), /key twice \(profiles\.anthropic:default\)/],
    ['a BOM before garbage', () => '\uFEFF\u0000\u0001', /not valid JSON/],
    ['binary', () => randomBytes(2048), /not valid JSON|empty|BLOB/],
    ['100k levels deep', (valid) => valid.replace(/^\{/, `{"extra":${nestedDeep(100_000)},`), /nested deeper than 256 levels/],
    // Its fingerprint is taken from JSON.stringify(keyRef), which overflowed: status answered 500.
    ['an API key held as a reference 100k levels deep', (valid) => valid.replace(/("key": ?)"sk-[0-9a-f]+"/, `"keyRef":${nestedDeep(100_000)}`), /nested deeper/],
    ['10 MB of garbage', () => randomBytes((10 * MB * 3) / 4).toString('base64'), /10\.0 MiB; no credential store is that large/],
    ['a valid 10 MB document', (valid) => valid.replace(/^\{/, `{"padding":"${'x'.repeat(10 * MB)}",`), /10\.0 MiB; no credential store is that large/],
  ];
  for (const target of ['json', 'agent-sqlite', 'state-sqlite'] as const) {
    test.each(cases)(`${target}: %s`, async (_label, make, reason) => {
      const where = TARGETS[target];
      const valid = target === 'json' ? victimText : target === 'agent-sqlite' ? sqlVictimText : sharedText;
      const content = make(valid);
      where.put(Buffer.isBuffer(content) ? content : Buffer.from(content));
      try {
        await expectRefused(where.node(), where.path(), reason);
      } finally {
        where.restore();
      }
    });
  }

  test('a SQLite row that holds a BLOB or a number instead of JSON text', async () => {
    for (const value of [randomBytes(64), Buffer.from('{"version":1,"profiles":{}}')]) {
      writeRow(victimSqlFile(), 'auth_profile_store', 'store_key', 'store_json', 'primary', value);
      try {
        await expectRefused(a, TARGETS['agent-sqlite'].path(), /holds a BLOB, not JSON text/);
      } finally {
        TARGETS['agent-sqlite'].restore();
      }
    }
  });

  test('a BOM before a valid document is read, as before (OpenClaw writes none, people may)', async () => {
    writeFileSync(storePath(a.stateDir, VICTIM), `\uFEFF${victimText}`);
    try {
      const status = statusResponseSchema.parse(await a.client.request('GET', '/v1/status'));
      expect(status.store.stores?.find((store) => store.path === victimJsonPath())).toMatchObject({ readable: true });
    } finally {
      TARGETS.json.restore();
    }
  });
});

describe('links out of the state dir: reported, never followed into a write', () => {
  const LINKED = 'linked';
  const outside = () => path.join(sandbox, 'outside', randomBytes(4).toString('hex'));

  /** An agent dir with a store that an import would write: its token is older than what comes. */
  function realAgentDir(dir: string, era: 'json' | 'sqlite', profileId = 'anthropic:default'): string {
    mkdirSync(dir, { recursive: true });
    const value = { version: 1, profiles: { [profileId]: oauth('anthropic', HOUR) } };
    if (era === 'json') writeFileSync(path.join(dir, 'auth-profiles.json'), openclawText(value), { mode: 0o600 });
    else {
      const scratch = mkdtempSync(path.join(sandbox, 'scratch-'));
      cpSync(agentDatabase(scratch, 'x', value), path.join(dir, 'openclaw-agent.sqlite'));
      rmSync(scratch, { recursive: true });
    }
    return dir;
  }

  const linkedAgentDir = () => agentDir(a.stateDir, LINKED);
  afterEach(() => rmSync(path.join(a.stateDir, 'agents', LINKED), { recursive: true, force: true }));

  type Case = [string, 'json' | 'sqlite', () => void, RegExp];

  /** The same two links for either store: its file → one outside, and its agent dir → one outside. */
  function storeLinks(era: 'json' | 'sqlite'): Case[] {
    const file = era === 'json' ? 'auth-profiles.json' : 'openclaw-agent.sqlite';
    return [
      [`${file} → a ${era === 'json' ? 'store' : 'database'} outside`, era, () => {
        const target = realAgentDir(outside(), era);
        mkdirSync(linkedAgentDir(), { recursive: true });
        symlinkSync(path.join(target, file), path.join(linkedAgentDir(), file));
      }, /is a symbolic link/],
      [`${era === 'json' ? 'the' : 'a SQLite'} agent dir → a dir outside`, era, () => {
        mkdirSync(path.dirname(linkedAgentDir()), { recursive: true });
        symlinkSync(realAgentDir(outside(), era), linkedAgentDir());
      }, /directory is reached through a symbolic link/],
    ];
  }

  const cases: Case[] = [
    ...storeLinks('json'),
    ['the agent id dir → a dir outside', 'json', () => {
      const target = outside();
      realAgentDir(path.join(target, 'agent'), 'json');
      symlinkSync(target, path.join(a.stateDir, 'agents', LINKED));
    }, /directory is reached through a symbolic link/],
    ['the backups dir → a dir outside', 'json', () => {
      realAgentDir(linkedAgentDir(), 'json');
      symlinkSync(outside(), path.join(linkedAgentDir(), '.tokenops-backups'));
    }, /\.tokenops-backups is not a plain directory/],
    ...storeLinks('sqlite'),
    ['a SQLite backups dir → a dir outside', 'sqlite', () => {
      realAgentDir(linkedAgentDir(), 'sqlite');
      const target = outside();
      mkdirSync(target, { recursive: true });
      symlinkSync(target, path.join(linkedAgentDir(), '.tokenops-backups'));
    }, /\.tokenops-backups is not a plain directory/],
  ];

  test.each(cases)('%s', async (_label, era, arrange, reason) => {
    arrange();
    const shown = `agents/${LINKED}/agent/${era === 'json' ? 'auth-profiles.json' : 'openclaw-agent.sqlite#auth_profile_store/primary'}`;
    await expectRefused(a, shown, reason);
  });

  test("a lock file that is a link: the link's target is never written, and the agent stays up", async () => {
    // Only this store holds the profile, so the lock is the only thing between the import and a write.
    realAgentDir(linkedAgentDir(), 'json', 'anthropic:linked');
    const target = path.join(outside(), 'not-a-lock.json');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, '{"pid":"garbled"}');
    symlinkSync(target, path.join(linkedAgentDir(), 'auth-profiles.json.lock'));
    tally.tried++;
    const before = snapshotTree(path.join(a.stateDir, 'agents'));
    const answer = await a.client.call('POST', '/v1/import', importBody(a, 'anthropic:linked'), 20_000);
    seen.push(JSON.stringify(answer.body));
    expect(treeChanges(before, snapshotTree(path.join(a.stateDir, 'agents')))).toEqual([]);
    // A garbled lock is never taken over: OpenClaw would wait on it too.
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'lock_busy' } } });
    expect(readFileSync(target, 'utf8')).toBe('{"pid":"garbled"}');
    expect(a.agent.proc.exitCode).toBeNull();
  });

  test('the state database reached through a linked state/ dir: reported, never opened for a write', async () => {
    const stateC = path.join(sandbox, 'c');
    mkdirSync(stateC);
    const shared = outside();
    mkdirSync(shared, { recursive: true });
    stateDatabase(shared, document(), undefined, { sharedInStateDb: true });
    renameSync(path.join(shared, 'state'), path.join(shared, 'real-state'));
    symlinkSync(path.join(shared, 'real-state'), path.join(stateC, 'state'));
    agentDatabase(stateC, 'main', document());
    const c = await startNode(stateC);
    try {
      await expectRefused(c, 'state/openclaw.sqlite#config_machine_state/authProfiles.store', /directory is reached through a symbolic link/);
    } finally {
      await c.agent.stop();
    }
  });
});

test('every refusal left the stores as they were, and the agents never went down', () => {
  expect(a.agent.proc.exitCode).toBeNull();
  expect(b.agent.proc.exitCode).toBeNull();
  const errors = [...a.agent.output, ...b.agent.output].filter((line) => /"level":(50|60)/.test(line));
  expect(errors).toEqual([]);
  expect(tally.changed).toBe(0);
});
