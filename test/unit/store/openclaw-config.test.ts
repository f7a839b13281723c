import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_KEY, OPENCLAW_DEFAULT_MAX_CONCURRENT, openclawConfigPath, readCapacity } from '../../../src/agent/openclaw-config.js';
import { cleanup, leaksSecret, PLANTED_SECRET, tempDir } from './helpers.js';

afterEach(cleanup);

/** The shape of ~/.openclaw/openclaw.json on a real node (examples/openclaw.json5): comments, trailing commas, unquoted keys. */
function exampleConfig(maxConcurrent: string): string {
  return `// ~/.openclaw/openclaw.json on t440 (JSON5: comments and trailing commas are legal)
{
  gateway: { port: 18789, bind: "loopback" },
  auth: {
    profiles: {
      "anthropic:default": { provider: "anthropic", mode: "oauth" },
      "openai-codex:ops@example.com": { provider: "openai-codex", mode: "oauth" },
    },
    order: { anthropic: ["anthropic:default"] },
  },
  agents: {
    defaults: {
      maxConcurrent: ${maxConcurrent}, // raised to 12 after the reconnect storm
      subagents: { maxConcurrent: 8 },
    },
    list: [
      { id: "main", default: true },
      { id: "research" }, { id: "writer" }, { id: "coder" }, { id: "reviewer" },
      { id: "scheduler" }, { id: "mailer" }, { id: "support" }, { id: "sales" },
      { id: "ops" }, { id: "finance" }, { id: "translator" }, { id: "scraper" },
      { id: "monitor" }, { id: "archivist" },
    ],
  },
}
`;
}

function stateWith(config: string | null): string {
  const stateDir = tempDir('tokenops-config-');
  if (config !== null) writeFileSync(openclawConfigPath(stateDir), config);
  return stateDir;
}

describe('openclawConfigPath', () => {
  it('is <state>/openclaw.json', () => {
    expect(openclawConfigPath('/x/.openclaw')).toBe(path.join('/x/.openclaw', 'openclaw.json'));
    expect(MAX_CONCURRENT_KEY).toBe('agents.defaults.maxConcurrent');
    expect(OPENCLAW_DEFAULT_MAX_CONCURRENT).toBe(4);
  });
});

