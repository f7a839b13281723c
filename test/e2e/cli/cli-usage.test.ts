import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { failureJson, keygenJson, auditJson } from '../../../src/cli/json/output-shapes.js';
import { nodeKeySchema } from '../../../src/protocol/node-key.js';
import { jsonOf, runCli } from '../../support/cli-process.js';
import { capturedOutput } from '../../support/processes.js';
import { findSecrets } from '../../support/secret-scan.js';
import { newNodeKeyHex, plantedSecrets } from '../../support/state-dir.js';

/*
 * The CLI's contract before any agent is asked: keygen, help, and every kind of usage and
 * settings error with exit 2 and a message that names the culprit. The fleet here points at
 * nothing: every one of these must fail before a node would be contacted.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-cli-usage-'));
const fleetFile = path.join(dir, 'fleet.json');
writeFileSync(fleetFile, JSON.stringify({ nodes: [{ name: 'pc-a', url: 'http://127.0.0.1:9', keyEnv: 'TOKENOPS_KEY_PC_A' }, { name: 't440', url: 'http://127.0.0.1:9', keyEnv: 'TOKENOPS_KEY_T440' }] }));
const env = { TOKENOPS_FLEET: fleetFile, TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}`, TOKENOPS_KEY_PC_A: newNodeKeyHex(), TOKENOPS_KEY_T440: newNodeKeyHex() };

afterAll(() => {
  expect(findSecrets(capturedOutput)).toEqual([]);
});

describe('keygen', () => {
  test('prints a fresh node key the agent accepts, and nothing else on stdout', async () => {
    const first = await runCli(['keygen'], {});
    const second = await runCli(['keygen'], {});
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(first.stderr).toBe('');
    expect(second.stdout).not.toBe(first.stdout);
    expect(nodeKeySchema.parse(first.stdout.trim())).toHaveLength(32);
    const json = keygenJson.parse(jsonOf(await runCli(['keygen', '--json'], {})));
    expect(json.key).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('help', () => {
  test('tokenops --help lists every command; a command --help shows its usage; both exit 0', async () => {
    const overview = await runCli(['--help'], {});
    expect(overview.code).toBe(0);
    for (const name of ['status', 'sync', 'refresh', 'preflight', 'restart', 'capacity', 'audit', 'keygen']) expect(overview.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const restart = await runCli(['restart', '--help'], {});
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/^usage: tokenops restart <node\|all>/);
    expect(restart.stdout).toContain('--yes --force-noninteractive');
    expect((await runCli(['help', 'sync'], {})).stdout).toMatch(/^usage: tokenops sync <from> <to\|all>/);
  });
});

describe('usage errors: exit 2, a specific message, nothing on stdout', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no command', [], /^tokenops: missing the command: one of status, sync, refresh, preflight, restart, capacity, audit, doctor, keygen$/m],
    ['unknown command', ['frobnicate'], /^tokenops: unknown command "frobnicate": one of status, /m],
    ['unknown option', ['status', '--bogus'], /^tokenops status: unknown option --bogus$/m],
    ['an option before the command', ['--limit', '3', 'audit'], /^tokenops: --limit goes after the command/m],
    ['an option without its value', ['audit', '--limit'], /^tokenops audit: --limit needs a value$/m],
    ['an option that takes no value', ['status', '--json=yes'], /^tokenops status: --json takes no value$/m],
    ['a bad number', ['audit', '--limit', 'lots'], /^tokenops audit: --limit expects a whole number from 1 to 1000$/m],
    ['a number out of range', ['capacity', 'pc-a', '--set', '0'], /^tokenops capacity: --set expects a whole number from 1 to 1000$/m],
    ['a bad duration', ['preflight', 'pc-a', '--margin', '10'], /^tokenops preflight: --margin expects a duration such as 30m/m],
    ['a bad profile id', ['sync', 'pc-a', 't440', '--profile', 'no spaces/allowed'], /^tokenops sync: --profile: expected a profile id like "anthropic:default"/m],
    ['a missing argument', ['sync', 'pc-a'], /^tokenops sync: missing <to>$/m],
    ['one argument too many', ['status', 'pc-a', 't440'], /^tokenops status: unexpected argument "t440"$/m],
    ['an unknown node', ['status', 'nope'], /^tokenops status: unknown node "nope"; the fleet has pc-a, t440$/m],
    ['an unknown target node', ['sync', 'pc-a', 'nope'], /^tokenops sync: unknown node "nope"; the fleet has pc-a, t440$/m],
    ['the same node twice', ['sync', 'pc-a', 'pc-a'], /^tokenops sync: <from> and <to> are the same node \(pc-a\)/m],
    ['--yes alone', ['restart', 't440', '--yes'], /^tokenops restart: --yes is accepted only together with --force-noninteractive/m],
    ['--force-noninteractive alone', ['restart', 't440', '--force-noninteractive'], /^tokenops restart: --force-noninteractive goes with --yes$/m],
    ['restart without a terminal', ['restart', 't440'], /^tokenops restart: restart asks for the node's name to be typed back, and stdin is not a terminal: nothing was done\./m],
  ];
  test.each(cases)('%s', async (_, args, message) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('under --json the same error is also one JSON document on stdout', async () => {
    const run = await runCli(['sync', 'pc-a', 'nope', '--json'], env);
    expect(run.code).toBe(2);
    expect(failureJson.parse(jsonOf(run))).toEqual({ ok: false, command: 'sync', error: { kind: 'usage', message: 'unknown node "nope"; the fleet has pc-a, t440' } });
    const unknown = failureJson.parse(jsonOf(await runCli(['--json', 'frobnicate'], env)));
    expect(unknown).toMatchObject({ ok: false, command: null, error: { kind: 'usage' } });
  });

  test('nothing was asked of a node or written to the audit log by any of them', async () => {
    const audit = auditJson.parse(jsonOf(await runCli(['audit', '--json'], env)));
    expect(audit.records).toEqual([]);
  });
});

describe('settings errors: exit 2, one line per problem, no value echoed', () => {
  test('no fleet file', async () => {
    const run = await runCli(['status'], { ...env, TOKENOPS_FLEET: path.join(dir, 'missing.json') });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tokenops: missing.json: not found at ${path.join(dir, 'missing.json')} (set TOKENOPS_FLEET)\n`);
  });

  test('a node key that is missing, and one that is not a key: named, never shown', async () => {
    const notAKey = `short-${newNodeKeyHex().slice(0, 10)}`;
    plantedSecrets.add(notAKey);
    const run = await runCli(['status'], { TOKENOPS_FLEET: fleetFile, TOKENOPS_KEY_PC_A: notAKey });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tokenops: fleet\.json: nodes\[0\]\.keyEnv: TOKENOPS_KEY_PC_A \(the key of node "pc-a"\) decodes to \d+ bytes; a node key has 32\+$/m);
    expect(run.stderr).toContain('tokenops: fleet.json: nodes[1].keyEnv: TOKENOPS_KEY_T440 is not set (the key of node "t440")');
    expect(run.stderr).not.toContain(notAKey);
  });

  test('a bad setting is named; Discord settings are not needed at all', async () => {
    const run = await runCli(['status', '--json'], { ...env, TOKENOPS_NODE_TIMEOUT: '3' });
    expect(run.code).toBe(2);
    expect(failureJson.parse(jsonOf(run)).error).toEqual({ kind: 'config', message: 'TOKENOPS_NODE_TIMEOUT: expected a duration such as 500ms, 90s, 5m, 24h or 7d' });
  });

  test('keygen and help need no settings at all', async () => {
    expect((await runCli(['keygen'], { TOKENOPS_FLEET: path.join(dir, 'missing.json') })).code).toBe(0);
  });
});
