import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPoint, installedBin, PACKAGE_ROOT } from '../../../src/runtime/entry-point.js';
import { ENTRY_PROCESSES, NODE_FLAGS, nodeCommand } from '../../../src/runtime/node-flags.js';

/*
 * The bot and the agent start with their V8 flags however they are started: the bin's first
 * line (npm's bin links run it), the npm scripts, and the demo's and the tests' spawns. (The
 * systemd units and the Dockerfile: test/unit/deploy/systemd-units.test.ts.)
 */

const scripts = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe.each([
  ['bot', 'tokenops-bot.js', 'start', 'src/bot/main.ts'],
  ['agent', 'tokenops-agent.js', 'agent', 'src/agent/main.ts'],
] as const)('the %s', (kind, bin, script, source) => {
  it('its bin carries the flags on its first line', () => {
    // `env -S` splits the line into node and its flags; without flags a plain `env node`.
    expect(readFileSync(path.join(PACKAGE_ROOT, 'bin', bin), 'utf8').split('\n', 1)[0]).toBe(NODE_FLAGS[kind].length > 0 ? `#!/usr/bin/env -S ${nodeCommand(kind)}` : '#!/usr/bin/env node');
    expect(installedBin(bin).execArgv).toEqual([...NODE_FLAGS[kind]]);
  });

  it(`npm run ${script} passes them`, () => {
    expect(scripts[script]?.startsWith(`${nodeCommand(kind)} dist/`)).toBe(true);
  });

  it('a spawn through entryPoint passes them', () => {
    expect(ENTRY_PROCESSES[source]).toBe(kind);
    expect(entryPoint(source).execArgv.slice(0, NODE_FLAGS[kind].length)).toEqual([...NODE_FLAGS[kind]]);
  });
});

it('a bin without flags starts with none; a file of no process gets none', () => {
  expect(installedBin('tokenops.js').execArgv).toEqual([]);
  expect(entryPoint('src/cli/main.ts').execArgv.filter((flag) => flag.startsWith('--max-semi'))).toEqual([]);
});
