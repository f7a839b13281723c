import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, loadFleet } from '../../../src/config/fleet-file.js';

const HOUR = 3_600_000;
const KEY_PC_A = 'a1'.repeat(32); // 64 hex characters: 32 bytes
const KEY_T440 = Buffer.alloc(32, 7).toString('base64'); // 44 base64 characters: 32 bytes
const KEYS = { TOKENOPS_KEY_PC_A: KEY_PC_A, TOKENOPS_KEY_T440: KEY_T440 };

/** The fleet file of DESIGN.md, verbatim. */
const DESIGN_EXAMPLE = `{
  "nodes": [
    { "name": "pc-a", "url": "http://100.64.0.5:7420", "keyEnv": "TOKENOPS_KEY_PC_A" },
    { "name": "t440", "url": "http://100.64.0.6:7420", "keyEnv": "TOKENOPS_KEY_T440" }
  ],
  "owners": { "anthropic:*": ["pc-a", "t440"], "openai-codex:*": "pc-a" },
  "renew": { "auto": true, "before": "1/3", "ownerDownFor": "15m" },
  "alerts": { "checkEvery": "5m", "warnBefore": "7d", "criticalBefore": "2h", "repeatEvery": "4h" },
  "sync": { "every": "6h", "onRefresh": true }
}`;

const NODES = [
  { name: 'pc-a', url: 'http://100.64.0.5:7420', keyEnv: 'TOKENOPS_KEY_PC_A' },
  { name: 't440', url: 'http://100.64.0.6:7420', keyEnv: 'TOKENOPS_KEY_T440' },
];

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokenops-fleet-file-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the text to a fresh `fleet.json` in its own folder, so messages say `fleet.json`. */
function fleetFile(content: string | object): string {
  const folder = path.join(dir, String(++counter));
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'fleet.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function load(content: string | object, env: NodeJS.ProcessEnv = KEYS): ReturnType<typeof loadFleet> {
  return loadFleet(fleetFile(content), env);
}

function ok(content: string | object, env: NodeJS.ProcessEnv = KEYS): Fleet {
  const result = load(content, env);
  if (!result.ok) throw new Error(`expected the fleet to load, got:\n${result.problems.join('\n')}`);
  return result.value;
}

function problems(content: string | object, env: NodeJS.ProcessEnv = KEYS): string[] {
  const result = load(content, env);
  if (result.ok) throw new Error('expected problems, the fleet loaded');
  for (const line of result.problems) {
    expect(line).not.toContain('\n');
    expect(line.startsWith('fleet.json: ')).toBe(true);
  }
  return result.problems;
}

describe('loadFleet: the DESIGN.md example', () => {
  it('loads, with each node key decoded from the variable it names', () => {
    const file = fleetFile(DESIGN_EXAMPLE);
    const result = loadFleet(file, KEYS);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const fleet = result.value;
    expect(fleet.file).toBe(file);
    expect(fleet.nodes.map((node) => [node.name, node.url])).toEqual([
      ['pc-a', 'http://100.64.0.5:7420'],
      ['t440', 'http://100.64.0.6:7420'],
    ]);
    expect(fleet.nodes[0]?.key.equals(Buffer.from(KEY_PC_A, 'hex'))).toBe(true);
    expect(fleet.nodes[1]?.key.equals(Buffer.alloc(32, 7))).toBe(true);
    // A single name is a list of one.
    expect(fleet.owners).toEqual({ 'anthropic:*': ['pc-a', 't440'], 'openai-codex:*': ['pc-a'] });
    expect(fleet.renew).toEqual({ auto: true, before: { kind: 'fraction', value: 1 / 3 }, ownerDownFor: 15 * 60_000, checkEvery: 60_000, lifetimes: {} });
    expect(fleet.alerts).toEqual({ checkEvery: 5 * 60_000, warnBefore: 7 * 24 * HOUR, criticalBefore: 2 * HOUR, repeatEvery: 4 * HOUR });
    expect(fleet.sync.every).toBe(6 * HOUR);
    expect(fleet.sync.onRefresh).toBe(true);
  });

  it('does not keep the key variable name or its value anywhere but in the key buffer', () => {
    const fleet = ok(DESIGN_EXAMPLE);
    const text = JSON.stringify({ ...fleet, nodes: fleet.nodes.map(({ key: _key, ...rest }) => rest) });
    expect(text).not.toContain(KEY_PC_A);
    expect(text).not.toContain(KEY_T440);
  });
});

