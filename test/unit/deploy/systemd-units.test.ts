import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { agentEnvSchema, loadAgentEnv } from '../../../src/config/agent-env.js';
import { botEnvSchema, loadBotEnv } from '../../../src/config/bot-env.js';
import { fleetFileSchema } from '../../../src/config/fleet-file.js';
import { NODE_FLAGS, nodeCommand } from '../../../src/runtime/node-flags.js';

/*
 * The deployment files in deploy/: the systemd units pass `systemd-analyze verify` (where
 * the tool is installed: Debian's `systemd` package, scripts/install-test-deps.sh), carry
 * the hardening the job allows, take secrets only from an environment file, start the
 * package's real bins, and every variable the example env files and guides name is one
 * the code reads (from the zod schemas themselves, not a copied list).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Unit = Map<string, Map<string, string[]>>;

/** A unit file as systemd reads it: sections of keys, each key's assignments in order. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** The effective value of a key (an empty assignment resets a list; the last one wins). */
function values(unit: Unit, section: string, key: string): string[] {
  const all = unit.get(section)?.get(key) ?? [];
  const afterReset = all.lastIndexOf('');
  return afterReset >= 0 ? all.slice(afterReset + 1) : all;
}
const value = (unit: Unit, section: string, key: string) => values(unit, section, key).at(-1);
const words = (unit: Unit, section: string, key: string) => values(unit, section, key).flatMap((entry) => entry.split(/\s+/)).filter(Boolean);

/** `Environment=A=1 "B=x y"` → names and values. */
function unitEnvironment(unit: Unit): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of values(unit, 'Service', 'Environment')) {
    for (const match of entry.matchAll(/"([^"]*)"|(\S+)/g)) {
      const assignment = match[1] ?? match[2]!;
      const eq = assignment.indexOf('=');
      env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
    }
  }
  return env;
}

const agentUnitText = read('deploy/tokenops-agent.service');
const botUnitText = read('deploy/tokenops-bot.service');
const agentUnit = parseUnit(agentUnitText);
const botUnit = parseUnit(botUnitText);

const agentVars = new Set(Object.keys(agentEnvSchema.shape));
const botVars = new Set(Object.keys(botEnvSchema.shape));
const fleetExample = fleetFileSchema.parse(JSON.parse(read('fleet.example.json')));
const fleetKeyVars = new Set(fleetExample.nodes.map((node) => node.keyEnv));
/** Variables that hold a secret; none may be written into a unit or an image. */
const secretVars = new Set(['TOKENOPS_AGENT_KEY', 'DISCORD_TOKEN', ...fleetKeyVars]);
const isSecretName = (name: string) => secretVars.has(name) || /^TOKENOPS_KEY_/.test(name);

