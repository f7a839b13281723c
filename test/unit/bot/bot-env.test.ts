import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBotEnv } from '../../../src/config/bot-env.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.PLANTED-bot-token-value-do-not-echo';
const ID = {
  client: '111111111111111111',
  guild: '222222222222222222',
  channel: '333333333333333333',
  role: '444444444444444444',
};

function validEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_CLIENT_ID: ID.client,
    DISCORD_GUILD_ID: ID.guild,
    OPS_CHANNEL_ID: ID.channel,
    OPS_ROLE_ID: ID.role,
    ...overrides,
  };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  const result = loadBotEnv(env);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

function valueOf(env: NodeJS.ProcessEnv) {
  const result = loadBotEnv(env);
  if (!result.ok) throw new Error(`expected a valid env, got:\n${result.problems.join('\n')}`);
  return result.value;
}

const REQUIRED = ['DISCORD_TOKEN', 'DISCORD_CLIENT_ID', 'DISCORD_GUILD_ID', 'OPS_CHANNEL_ID', 'OPS_ROLE_ID'] as const;

describe('loadBotEnv: defaults', () => {
  it('fills every documented default when only the required variables are set', () => {
    const env = valueOf(validEnv());
    expect(env.DISCORD_TOKEN).toBe(TOKEN);
    expect(env.DISCORD_CLIENT_ID).toBe(ID.client);
    expect(env.DISCORD_GUILD_ID).toBe(ID.guild);
    expect(env.OPS_CHANNEL_ID).toBe(ID.channel);
    expect(env.OPS_ROLE_ID).toBe(ID.role);
    expect(env.DISCORD_API_BASE).toBe('https://discord.com/api');
    expect(env.TOKENOPS_FLEET).toBe(path.resolve('./fleet.json'));
    expect(path.isAbsolute(env.TOKENOPS_FLEET)).toBe(true);
    expect(env.TOKENOPS_STATE).toBe('sqlite://./data/tokenops.sqlite');
    expect(env.CONFIRM_TIMEOUT).toBe(60_000);
    expect(env.TOKENOPS_NODE_TIMEOUT).toBe(3_000);
  });

  it('treats empty strings as unset, so defaults still apply', () => {
    const env = valueOf(validEnv({ DISCORD_API_BASE: '', TOKENOPS_FLEET: '', TOKENOPS_STATE: '', CONFIRM_TIMEOUT: '', TOKENOPS_NODE_TIMEOUT: '' }));
    expect(env.DISCORD_API_BASE).toBe('https://discord.com/api');
    expect(env.TOKENOPS_FLEET).toBe(path.resolve('fleet.json'));
    expect(env.TOKENOPS_STATE).toBe('sqlite://./data/tokenops.sqlite');
    expect(env.CONFIRM_TIMEOUT).toBe(60_000);
    expect(env.TOKENOPS_NODE_TIMEOUT).toBe(3_000);
  });

  it('takes explicit values: API base, fleet path resolved from the working dir, redis state, durations', () => {
    const env = valueOf(
      validEnv({
        DISCORD_API_BASE: 'http://127.0.0.1:5599/api',
        TOKENOPS_FLEET: 'conf/prod-fleet.json',
        TOKENOPS_STATE: 'redis://cache.internal:6379/2',
        CONFIRM_TIMEOUT: '90s',
        TOKENOPS_NODE_TIMEOUT: '1500ms',
      }),
    );
    expect(env.DISCORD_API_BASE).toBe('http://127.0.0.1:5599/api');
    expect(env.TOKENOPS_FLEET).toBe(path.resolve(process.cwd(), 'conf/prod-fleet.json'));
    expect(env.TOKENOPS_STATE).toBe('redis://cache.internal:6379/2');
    expect(env.CONFIRM_TIMEOUT).toBe(90_000);
    expect(env.TOKENOPS_NODE_TIMEOUT).toBe(1_500);
  });

  it('accepts sqlite:// and rediss:// state URLs', () => {
    expect(valueOf(validEnv({ TOKENOPS_STATE: 'sqlite:///var/lib/tokenops/state.sqlite' })).TOKENOPS_STATE).toBe('sqlite:///var/lib/tokenops/state.sqlite');
    expect(valueOf(validEnv({ TOKENOPS_STATE: 'rediss://user:pw@redis.example:6380' })).TOKENOPS_STATE).toBe('rediss://user:pw@redis.example:6380');
  });

  it('ignores unrelated variables in the environment', () => {
    const env = valueOf({ ...validEnv(), PATH: '/usr/bin', HOME: '/root', SOMETHING_ELSE: 'x' });
    expect(env).not.toHaveProperty('PATH');
    expect(env).not.toHaveProperty('SOMETHING_ELSE');
  });

  it('accepts ids of 17 to 20 digits and trims surrounding whitespace', () => {
    expect(valueOf(validEnv({ DISCORD_CLIENT_ID: '12345678901234567' })).DISCORD_CLIENT_ID).toBe('12345678901234567');
    expect(valueOf(validEnv({ DISCORD_CLIENT_ID: '12345678901234567890' })).DISCORD_CLIENT_ID).toBe('12345678901234567890');
    expect(valueOf(validEnv({ OPS_ROLE_ID: `  ${ID.role}\n` })).OPS_ROLE_ID).toBe(ID.role);
  });
});

