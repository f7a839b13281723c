import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentEnv, presentOnly, type AgentEnv } from '../../src/config/agent-env.js';

const KEY_HEX = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const BASE = { TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: KEY_HEX };

function ok(env: NodeJS.ProcessEnv): AgentEnv {
  const result = loadAgentEnv(env);
  if (!result.ok) throw new Error(`expected a valid env, got: ${result.problems.join(' | ')}`);
  return result.value;
}

function problems(env: NodeJS.ProcessEnv): string[] {
  const result = loadAgentEnv(env);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe('loadAgentEnv defaults', () => {
  it('applies the documented defaults', () => {
    const env = ok(BASE);
    expect(env.TOKENOPS_NODE).toBe('t440');
    expect(env.TOKENOPS_AGENT_KEY.equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
    expect(env.TOKENOPS_LISTEN).toEqual({ host: '127.0.0.1', port: 7420 });
    expect(env.OPENCLAW_STATE_DIR).toBe(path.join(os.homedir(), '.openclaw'));
    expect(env.TOKENOPS_RESTART_CMD).toEqual(['openclaw', 'gateway', 'restart']);
    expect(env.TOKENOPS_GATEWAY_URL).toBe('http://127.0.0.1:18789');
    expect(env.TOKENOPS_WARN_BEFORE).toBe(86_400_000);
  });

  it('treats empty strings as unset (defaults still apply)', () => {
    const env = ok({ ...BASE, TOKENOPS_LISTEN: '', TOKENOPS_WARN_BEFORE: '', TOKENOPS_RESTART_CMD: '' });
    expect(env.TOKENOPS_LISTEN).toEqual({ host: '127.0.0.1', port: 7420 });
    expect(env.TOKENOPS_WARN_BEFORE).toBe(86_400_000);
    expect(env.TOKENOPS_RESTART_CMD).toEqual(['openclaw', 'gateway', 'restart']);
  });

  it('ignores unrelated variables', () => {
    expect(ok({ ...BASE, PATH: '/usr/bin', HOME: '/home/x', DISCORD_TOKEN: 'x' }).TOKENOPS_NODE).toBe('t440');
  });
});

describe('loadAgentEnv values', () => {
  it('parses set values', () => {
    const env = ok({
      ...BASE,
      TOKENOPS_LISTEN: '100.64.0.6:7421',
      TOKENOPS_WARN_BEFORE: '2h',
      TOKENOPS_GATEWAY_URL: 'https://gw.example:8443',
      TOKENOPS_RESTART_CMD: 'systemctl --user restart "openclaw-gateway.service"',
      OPENCLAW_STATE_DIR: '/srv/openclaw',
    });
    expect(env.TOKENOPS_LISTEN).toEqual({ host: '100.64.0.6', port: 7421 });
    expect(env.TOKENOPS_WARN_BEFORE).toBe(7_200_000);
    expect(env.TOKENOPS_GATEWAY_URL).toBe('https://gw.example:8443');
    expect(env.TOKENOPS_RESTART_CMD).toEqual(['systemctl', '--user', 'restart', 'openclaw-gateway.service']);
    expect(env.OPENCLAW_STATE_DIR).toBe('/srv/openclaw');
  });

  it('accepts a base64 key', () => {
    const key = Buffer.alloc(32, 7);
    expect(ok({ ...BASE, TOKENOPS_AGENT_KEY: key.toString('base64') }).TOKENOPS_AGENT_KEY.equals(key)).toBe(true);
  });

  it('accepts an IPv6 listen address', () => {
    expect(ok({ ...BASE, TOKENOPS_LISTEN: '[::1]:7420' }).TOKENOPS_LISTEN).toEqual({ host: '::1', port: 7420 });
  });

  it('expands ~/x in the state dir to the home directory', () => {
    expect(ok({ ...BASE, OPENCLAW_STATE_DIR: '~/x' }).OPENCLAW_STATE_DIR).toBe(path.join(os.homedir(), 'x'));
    expect(ok({ ...BASE, OPENCLAW_STATE_DIR: '~' }).OPENCLAW_STATE_DIR).toBe(os.homedir());
  });

  it('resolves a relative state dir to an absolute path', () => {
    const dir = ok({ ...BASE, OPENCLAW_STATE_DIR: 'state/openclaw' }).OPENCLAW_STATE_DIR;
    expect(path.isAbsolute(dir)).toBe(true);
    expect(dir).toBe(path.resolve('state/openclaw'));
  });

  it('trims the node name', () => {
    expect(ok({ ...BASE, TOKENOPS_NODE: '  pc-a  ' }).TOKENOPS_NODE).toBe('pc-a');
  });
});

describe('loadAgentEnv problems', () => {
  it('missing node and key give one line each, naming the variable', () => {
    const lines = problems({});
    expect(lines).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('TOKENOPS_NODE:'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('TOKENOPS_AGENT_KEY:'))).toHaveLength(1);
    for (const line of lines) expect(line).toMatch(/required/);
  });

  it('a missing key alone gives exactly one line', () => {
    expect(problems({ TOKENOPS_NODE: 't440' })).toEqual([expect.stringMatching(/^TOKENOPS_AGENT_KEY: .*required/)]);
  });

  it('an empty key counts as missing', () => {
    expect(problems({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: '' })).toEqual([expect.stringMatching(/^TOKENOPS_AGENT_KEY: .*required/)]);
  });

  const malformed: Array<[string, string]> = [
    ['TOKENOPS_LISTEN', 'localhost'],
    ['TOKENOPS_LISTEN', '127.0.0.1:99999'],
    ['TOKENOPS_LISTEN', '127.0.0.1:http'],
    ['TOKENOPS_WARN_BEFORE', '24'],
    ['TOKENOPS_WARN_BEFORE', 'a day'],
    ['TOKENOPS_WARN_BEFORE', '0h'],
    ['TOKENOPS_WARN_BEFORE', '-5m'],
    ['TOKENOPS_GATEWAY_URL', 'not a url'],
    ['TOKENOPS_GATEWAY_URL', 'ftp://127.0.0.1:18789'],
    ['TOKENOPS_GATEWAY_URL', '127.0.0.1:18789'],
    ['TOKENOPS_NODE', 'bad name with spaces'],
    ['TOKENOPS_NODE', '../etc'],
  ];
  for (const [name, value] of malformed) {
    it(`${name}=${JSON.stringify(value)} gives one line naming ${name}`, () => {
      const lines = problems({ ...BASE, [name]: value });
      expect(lines).toHaveLength(1);
      expect(lines[0]?.startsWith(`${name}: `)).toBe(true);
    });
  }

  it('reports several problems at once, one line per variable', () => {
    const lines = problems({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: KEY_HEX, TOKENOPS_LISTEN: 'x', TOKENOPS_WARN_BEFORE: '60', TOKENOPS_GATEWAY_URL: 'nope' });
    expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(['TOKENOPS_GATEWAY_URL', 'TOKENOPS_LISTEN', 'TOKENOPS_WARN_BEFORE']);
  });

  it("a short key's problem line gives the byte count and does not contain the key text", () => {
    const shortKey = 'Q2xhdWRlU2hvcnRLZXkxNg=='; // 16 bytes
    const lines = problems({ ...BASE, TOKENOPS_AGENT_KEY: shortKey });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^TOKENOPS_AGENT_KEY: /);
    expect(lines[0]).toContain('16 bytes');
    expect(lines[0]).not.toContain(shortKey);
    expect(lines[0]).not.toContain(shortKey.slice(0, 10));
    expect(lines[0]).not.toContain(Buffer.from(shortKey, 'base64').toString('hex').slice(0, 10));
  });

  it('a garbage key is refused without echoing it', () => {
    const garbage = 'my-s3cret p@ssword!';
    const lines = problems({ ...BASE, TOKENOPS_AGENT_KEY: garbage });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^TOKENOPS_AGENT_KEY: /);
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it('no problem line ever echoes a value that was set', () => {
    const values = { TOKENOPS_LISTEN: 'zz-listen-value', TOKENOPS_WARN_BEFORE: 'zz-warn-value', TOKENOPS_GATEWAY_URL: 'zz-url-value', TOKENOPS_NODE: 'zz node value' };
    const text = problems({ ...values, TOKENOPS_AGENT_KEY: 'zzkeyvalue' }).join('\n');
    for (const value of [...Object.values(values), 'zzkeyvalue']) expect(text).not.toContain(value);
  });

  for (const command of ['openclaw gateway restart && echo done', 'openclaw gateway restart | tee log', 'openclaw gateway restart; rm -rf /', 'openclaw gateway restart > /tmp/out', 'restart *']) {
    it(`refuses TOKENOPS_RESTART_CMD with shell syntax: ${command}`, () => {
      const lines = problems({ ...BASE, TOKENOPS_RESTART_CMD: command });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^TOKENOPS_RESTART_CMD: /);
      expect(lines[0]).toMatch(/without a shell/);
    });
  }

  it('refuses a whitespace-only restart command', () => {
    expect(problems({ ...BASE, TOKENOPS_RESTART_CMD: '   ' })).toEqual([expect.stringMatching(/^TOKENOPS_RESTART_CMD: /)]);
  });
});

describe('presentOnly', () => {
  it('drops undefined and empty values, keeps the rest (including whitespace)', () => {
    expect(presentOnly({ A: 'a', B: '', C: undefined, D: ' ' })).toEqual({ A: 'a', D: ' ' });
  });
});