describe('loadFleet: defaults', () => {
  it('fills owners, alerts and sync when only nodes are given', () => {
    const fleet = ok({ nodes: NODES });
    expect(fleet.owners).toEqual({});
    expect(fleet.renew).toEqual({ auto: true, before: { kind: 'fraction', value: 1 / 3 }, ownerDownFor: 15 * 60_000, checkEvery: 60_000, lifetimes: {} });
    expect(fleet.alerts).toEqual({ checkEvery: 5 * 60_000, warnBefore: 7 * 24 * HOUR, criticalBefore: 2 * HOUR, repeatEvery: 4 * HOUR });
    expect(fleet.sync.every).toBe(6 * HOUR);
    expect(fleet.sync.onRefresh).toBe(true);
  });

  it('fills the missing alert fields around the ones given', () => {
    const fleet = ok({ nodes: NODES, alerts: { warnBefore: '12h' }, sync: { onRefresh: false } });
    expect(fleet.alerts).toEqual({ checkEvery: 5 * 60_000, warnBefore: 12 * HOUR, criticalBefore: 2 * HOUR, repeatEvery: 4 * HOUR });
    expect(fleet.sync.every).toBe(6 * HOUR);
    expect(fleet.sync.onRefresh).toBe(false);
  });

  it('accepts JSON5: comments, trailing commas, unquoted keys, single quotes', () => {
    const fleet = ok(`// the ops fleet
{
  nodes: [
    { name: 'pc-a', url: 'http://100.64.0.5:7420', keyEnv: 'TOKENOPS_KEY_PC_A' }, // the owner
    /* the laptop */
    { name: 't440', url: 'http://100.64.0.6:7420', keyEnv: 'TOKENOPS_KEY_T440', },
  ],
  owners: { 'anthropic:*': 'pc-a', },
}`);
    expect(fleet.nodes.map((node) => node.name)).toEqual(['pc-a', 't440']);
    expect(fleet.owners).toEqual({ 'anthropic:*': ['pc-a'] });
  });

  it.each([
    ['"20m"', { kind: 'duration', ms: 20 * 60_000 }],
    ['"1/4"', { kind: 'fraction', value: 0.25 }],
    ['"0.5"', { kind: 'fraction', value: 0.5 }],
  ])('renew.before %s is a duration or a fraction of the lifetime', (text, before) => {
    expect(ok(`{ nodes: ${JSON.stringify(NODES)}, renew: { before: ${text} } }`).renew.before).toEqual(before);
  });

  it('renew.lifetimes: per provider, as durations', () => {
    expect(ok({ nodes: NODES, renew: { lifetimes: { anthropic: '12h' } } }).renew.lifetimes).toEqual({ anthropic: 12 * HOUR });
  });
});

describe('loadFleet: renew and owners problems, one line each', () => {
  it.each([
    [{ renew: { before: '3/2' } }, 'fleet.json: renew.before: a fraction must be between 0 and 1, e.g. "1/3"'],
    [{ renew: { before: 'soon' } }, 'fleet.json: renew.before: expected a fraction of the lifetime such as "1/3", or a duration such as "20m"'],
    [{ renew: { ownerDownFor: '15' } }, 'fleet.json: renew.ownerDownFor: expected a duration such as 500ms, 90s, 5m, 24h or 7d'],
    [{ renew: { every: '1m' } }, 'fleet.json: renew: Unrecognized key: "every"'],
    [{ owners: { 'anthropic:*': ['pc-a', 'nas'] } }, 'fleet.json: owners.anthropic:*[1]: names node "nas", which is not in nodes'],
    [{ owners: { 'anthropic:*': ['pc-a', 'pc-a'] } }, 'fleet.json: owners.anthropic:*[1]: names node "pc-a" twice'],
    [{ owners: { 'anthropic:*': [] } }, 'fleet.json: owners.anthropic:*: list at least one node'],
  ])('%j → %s', (extra, line) => {
    expect(problems({ nodes: NODES, ...extra })).toEqual([line]);
  });
});