describe('loadBotEnv: missing variables', () => {
  it('gives exactly one line per missing required variable, each naming it', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(REQUIRED.length);
    for (const name of REQUIRED) {
      const lines = problems.filter((line) => line.startsWith(`${name}: `));
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toMatch(/is required/);
    }
  });

  it.each(REQUIRED)('names %s alone when only it is missing', (name) => {
    const problems = problemsOf(validEnv({ [name]: undefined }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: is required`));
  });

  it('counts an empty required variable as missing', () => {
    const problems = problemsOf(validEnv({ OPS_ROLE_ID: '' }));
    expect(problems).toEqual([expect.stringMatching(/^OPS_ROLE_ID: is required/)]);
  });

  it('problems are single lines, without stack traces', () => {
    for (const line of problemsOf({ CONFIRM_TIMEOUT: 'x', DISCORD_API_BASE: 'nope' })) {
      expect(line).not.toContain('\n');
      expect(line).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });
});

describe('loadBotEnv: malformed values name the variable', () => {
  it.each([
    ['DISCORD_CLIENT_ID', '12'],
    ['DISCORD_CLIENT_ID', 'my-app'],
    ['DISCORD_GUILD_ID', '1234567890123456789012'],
    ['OPS_CHANNEL_ID', '#ops'],
    ['OPS_ROLE_ID', '<@&444444444444444444>'],
  ])('%s = %j is refused as a Discord id', (name, value) => {
    const problems = problemsOf(validEnv({ [name]: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: .*Discord id`));
  });

  it.each(['not a url', 'ftp://discord.com/api', 'discord.com/api'])('DISCORD_API_BASE = %j is refused', (value) => {
    const problems = problemsOf(validEnv({ DISCORD_API_BASE: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DISCORD_API_BASE: .*URL/);
  });

  it.each(['postgres://db/tokenops', './data/tokenops.sqlite', 'sqlite://', 'memory'])('TOKENOPS_STATE = %j is refused', (value) => {
    const problems = problemsOf(validEnv({ TOKENOPS_STATE: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TOKENOPS_STATE: expected sqlite:\/\/<path> or redis:\/\//);
  });

  it.each(['60', 'soon', '-5s', '0s', '1 fortnight'])('CONFIRM_TIMEOUT = %j is refused', (value) => {
    const problems = problemsOf(validEnv({ CONFIRM_TIMEOUT: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^CONFIRM_TIMEOUT: expected a (positive )?duration/);
  });

  it("CONFIRM_TIMEOUT past Discord's 15-minute window for editing the plan is refused, saying why", () => {
    expect(problemsOf(validEnv({ CONFIRM_TIMEOUT: '15m' }))).toEqual([expect.stringMatching(/^CONFIRM_TIMEOUT: expected at most 14m: Discord's interaction reply can be edited for 15 minutes/)]);
    expect(problemsOf(validEnv({ CONFIRM_TIMEOUT: '1h' }))).toHaveLength(1);
    expect(valueOf(validEnv({ CONFIRM_TIMEOUT: '14m' })).CONFIRM_TIMEOUT).toBe(14 * 60_000);
  });

  it('TOKENOPS_NODE_TIMEOUT is a duration too', () => {
    expect(problemsOf(validEnv({ TOKENOPS_NODE_TIMEOUT: '3000' }))).toEqual([expect.stringMatching(/^TOKENOPS_NODE_TIMEOUT: expected a duration/)]);
  });

  it('reports every malformed variable at once, one line each', () => {
    const problems = problemsOf(
      validEnv({ DISCORD_CLIENT_ID: 'x', DISCORD_API_BASE: 'ftp://x', TOKENOPS_STATE: 'mysql://x', CONFIRM_TIMEOUT: '60' }),
    );
    expect(problems.map((line) => line.split(':')[0])).toEqual(['DISCORD_CLIENT_ID', 'DISCORD_API_BASE', 'TOKENOPS_STATE', 'CONFIRM_TIMEOUT']);
  });
});

describe('loadBotEnv: the token is never echoed', () => {
  it('no problem line carries the token value, however broken the rest is', () => {
    const problems = problemsOf({
      DISCORD_TOKEN: TOKEN,
      DISCORD_CLIENT_ID: TOKEN,
      DISCORD_GUILD_ID: 'guild',
      OPS_CHANNEL_ID: '',
      DISCORD_API_BASE: TOKEN,
      TOKENOPS_STATE: TOKEN,
      CONFIRM_TIMEOUT: TOKEN,
      TOKENOPS_NODE_TIMEOUT: TOKEN,
    });
    expect(problems.length).toBeGreaterThanOrEqual(6);
    const text = problems.join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('PLANTED');
    expect(text).not.toContain(TOKEN.slice(0, 12));
  });

  it('a whitespace-only token is refused without echoing it', () => {
    const problems = problemsOf(validEnv({ DISCORD_TOKEN: '   ' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DISCORD_TOKEN: /);
  });
});
