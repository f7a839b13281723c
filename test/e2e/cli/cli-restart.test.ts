import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditJson, restartJson } from '../../../src/cli/json/output-shapes.js';
import { hasTerminalHelper, jsonOf, runCli, runCliOnTerminal } from '../../support/cli-process.js';
import { capturedOutput, killAllSpawned } from '../../support/processes.js';
import { findSecrets } from '../../support/secret-scan.js';
import { startRestartFleet, type RestartFleet } from '../../support/restart-fleet.js';
import { readStore } from '../../support/state-dir.js';

/*
 * `tokenops restart` against real agents and stand-in gateways restarted for real: the
 * plan, the node's name typed back on a real terminal (util-linux `script` gives the CLI
 * a pseudo-terminal), a wrong name that does nothing, no terminal at all, the flags for
 * scripts, a no-go, a forced restart, and a rolling restart with its progress.
 */

let fleetOnLoopback: RestartFleet;
let env: Record<string, string>;
let goodFleetEnv: Record<string, string>;
const terminal = await hasTerminalHelper();

const ANTHROPIC = 'anthropic:default';
const PROMPT = /Type "[^"]+" to run .*: $/;

beforeAll(async () => {
  fleetOnLoopback = await startRestartFleet();
  env = { ...fleetOnLoopback.local.keys };
  const nodes = fleetOnLoopback.local.fleetNodes;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-cli-restart-'));
  const fleet = (file: string, list: unknown[]) => {
    writeFileSync(path.join(dir, file), JSON.stringify({ nodes: list, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' } }));
    return path.join(dir, file);
  };
  env = { ...env, TOKENOPS_FLEET: fleet('fleet.json', nodes), TOKENOPS_STATE: `sqlite://${path.join(dir, 'state.sqlite')}`, CONFIRM_TIMEOUT: '20s' };
  // The two nodes that can be restarted, for a rolling restart that goes all the way.
  goodFleetEnv = { ...env, TOKENOPS_FLEET: fleet('fleet-without-solo.json', nodes.slice(0, 2)) };
}, 60_000);

afterAll(async () => {
  await fleetOnLoopback?.local.stop();
  killAllSpawned();
  expect(findSecrets(capturedOutput)).toEqual([]);
});

async function auditRecords(): Promise<Array<{ action: string; target?: string; outcome: string; detail?: string }>> {
  return auditJson.parse(jsonOf(await runCli(['audit', '--limit', '100', '--json'], env))).records;
}

describe('the typed confirmation', () => {
  test('without a terminal and without the flags: refused, nothing planned, nothing restarted', async () => {
    const pid = fleetOnLoopback.gateway('t440').pid();
    const run = await runCli(['restart', 't440'], env, { stdin: 't440\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/stdin is not a terminal: nothing was done\. Run it from a terminal, or in a script pass --yes --force-noninteractive/);
    expect(fleetOnLoopback.gateway('t440').pid()).toBe(pid);
    expect(await auditRecords()).toEqual([]);
  });

  test.skipIf(!terminal)('a wrong name typed back: the plan was shown, nothing happens, exit 1, audited as cancelled', async () => {
    const pid = fleetOnLoopback.gateway('t440').pid();
    const before = readStore(fleetOnLoopback.states.t440, 'agent1').profiles[ANTHROPIC]?.access;
    const run = await runCliOnTerminal(['restart', 't440'], env, { prompt: PROMPT, typed: 'pc-a' });
    expect(run.code).toBe(1);
    expect(run.screen).toContain('Restart t440 · plan');
    expect(run.screen).toMatch(/FIX   anthropic:default \(main, agent1\) · expired 2h( \d+[ms])? ago \(.*\) → sync from pc-a first/);
    expect(run.screen).toContain('WARN  15 agents reconnect at once: expected burst 8–10 against maxConcurrent 4. Suggested: 12');
    expect(run.screen).toContain('Type "t440" to run the restart of t440 (anything else cancels; expires in 20s): ');
    expect(run.screen).toContain('Cancelled: "t440" was not typed back. Nothing was done.');
    expect(fleetOnLoopback.gateway('t440').pid()).toBe(pid);
    expect(readStore(fleetOnLoopback.states.t440, 'agent1').profiles[ANTHROPIC]?.access).toBe(before);
    expect((await auditRecords()).slice(0, 2).map((record) => `${record.action}: ${record.outcome}`)).toEqual(['restart: cancelled', 'restart plan: planned']);
  });

  test.skipIf(!terminal)('the right name typed back: the sync-first fix, the restart (a new gateway process), ready; exit 0', async () => {
    const pid = fleetOnLoopback.gateway('t440').pid();
    const run = await runCliOnTerminal(['restart', 't440'], env, { prompt: PROMPT, typed: 't440' });
    if (process.env.SHOW_SCREEN) console.log(run.screen);
    expect(run.code).toBe(0);
    expect(run.screen).toMatch(/t440: syncing anthropic:default from pc-a…/);
    expect(run.screen).toMatch(/t440: restarting the gateway on t440 and waiting for it to be ready…/);
    expect(run.screen).toMatch(/Restart t440 · done: ready [\d.]+ s after the restart command/);
    expect(run.screen).toMatch(/Done: t440 ready\.\s*$/);
    expect(fleetOnLoopback.gateway('t440').pid()).not.toBe(pid);
    expect(readStore(fleetOnLoopback.states.t440, 'agent1').profiles[ANTHROPIC]?.access).toBe(readStore(fleetOnLoopback.states['pc-a'], 'main').profiles[ANTHROPIC]?.access);
    const records = await auditRecords();
    // The fix is an action of its own, by whoever confirmed, recorded before the restart.
    expect(records.slice(0, 4).map((record) => `${record.action} ${record.target}: ${record.outcome}`)).toEqual(['restart t440: ok', 'tokens sync pc-a → t440 (anthropic:default): ok', 'restart confirmation t440: confirmed', 'restart plan t440: planned']);
    expect(records[2]?.detail).toMatch(/^plan by cli:\S+ \(typed the name back\)$/);
  });

  test.skipIf(!terminal)('no answer within CONFIRM_TIMEOUT: expired, nothing happens', async () => {
    const pid = fleetOnLoopback.gateway('pc-a').pid();
    const run = await runCliOnTerminal(['restart', 'pc-a'], { ...env, CONFIRM_TIMEOUT: '1s' }, { prompt: /never matches/, typed: '' });
    expect(run.code).toBe(1);
    expect(run.screen).toContain('Expired: no answer within 1s. Nothing was done.');
    expect(fleetOnLoopback.gateway('pc-a').pid()).toBe(pid);
    expect((await auditRecords())[0]).toMatchObject({ action: 'restart', target: 'pc-a', outcome: 'expired' });
  });
});

describe('no-go, force, and scripts', () => {
  test('no valid source anywhere: a no-go, nothing to confirm, nothing done (exit 1); --json says no_go', async () => {
    const pid = fleetOnLoopback.gateway('solo').pid();
    const run = await runCli(['restart', 'solo', '--yes', '--force-noninteractive'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NO-GO: no valid source for some tokens. This plan cannot be confirmed; fix the tokens first, or rerun with --force to restart anyway.');
    expect(run.stdout).toMatch(/NO-GO google-gemini-cli:solo@example\.com \(main\) · expired 1h( \d+[ms])? ago \(.*\) · no valid copy on any node, and no owner to refresh it/);
    expect(run.stdout).toMatch(/No-go for solo: nothing to confirm\. Nothing was done\.\n$/);
    const json = restartJson.parse(jsonOf(await runCli(['restart', 'solo', '--yes', '--force-noninteractive', '--json'], env)));
    expect(json).toMatchObject({ ok: false, outcome: 'no_go', confirmedBy: null, results: [] });
    expect(json.plans[0]?.verdict).toBe('no_go');
    expect(fleetOnLoopback.gateway('solo').pid()).toBe(pid);
  });

  test('--force restarts anyway and reports that the gateway did not come back ready (exit 1); the risk is audited', async () => {
    const pid = fleetOnLoopback.gateway('solo').pid();
    const run = await runCli(['restart', 'solo', '--force', '--yes', '--force-noninteractive', '--json'], env);
    expect(run.code).toBe(1);
    const json = restartJson.parse(jsonOf(run));
    expect(json).toMatchObject({ ok: false, outcome: 'failed', force: true, confirmedBy: 'flags' });
    expect(json.plans[0]?.verdict).toBe('forced');
    expect(json.results[0]).toMatchObject({ node: 'solo', outcome: 'not_ready', message: expect.stringMatching(/^the gateway was not ready again within the deadline/) });
    expect(fleetOnLoopback.gateway('solo').pid()).not.toBe(pid);
    const confirmation = (await auditRecords()).find((record) => record.action === 'restart confirmation');
    expect(confirmation).toMatchObject({ target: 'solo (force)', detail: expect.stringMatching(/^plan by cli:\S+ \(unattended: --yes --force-noninteractive\); FORCED: google-gemini-cli:solo@example\.com will load expired/) });
  });

  test('restart all: a no-go on one node stops the whole rolling restart before anything runs', async () => {
    const json = restartJson.parse(jsonOf(await runCli(['restart', 'all', '--yes', '--force-noninteractive', '--json'], env)));
    expect(json.outcome).toBe('no_go');
    expect(json.plans.map((plan) => plan.node)).toEqual(['pc-a', 't440', 'solo']);
  });

  test('a rolling restart, one node at a time: progress on stderr only, every node ready, exit 0', async () => {
    const pids = [fleetOnLoopback.gateway('pc-a').pid(), fleetOnLoopback.gateway('t440').pid()];
    const run = await runCli(['restart', 'all', '--raise-capacity', '--yes', '--force-noninteractive', '--json'], goodFleetEnv);
    expect(run.code).toBe(0);
    const json = restartJson.parse(jsonOf(run));
    expect(json).toMatchObject({ ok: true, outcome: 'done', confirmedBy: 'flags', untouched: [] });
    expect(json.results.map((result) => [result.node, result.outcome])).toEqual([['pc-a', 'ready'], ['t440', 'ready']]);
    expect(json.plans[1]?.capacityChange).toEqual({ from: 4, to: 12 });
    const progress = run.stderr.trim().split('\n');
    expect(progress[0]).toMatch(/^\[1\/2\] pc-a: restarting the gateway on pc-a/);
    expect(progress).toContain('[2/2] t440: raising maxConcurrent to 12…');
    expect(progress.at(-1)).toMatch(/^\[2\/2\] t440: restarting the gateway on t440/);
    expect(fleetOnLoopback.gateway('pc-a').pid()).not.toBe(pids[0]);
    expect(fleetOnLoopback.gateway('t440').pid()).not.toBe(pids[1]);
  });
});