describe('loadFleet: schema problems, one line each', () => {
  it('a bad node URL names its place: fleet.json: nodes[1].url: Invalid URL', () => {
    const lines = problems({ nodes: [NODES[0], { ...NODES[1], url: 'not a url' }] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[1\]\.url: Invalid URL/);
  });

  it('a non-http URL is refused too', () => {
    expect(problems({ nodes: [{ ...NODES[0], url: 'ftp://100.64.0.5:7420' }] })).toEqual([expect.stringMatching(/^fleet\.json: nodes\[0\]\.url: Invalid URL/)]);
  });

  it('duplicate node names', () => {
    const lines = problems({ nodes: [NODES[0], { ...NODES[1], name: 'pc-a' }] });
    expect(lines).toEqual(['fleet.json: nodes[1].name: duplicate node name "pc-a"']);
  });

  it('an owner naming a node that is not in nodes', () => {
    const lines = problems({ nodes: NODES, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-b' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: owners\.openai-codex:\*: .*"pc-b".*not in nodes/);
  });

  it('an owner pattern that is not provider:name says what a pattern looks like', () => {
    const lines = problems({ nodes: NODES, owners: { anthropic: 'pc-a' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: owners\.anthropic: /);
    // zod 4 wraps a record-key failure as `invalid_key` ("Invalid key in record") with the
    // schema's own message nested in `issue.issues`; the operator should see the latter.
    expect(lines[0]).toMatch(/profile pattern/);
  });

  it.each([
    [{ warnBefore: '2h', criticalBefore: '2h' }, 'equal'],
    [{ warnBefore: '1h', criticalBefore: '3h' }, 'longer'],
    [{ warnBefore: '1h' }, 'the default 2h, longer than warnBefore'],
  ])('criticalBefore >= warnBefore is refused (%j: %s)', (alerts, _why) => {
    expect(problems({ nodes: NODES, alerts })).toEqual(['fleet.json: alerts.criticalBefore: must be shorter than warnBefore']);
  });

  it('an unknown top-level key is named', () => {
    const lines = problems({ nodes: NODES, owner: { 'anthropic:*': 'pc-a' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: .*"owner"/);
  });

  it('an unknown key inside a node is named with the node path', () => {
    const lines = problems({ nodes: [{ ...NODES[0], key: 'inline-key-value' }] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[0\]: .*"key"/);
    expect(lines[0]).not.toContain('inline-key-value');
  });

  it('a bad duration names its field', () => {
    expect(problems({ nodes: NODES, alerts: { checkEvery: '300' } })).toEqual([expect.stringMatching(/^fleet\.json: alerts\.checkEvery: expected a duration/)]);
    expect(problems({ nodes: NODES, sync: { every: 'daily' } })).toEqual([expect.stringMatching(/^fleet\.json: sync\.every: expected a duration/)]);
  });

  it('no nodes at all', () => {
    expect(problems({ nodes: [] })).toEqual([expect.stringMatching(/^fleet\.json: nodes: /)]);
    expect(problems({})).toEqual([expect.stringMatching(/^fleet\.json: nodes: /)]);
  });

  it('a bad node name and a keyEnv that is not a variable name', () => {
    const lines = problems({ nodes: [{ ...NODES[0], name: 'pc a/1' }, { ...NODES[1], keyEnv: 'tokenops-key' }] });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[0\]\.name: /);
    expect(lines[1]).toMatch(/^fleet\.json: nodes\[1\]\.keyEnv: /);
  });

  it('several problems at once give several lines', () => {
    const lines = problems({
      nodes: [NODES[0], { ...NODES[1], url: 'nope' }, { ...NODES[1], name: 'pc-a', url: 'http://x:1' }],
      owners: { 'anthropic:*': 'ghost' },
      extra: true,
    });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.startsWith('fleet.json: nodes[1].url: Invalid URL'))).toBe(true);
    expect(lines.some((line) => line.includes('"extra"'))).toBe(true);
  });
});

describe('loadFleet: node keys', () => {
  it('a key variable that is not set: one line naming the node and the variable', () => {
    const lines = problems(DESIGN_EXAMPLE, { TOKENOPS_KEY_PC_A: KEY_PC_A });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[1\]\.keyEnv: /);
    expect(lines[0]).toContain('TOKENOPS_KEY_T440');
    expect(lines[0]).toContain('t440');
    expect(lines[0]).toMatch(/not set/);
  });

  it('an empty key variable counts as not set', () => {
    const lines = problems(DESIGN_EXAMPLE, { ...KEYS, TOKENOPS_KEY_PC_A: '' });
    expect(lines).toEqual([expect.stringMatching(/^fleet\.json: nodes\[0\]\.keyEnv: TOKENOPS_KEY_PC_A is not set/)]);
  });

  it('both keys missing: a line for each node', () => {
    const lines = problems(DESIGN_EXAMPLE, {});
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('pc-a');
    expect(lines[1]).toContain('t440');
  });

  it('a key too short: the line names the node and the variable, never the value', () => {
    const shortKey = 'PLANTEDshortKEYvalue0123'; // valid base64, 18 bytes
    const lines = problems(DESIGN_EXAMPLE, { ...KEYS, TOKENOPS_KEY_T440: shortKey });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[1\]\.keyEnv: /);
    expect(lines[0]).toContain('TOKENOPS_KEY_T440');
    expect(lines[0]).toMatch(/32/);
    expect(lines[0]).not.toContain(shortKey);
    expect(lines[0]).not.toContain('PLANTED');
    // "naming the node": the operator should not have to count array indices.
    expect(lines[0]).toContain('t440');
  });

  it('a key that is neither hex nor base64: named, never echoed', () => {
    const badKey = 'PLANTED not a key! value';
    const lines = problems(DESIGN_EXAMPLE, { ...KEYS, TOKENOPS_KEY_PC_A: badKey });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: nodes\[0\]\.keyEnv: TOKENOPS_KEY_PC_A /);
    expect(lines[0]).not.toContain(badKey);
    expect(lines[0]).not.toContain('PLANTED');
    expect(lines[0]).toContain('pc-a');
  });

  it('keys are only read from the env object given, not from process.env', () => {
    const saved = process.env.TOKENOPS_KEY_PC_A;
    process.env.TOKENOPS_KEY_PC_A = KEY_PC_A;
    try {
      const lines = problems({ nodes: [NODES[0]] }, {});
      expect(lines[0]).toContain('TOKENOPS_KEY_PC_A');
    } finally {
      if (saved === undefined) delete process.env.TOKENOPS_KEY_PC_A;
      else process.env.TOKENOPS_KEY_PC_A = saved;
    }
  });
});

describe('loadFleet: the file itself', () => {
  it('a missing file: one line saying where it looked and how to point elsewhere', () => {
    const file = path.join(dir, 'nowhere', 'fleet.json');
    const result = loadFleet(file, KEYS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^fleet\.json: not found/);
    expect(result.problems[0]).toContain(file);
    expect(result.problems[0]).toContain('TOKENOPS_FLEET');
  });

  it('messages are prefixed with the file name actually used', () => {
    const folder = path.join(dir, 'renamed');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'prod-fleet.json5');
    writeFileSync(file, JSON.stringify({ nodes: [{ ...NODES[0], url: 'bad' }] }));
    const result = loadFleet(file, KEYS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^prod-fleet\.json5: nodes\[0\]\.url: /);
  });

  it('invalid JSON: one line, with the line number', () => {
    const lines = problems('{\n  "nodes": [\n    { "name": "pc-a", }\n    oops\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: not valid JSON/);
    expect(lines[0]).toMatch(/line \d+/);
  });

  it('an empty file is invalid JSON', () => {
    expect(problems('')).toEqual([expect.stringMatching(/^fleet\.json: not valid JSON/)]);
  });

  it('a JSON value that is not an object', () => {
    const lines = problems('[1, 2, 3]');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fleet\.json: /);
  });
});