describe('readCapacity', () => {
  it('reads the JSON5 example shape: comments, trailing commas, unquoted keys', async () => {
    const capacity = await readCapacity(stateWith(exampleConfig('4')), 2);
    expect(capacity).toEqual({ maxConcurrent: 4, agentCount: 15, source: 'openclaw.json' });
  });

  it('takes maxConcurrent from the file, not the default', async () => {
    const capacity = await readCapacity(stateWith(exampleConfig('12')), 2);
    expect(capacity).toEqual({ maxConcurrent: 12, agentCount: 15, source: 'openclaw.json' });
  });

  it('does not confuse subagents.maxConcurrent with agents.defaults.maxConcurrent', async () => {
    const config = `{ agents: { defaults: { subagents: { maxConcurrent: 8, }, }, list: [{ id: 'main' }], }, }`;
    expect(await readCapacity(stateWith(config), 5)).toEqual({ maxConcurrent: 4, agentCount: 1, source: 'openclaw.json' });
  });

  it('uses the discovered agent count when the file has no agents.list', async () => {
    const config = `/* block comment */ { agents: { defaults: { maxConcurrent: 6 } }, gateway: { port: 18789 } }`;
    expect(await readCapacity(stateWith(config), 3)).toEqual({ maxConcurrent: 6, agentCount: 3, source: 'openclaw.json' });
  });

  it('an empty object config: OpenClaw defaults, but from openclaw.json', async () => {
    expect(await readCapacity(stateWith('{}'), 2)).toEqual({ maxConcurrent: 4, agentCount: 2, source: 'openclaw.json' });
  });

  it('keeps settings it does not know without complaint', async () => {
    const config = `{ update: { checkOnStart: false }, logging: { file: "/tmp/x.log" }, agents: { defaults: { maxConcurrent: 3, model: "x" }, list: [{ id: "main", extra: [1,2,] }], custom: true } }`;
    expect(await readCapacity(stateWith(config), 9)).toEqual({ maxConcurrent: 3, agentCount: 1, source: 'openclaw.json' });
  });

  it('a missing file → defaults: maxConcurrent 4, the discovered agent count, no reason', async () => {
    expect(await readCapacity(stateWith(null), 3)).toEqual({ maxConcurrent: 4, agentCount: 3, source: 'defaults' });
  });

  it('a missing state dir → defaults', async () => {
    expect(await readCapacity(path.join(tempDir(), 'nope'), 2)).toEqual({ maxConcurrent: 4, agentCount: 2, source: 'defaults' });
  });

  it('invalid JSON5 → defaults, with a reason naming openclaw.json and the line, never the content', async () => {
    const config = `{\n  gateway: { port: 18789 },\n  auth: { token: "${PLANTED_SECRET}" ${PLANTED_SECRET} },\n}\n`;
    const capacity = await readCapacity(stateWith(config), 3);
    expect(capacity).toMatchObject({ maxConcurrent: 4, agentCount: 3, source: 'defaults' });
    expect(capacity.reason).toMatch(/openclaw\.json/);
    expect(capacity.reason).toMatch(/JSON5/);
    expect(capacity.reason).toMatch(/line 3/);
    expect(leaksSecret(capacity.reason ?? '')).toBe(false);
  });

  it.each([
    ['an empty file', ''],
    ['a truncated file', exampleConfig('12').slice(0, 300)],
    ['strict-JSON-breaking garbage', '{ agents: { defaults: { maxConcurrent: 4 } } } trailing'],
  ])('%s → defaults with a reason naming openclaw.json', async (_label, config) => {
    const capacity = await readCapacity(stateWith(config), 2);
    expect(capacity).toMatchObject({ maxConcurrent: 4, agentCount: 2, source: 'defaults' });
    expect(capacity.reason).toMatch(/^openclaw\.json/);
  });

  it.each<[string, string, string]>([
    ['a string', `"${PLANTED_SECRET}"`, 'agents.defaults.maxConcurrent'],
    ['zero', '0', 'agents.defaults.maxConcurrent'],
    ['a negative number', '-2', 'agents.defaults.maxConcurrent'],
    ['a fraction', '2.5', 'agents.defaults.maxConcurrent'],
    ['null', 'null', 'agents.defaults.maxConcurrent'],
    ['an object', '{ value: 4 }', 'agents.defaults.maxConcurrent'],
  ])('maxConcurrent that is %s → defaults, with a reason giving the path (not the value)', async (_label, value, where) => {
    const capacity = await readCapacity(stateWith(exampleConfig(value)), 3);
    expect(capacity).toMatchObject({ maxConcurrent: 4, agentCount: 3, source: 'defaults' });
    expect(capacity.reason).toContain(`openclaw.json: ${where}`);
    expect(leaksSecret(capacity.reason ?? '')).toBe(false);
  });

  it.each<[string, string, string]>([
    ['agents.list is not an array', `{ agents: { list: { main: {} } } }`, 'agents.list'],
    ['an agents.list entry has no id', `{ agents: { list: [{ id: "main" }, { name: "x" }] } }`, 'agents.list[1].id'],
    ['agents is a string', `{ agents: "all" }`, 'agents'],
    ['the document is an array', `[1, 2, 3]`, 'openclaw.json'],
  ])('%s → defaults, with a reason giving the path', async (_label, config, where) => {
    const capacity = await readCapacity(stateWith(config), 2);
    expect(capacity).toMatchObject({ maxConcurrent: 4, agentCount: 2, source: 'defaults' });
    expect(capacity.reason).toContain(where);
    expect(capacity.reason).toMatch(/^openclaw\.json/);
  });

  it('a directory in place of the file → defaults with a reason', async () => {
    const stateDir = stateWith(null);
    mkdirSync(openclawConfigPath(stateDir));
    const capacity = await readCapacity(stateDir, 2);
    expect(capacity).toMatchObject({ maxConcurrent: 4, agentCount: 2, source: 'defaults' });
    expect(capacity.reason).toMatch(/^openclaw\.json cannot be read/);
  });

  it('never reports fewer than one agent', async () => {
    expect((await readCapacity(stateWith(null), 0)).agentCount).toBe(1);
  });
});