/** Every assignment in an example env file, commented-out ones included (`#NAME=value`). */
function exampleAssignments(file: string): Map<string, { value: string; commented: boolean }> {
  const found = new Map<string, { value: string; commented: boolean }>();
  for (const line of read(file).split('\n')) {
    const match = /^(#?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const name = match[2]!;
    const parsed = parseEnv(`${name}=${match[3]!}`)[name] ?? '';
    found.set(name, { value: parsed, commented: match[1] === '#' });
  }
  return found;
}

const KEY_HEX = 'a3c1f09e6b2d4857a3c1f09e6b2d4857a3c1f09e6b2d4857a3c1f09e6b2d4857';
const SNOWFLAKE = '123456789012345678';

// ------------------------------------------------------------------ systemd-analyze verify

function which(command: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}
const systemdAnalyze = which('systemd-analyze');
const NO_TOOL = 'systemd-analyze is not installed (Debian: apt-get install systemd, as scripts/install-test-deps.sh does): the units were not verified';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tokenops-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs `systemd-analyze [--user] verify` on a copy of the unit in a scratch dir.
 *
 * How it runs here (systemd 252, Debian 12), and why:
 *  - verify loads the unit into a throwaway manager and reports, besides hard errors
 *    (exit status 1, e.g. an ExecStart binary that does not exist), *warnings* that still
 *    exit 0: an unknown or misspelt directive, a value it cannot parse. So a clean result
 *    is "exit 0 and not one line about our unit"; lines about other units on the machine
 *    (it loads the targets we name) are not ours to judge.
 *  - It checks that ExecStart's executable exists. Ours is /usr/bin/env (always there)
 *    with node and /opt/tokenops/bin/... as arguments, which it does not check, so the
 *    unit is verified as installed, with no rewriting and no --root. It does not check
 *    User=, WorkingDirectory= or EnvironmentFile= either (they are resolved at start).
 *  - The user manager (`--user`) needs a runtime dir; without XDG_RUNTIME_DIR it fails with
 *    "Failed to lookup RuntimeDirectory path", so a scratch one is given. %h resolves to
 *    the home of whoever runs the test.
 *  - --man=no: no man lookups for Documentation=; generators are off by default for verify.
 */
function verify(file: string, scope: 'system' | 'user', contents?: string) {
  const copy = path.join(scratch, scope, path.basename(file));
  mkdirSync(path.dirname(copy), { recursive: true });
  if (contents === undefined) copyFileSync(path.join(ROOT, file), copy);
  else writeFileSync(copy, contents);
  const runtimeDir = mkdtempSync(path.join(scratch, 'runtime-'));
  const args = [...(scope === 'user' ? ['--user'] : []), '--man=no', 'verify', copy];
  const result = spawnSync(systemdAnalyze!, args, {
    encoding: 'utf8',
    env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' },
    timeout: 20_000,
  });
  const lines = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').filter((line) => line.trim() !== '');
  return { status: result.status, lines, ours: lines.filter((line) => line.includes('tokenops')) };
}

describe('systemd-analyze verify', () => {
  it.for([
    ['deploy/tokenops-agent.service', 'user'],
    ['deploy/tokenops-bot.service', 'system'],
  ] as const)('%s passes (%s manager) with no warning', ([file, scope], context) => {
    if (!systemdAnalyze) context.skip(NO_TOOL);
    const result = verify(file, scope);
    expect(result.ours, result.lines.join('\n')).toEqual([]);
    expect(result.status, result.lines.join('\n')).toBe(0);
  });

  it('is not vacuous: a misspelt directive and a missing binary are reported', (context) => {
    if (!systemdAnalyze) context.skip(NO_TOOL);
    const broken = agentUnitText.replace('LockPersonality=yes', 'LockPersonalty=yes').replace('ExecStart=/usr/bin/env ', 'ExecStart=/usr/bin/tokenops-no-such-env ');
    const result = verify('deploy/tokenops-agent.service', 'user', broken);
    expect(result.ours.join('\n')).toMatch(/LockPersonalty/);
    expect(result.ours.join('\n')).toMatch(/tokenops-no-such-env/);
    expect(result.status).not.toBe(0);
  });
});

// ------------------------------------------------------------------ the units' contents

describe.each([
  ['agent', agentUnit, 'tokenops-agent'],
  ['bot', botUnit, 'tokenops-bot'],
] as const)('the %s unit', (name, unit, bin) => {
  it(`starts the package's ${bin} bin from /opt/tokenops with node and the process's V8 flags`, () => {
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    const binFile = pkg.bin[bin];
    expect(binFile).toBeDefined();
    expect(existsSync(path.join(ROOT, binFile!))).toBe(true);
    expect(values(unit, 'Service', 'ExecStart')).toEqual([`/usr/bin/env ${nodeCommand(name)} /opt/tokenops/${path.posix.normalize(binFile!)}`]);
  });

  it('takes its settings from an environment file and holds no secret itself', () => {
    expect(value(unit, 'Service', 'EnvironmentFile')).toMatch(/^\S+\.env$/);
    for (const name of unitEnvironment(unit).keys()) expect(isSecretName(name), `${name} set in the unit`).toBe(false);
    // Nothing that looks like a key (32+ bytes of hex or base64) or a Discord token anywhere.
    const text = name === 'agent' ? agentUnitText : botUnitText;
    expect(text).not.toMatch(/[0-9a-f]{64}|[A-Za-z0-9+/]{43,}=*|[\w-]{24,}\.[\w-]{6}\.[\w-]{27,}/i);
  });

  it('names only variables the code reads', () => {
    const known = name === 'agent' ? agentVars : botVars;
    for (const name of unitEnvironment(unit).keys()) expect(known.has(name), name).toBe(true);
  });

  it('is hardened', () => {
    expect(value(unit, 'Service', 'NoNewPrivileges')).toBe('yes');
    expect(value(unit, 'Service', 'ProtectSystem')).toBe('strict');
    expect(value(unit, 'Service', 'UMask')).toBe('0077');
    expect(value(unit, 'Service', 'SystemCallArchitectures')).toBe('native');
    expect(value(unit, 'Service', 'LockPersonality')).toBe('yes');
    expect(value(unit, 'Service', 'RestrictSUIDSGID')).toBe('yes');
    expect(value(unit, 'Service', 'RestrictNamespaces')).toBe('yes');
    expect(value(unit, 'Service', 'PrivateDevices')).toBe('yes');
    expect(words(unit, 'Service', 'RestrictAddressFamilies')).toEqual(expect.arrayContaining(['AF_UNIX', 'AF_INET', 'AF_INET6']));
    expect(words(unit, 'Service', 'RestrictAddressFamilies').every((family) => /^AF_[A-Z0-9]+$/.test(family))).toBe(true);
    expect(values(unit, 'Service', 'SystemCallFilter')).toContain('@system-service');
    // V8's JIT needs W+X memory: this would kill node at start.
    expect(value(unit, 'Service', 'MemoryDenyWriteExecute') ?? 'no').toBe('no');
    expect(value(unit, 'Service', 'Restart')).toBe('on-failure');
  });
});

describe('the agent unit (user service beside openclaw-gateway)', () => {
  it('is a user unit: no User=, wanted by default.target, ordered after the gateway', () => {
    expect(agentUnit.get('Service')?.has('User')).toBe(false);
    expect(value(agentUnit, 'Install', 'WantedBy')).toBe('default.target');
    expect(words(agentUnit, 'Unit', 'After')).toContain('openclaw-gateway.service');
    expect(value(agentUnit, 'Service', 'EnvironmentFile')).toBe('%h/.config/tokenops/agent.env');
  });

  it('writes exactly the OpenClaw state dir and the /tmp it shares with the gateway', () => {
    expect(words(agentUnit, 'Service', 'ReadWritePaths').sort()).toEqual(['%h/.openclaw', '/tmp']);
    // OpenClaw's default state dir is what the unit opens for writing.
    expect(agentEnvSchema.shape.OPENCLAW_STATE_DIR.parse(undefined)).toBe(path.join(os.homedir(), '.openclaw'));
    // OpenClaw 2026.9's state lock lives in /tmp/openclaw-state-locks-<uid>/: a private
    // /tmp would hide it from the agent.
    expect(value(agentUnit, 'Service', 'PrivateTmp') ?? 'no').toBe('no');
    // Read-only home, not hidden: /run/user/<uid> (the user bus for the restart) stays visible.
    expect(value(agentUnit, 'Service', 'ProtectHome')).toBe('read-only');
    // The lock code reads /proc/<pid> of the lock holder (the gateway).
    expect(agentUnit.get('Service')?.has('ProtectProc')).toBe(false);
    expect(agentUnit.get('Service')?.has('ProcSubset')).toBe(false);
  });
});

describe('the bot unit (system service under its own user)', () => {
  it('runs as its own unprivileged user with no capabilities', () => {
    expect(value(botUnit, 'Service', 'User')).toBe('tokenops');
    // An empty assignment: the bounding set is empty.
    expect(botUnit.get('Service')?.get('CapabilityBoundingSet')).toEqual(['']);
    expect(value(botUnit, 'Install', 'WantedBy')).toBe('multi-user.target');
    expect(value(botUnit, 'Service', 'EnvironmentFile')).toBe('/etc/tokenops/bot.env');
  });

  it('keeps its SQLite state in its StateDirectory, and can write nothing else', () => {
    const stateDir = value(botUnit, 'Service', 'StateDirectory');
    expect(stateDir).toBe('tokenops');
    const state = botEnvSchema.shape.TOKENOPS_STATE.parse(unitEnvironment(botUnit).get('TOKENOPS_STATE'));
    expect(state).toMatch(new RegExp(`^sqlite:///var/lib/${stateDir}/[^/]+\\.sqlite$`));
    expect(value(botUnit, 'Service', 'WorkingDirectory')).toBe(`/var/lib/${stateDir}`);
    expect(values(botUnit, 'Service', 'ReadWritePaths')).toEqual([]);
    expect(value(botUnit, 'Service', 'PrivateTmp')).toBe('yes');
    expect(value(botUnit, 'Service', 'ProtectHome')).toBe('yes');
    expect(value(botUnit, 'Service', 'PrivateUsers')).toBe('yes');
  });
});

// ------------------------------------------------------------------ example env files

describe('deploy/agent.env.example', () => {
  const assignments = exampleAssignments('deploy/agent.env.example');

  it('names only variables the agent reads, and every required one', () => {
    for (const name of assignments.keys()) expect(agentVars.has(name), `${name} is not in agentEnvSchema`).toBe(true);
    const required = [...agentVars].filter((name) => !agentEnvSchema.shape[name as keyof typeof agentEnvSchema.shape].safeParse(undefined).success);
    expect(required.sort()).toEqual(['TOKENOPS_AGENT_KEY', 'TOKENOPS_NODE']);
    for (const name of required) expect(assignments.get(name)?.commented, name).toBe(false);
  });

  it('holds no key, and its values (commented ones too) are valid once a key is filled in', () => {
    expect(assignments.get('TOKENOPS_AGENT_KEY')?.value).toBe('');
    const env = Object.fromEntries([...assignments].map(([name, { value }]) => [name, value]));
    const loaded = loadAgentEnv({ ...env, TOKENOPS_AGENT_KEY: KEY_HEX });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });
});

describe('deploy/bot.env.example', () => {
  const assignments = exampleAssignments('deploy/bot.env.example');

  it("names only variables the bot reads: its settings and the fleet file's key variables", () => {
    for (const name of assignments.keys()) expect(botVars.has(name) || fleetKeyVars.has(name), `${name} is neither in botEnvSchema nor a keyEnv of fleet.example.json`).toBe(true);
    for (const name of fleetKeyVars) expect(assignments.has(name), `no line for ${name}`).toBe(true);
    const required = [...botVars].filter((name) => !botEnvSchema.shape[name as keyof typeof botEnvSchema.shape].safeParse(undefined).success);
    for (const name of required) expect(assignments.get(name)?.commented, name).toBe(false);
  });

  it('holds no secret, and its values are valid once the blanks are filled in', () => {
    for (const [name, { value }] of assignments) if (isSecretName(name)) expect(value, name).toBe('');
    const env: Record<string, string> = Object.fromEntries([...assignments].map(([name, { value }]) => [name, value]));
    for (const name of ['DISCORD_CLIENT_ID', 'DISCORD_GUILD_ID', 'OPS_CHANNEL_ID', 'OPS_ROLE_ID']) env[name] = SNOWFLAKE;
    env.DISCORD_TOKEN = 'x';
    const loaded = loadBotEnv(env);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    // The env file and the unit agree on where the fleet file is.
    expect(assignments.get('TOKENOPS_FLEET')?.value).toBe(unitEnvironment(botUnit).get('TOKENOPS_FLEET'));
  });
});

describe.each(['deploy/agent.env.example', 'deploy/bot.env.example'])('%s', (file) => {
  it('reads the same with systemd, a shell and Node: values with spaces are double-quoted', () => {
    for (const line of read(file).split('\n')) {
      const match = /^#?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
      if (match && /\s/.test(match[2]!)) expect(match[2], line).toMatch(/^"[^"$`\\]*"$/);
    }
  });
});

// ------------------------------------------------------------------ Dockerfile

describe('Dockerfile (the bot; checked as text, no Docker engine here)', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const of = (keyword: string) => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1).trim());

  it('builds on node:20-bookworm-slim, compiles better-sqlite3, builds dist/, keeps production dependencies only', () => {
    for (const from of of('FROM')) expect(from).toMatch(/^node:20-bookworm-slim\b/);
    const runs = of('RUN').join('\n');
    expect(runs).toMatch(/apt-get install[^\n]*\bpython3\b[^\n]*\bmake\b[^\n]*\bg\+\+/);
    // npm ci runs `prepare` (the build, with the devDependencies), then the prune drops them.
    expect(runs).toMatch(/npm ci\b[^\n]*&& npm prune --omit=dev/);
    const copies = of('COPY');
    for (const needed of ['scripts/build.mjs ./scripts/build.mjs', 'src ./src', 'commands ./commands', 'bin ./bin']) expect(copies).toContain(needed);
    // The runtime image runs dist/: the sources are removed once built.
    expect(runs).toMatch(/rm -rf src scripts/);
  });

  it('runs the bot bin as a non-root user, state in a volume', () => {
    const user = of('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(of('CMD').at(-1)).toBe(JSON.stringify(['node', ...NODE_FLAGS.bot, '/opt/tokenops/bin/tokenops-bot.js']).replaceAll(',', ', '));
    const state = /TOKENOPS_STATE=sqlite:\/\/(\/\S+)\//.exec(of('ENV').join(' '))?.[1];
    expect(state).toBeDefined();
    expect(of('VOLUME').join(' ')).toContain(state!);
  });

  it('bakes in no secret and copies in no local settings', () => {
    for (const line of [...of('ENV'), ...of('ARG')]) {
      for (const name of line.match(/[A-Z_][A-Z0-9_]*(?==)/g) ?? []) expect(isSecretName(name), name).toBe(false);
    }
    expect(of('COPY').join('\n')).not.toMatch(/\.env\b|fleet\.json|\bdata\b/);
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '*.env', 'node_modules', 'data', 'fleet.json', '.git']));
  });

  it("copies the timeline picture's fonts (the slim image has none of its own), and nothing leaves them out", () => {
    expect(of('COPY')).toContain('assets ./assets');
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored.some((pattern) => /^\/?assets\b|^\*\.ttf$/.test(pattern))).toBe(false);
    expect(read('.gitignore')).not.toMatch(/^\/?assets\b|^\*\.(ttf|png)$/m);
  });
});

// ------------------------------------------------------------------ the guides

describe.each(['docs/install-node.md', 'docs/install-bot.md'])('%s', (file) => {
  const text = read(file);

  it('names only variables the code reads', () => {
    // scripts/agent-call.ts reads its own two (the agent's URL and key).
    const agentCall = new Set([...read('scripts/agent-call.ts').matchAll(/setting\('([A-Z_]+)'/g)].map((match) => match[1]!));
    // OpenClaw's own, which the node guide tells an operator to give the gateway's unit.
    const forTheGateway = ['OPENCLAW_NO_RESPAWN'];
    const known = new Set([...agentVars, ...botVars, ...fleetKeyVars, ...agentCall, ...forTheGateway]);
    const named = new Set(text.match(/\b(?:TOKENOPS|DISCORD|OPS|OPENCLAW|CONFIRM)_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []);
    expect(named.size).toBeGreaterThan(0);
    for (const name of named) expect(known.has(name), `${name} is not read by the code`).toBe(true);
  });

  it('refers to files and npm scripts that exist', () => {
    for (const [, file] of text.matchAll(/\/opt\/tokenops\/((?:deploy|bin|docs)\/[\w.-]+|fleet\.example\.json)/g)) expect(existsSync(path.join(ROOT, file!)), file).toBe(true);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g)) expect(scripts[script!], `npm run ${script}`).toBeDefined();
  });
});
