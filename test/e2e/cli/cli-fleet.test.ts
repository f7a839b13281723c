import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditJson, capacityJson, failureJson, preflightJson, refreshJson, statusJson, syncJson } from '../../../src/cli/json/output-shapes.js';
import { auditRecords } from '../../support/audit-records.js';
import { jsonOf, runCli } from '../../support/cli-process.js';
import { startOAuthServer, type RotatingOAuthServer } from '../../support/oauth-server.js';
import { capturedOutput, freePort, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../../support/processes.js';
import { findSecrets } from '../../support/secret-scan.js';
import { agentDir, buildStateDir, DAY, HOUR, listBackups, newNodeKeyHex, oauth, openclawJson5, readStore, secret, storePath } from '../../support/state-dir.js';

/*
 * Every read and sync subcommand of the CLI against real agents on loopback, as a person
 * (text) and as a script (--json) would run it: status, preflight, capacity, sync, refresh
 * and audit, with the incident's fleet (t440 expired, 15 agents on maxConcurrent 4, pc-a
 * fresh and the owner), a third node for a sync to many, and a fleet with a dead node.
 */

let oauthServer: RotatingOAuthServer;
const agents: Record<string, RunningAgent> = {};
const gateways: Record<string, StandInGateway> = {};
const states: Record<string, string> = {};
let env: Record<string, string>;
let deadEnv: Record<string, string>;
let stateUrl: string;

const fifteen = Array.from({ length: 15 }, (_, i) => (i === 0 ? 'main' : `agent${i}`));
const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';

beforeAll(async () => {
  oauthServer = await startOAuthServer();
  const now = Date.now();
  const pcaAnthropic = oauth('anthropic', 7 * HOUR, { email: 'ops@example.com' }, now);
  oauthServer.issue(pcaAnthropic.refresh);
  states['pc-a'] = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: pcaAnthropic, [CODEX]: oauth('openai-codex', 9 * DAY, { accountId: 'acc-1' }, now) } } }, openclawJson5: openclawJson5(['main'], 8) });
  states.t440 = buildStateDir({
    layout: 'legacy',
    agents: {
      main: { profiles: { [ANTHROPIC]: oauth('anthropic', -2 * HOUR, {}, now), [CODEX]: oauth('openai-codex', -1 * HOUR, { accountId: 'acc-1' }, now) } },
      coder: { profiles: { [ANTHROPIC]: oauth('anthropic', -2 * HOUR, {}, now) } },
      writer: { profiles: { 'openai:default': { type: 'api_key', provider: 'openai', key: secret('writer-key') } } },
    },
    openclawJson5: openclawJson5(fifteen, 4),
  });
  states.t441 = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: oauth('anthropic', -3 * HOUR, {}, now) } } }, openclawJson5: openclawJson5(['main'], 4) });
  const providers = path.join(states['pc-a'], 'providers.json');
  // Both owned providers point at loopback: a refresh of everything pc-a owns must not leave it.
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: 'test' }, 'openai-codex': { tokenUrl: `http://127.0.0.1:${await freePort()}/token`, clientId: 'x' } }));

  env = {};
  const nodes = [];
  for (const name of ['pc-a', 't440', 't441']) {
    gateways[name] = await startStandInGateway(states[name]!, 100);
    const keyHex = newNodeKeyHex();
    agents[name] = await startAgent({
      TOKENOPS_NODE: name,
      TOKENOPS_AGENT_KEY: keyHex,
      OPENCLAW_STATE_DIR: states[name]!,
      TOKENOPS_GATEWAY_URL: gateways[name]!.url,
      TOKENOPS_RESTART_CMD: gateways[name]!.restartCmd,
      TOKENOPS_CONFIG_SET_CMD: gateways[name]!.configSetCmd,
      ...(name === 'pc-a' ? { TOKENOPS_OAUTH_PROVIDERS: providers } : {}),
    });
    const keyEnv = `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`;
    env[keyEnv] = keyHex;
    nodes.push({ name, url: agents[name]!.url, keyEnv });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-cli-fleet-'));
  const fleetFile = path.join(dir, 'fleet.json');
  // Warn 3h ahead: pc-a's 7h token counts as healthy, as the incident's fresh node did.
  writeFileSync(fleetFile, JSON.stringify({ nodes, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' }, alerts: { warnBefore: '3h', criticalBefore: '1h' }, renew: { auto: false } }));
  stateUrl = `sqlite://${path.join(dir, 'state.sqlite')}`;
  env = { ...env, TOKENOPS_FLEET: fleetFile, TOKENOPS_STATE: stateUrl };
  const deadFleet = path.join(dir, 'fleet-with-a-dead-node.json');
  writeFileSync(deadFleet, JSON.stringify({ nodes: [nodes[0], { name: 'gone', url: `http://127.0.0.1:${await freePort()}`, keyEnv: 'TOKENOPS_KEY_GONE' }] }));
  deadEnv = { ...env, TOKENOPS_FLEET: deadFleet, TOKENOPS_KEY_GONE: newNodeKeyHex() };
}, 60_000);

afterAll(async () => {
  for (const agent of Object.values(agents)) await agent.stop();
  for (const gateway of Object.values(gateways)) await gateway.stop();
  await oauthServer?.stop();
  killAllSpawned();
  const records = await auditRecords(stateUrl, 1000);
  expect(findSecrets([...capturedOutput, JSON.stringify(records)])).toEqual([]);
});

const DISCORD_MARKUP = /<t:\d+|\*\*|<@&/;

describe('status', () => {
  test('the incident in text: t440 expired and its gateway not ready, pc-a the owner; exit 1 with the failed checks', async () => {
    const run = await runCli(['status'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Fleet token status: 3 nodes · 1 gateway ready · 3 expired · 1 missing \(checked \d{4}-\d\d-\d\d \d\d:\d\dZ\)\n/);
    expect(run.stdout).toMatch(/^t440  EXPIRED · gateway NOT ready · 15 agents \/ maxConcurrent 4$/m);
    expect(run.stdout).toMatch(/^  EXPIRED      anthropic:default\s+expired 2h( \d+[ms])? ago \(\d{4}-\d\d-\d\d \d\d:\d\dZ\) · token B · 2 agents \(main, coder\) · NOT the owner's token \(owner pc-a\) · agents hold different tokens$/m);
    expect(run.stdout).toMatch(/^pc-a  ok · gateway ready · 1 agent \/ maxConcurrent 8$/m);
    expect(run.stdout).toMatch(/^  ok\s+anthropic:default\s+expires in 6h \d+m \(.*\) · owner · token A$/m);
    expect(run.stdout).toMatch(/\n5 checks failed:\n  - t440: gateway not ready\n  - t440: anthropic:default expired\n  - t440: openai-codex:ops@example\.com expired\n  - t441: gateway not ready\n  - t441: anthropic:default expired\n$/);
    expect(run.stdout).not.toMatch(DISCORD_MARKUP);
    expect(run.stderr).toBe('');
  });

  test('--json: the documented shape, ok false, the failures listed', async () => {
    const run = await runCli(['status', '--json'], env);
    expect(run.code).toBe(1);
    const json = statusJson.parse(jsonOf(run));
    expect(json.ok).toBe(false);
    expect(json.failures).toEqual(expect.arrayContaining(['t440: gateway not ready', 't440: anthropic:default expired', 't441: anthropic:default expired']));
    const pca = json.nodes.find((node) => node.name === 'pc-a')!;
    expect(pca.profiles.find((cell) => cell.profileId === ANTHROPIC)).toMatchObject({ health: 'ok', isOwner: true, tokenTag: 'A' });
    expect(json.nodes.find((node) => node.name === 't440')?.capacity).toEqual({ agentCount: 15, maxConcurrent: 4 });
  });

  test('one healthy node: exit 0', async () => {
    const run = await runCli(['status', 'pc-a'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^t440/m);
    expect(run.stdout).toMatch(/\n\nAll checks passed\.\n$/);
    expect(statusJson.parse(jsonOf(await runCli(['status', 'pc-a', '--json'], env))).ok).toBe(true);
  });

  test('a node that does not answer: shown as unreachable, exit 1', async () => {
    const run = await runCli(['status'], deadEnv);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^gone  UNREACHABLE · unreachable: cannot connect/m);
    expect(run.stdout).toContain('- gone: the agent did not answer (unreachable)');
  });
});

describe('preflight', () => {
  test('t440: the expired tokens with the sync-first fix, the reconnect warning with 12, the steps; exit 1', async () => {
    const run = await runCli(['preflight', 't440'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Restart t440 · plan\nGO AFTER THE FIXES below: they run first, then the restart.');
    expect(run.stdout).toMatch(/^  FIX   anthropic:default \(main, coder\) · expired 2h( \d+[ms])? ago \(.*\) → sync from pc-a first$/m);
    expect(run.stdout).toMatch(/^  FIX   openai-codex:ops@example\.com \(main\) · expired .* → sync from pc-a first$/m);
    expect(run.stdout).toContain('  WARN  15 agents reconnect at once: expected burst 8–10 against maxConcurrent 4. Suggested: 12 (tokenops capacity t440 --set 12, or rerun with --raise-capacity).');
    expect(run.stdout).toMatch(/What will run:\n  1\. sync anthropic:default, openai-codex:ops@example\.com from pc-a to t440\n  2\. restart the gateway on t440/);
    expect(run.stdout).toMatch(/\n\nPreflight: t440 needs the fixes above first \(tokenops restart runs them\)\.\n$/);
    expect(run.stdout).not.toMatch(DISCORD_MARKUP);
  });

  test('pc-a is a go (exit 0); all, as --json, plans every node', async () => {
    const go = await runCli(['preflight', 'pc-a'], env);
    expect(go.code).toBe(0);
    expect(go.stdout).toContain('GO: every OAuth profile stays valid past the margin.');
    const all = preflightJson.parse(jsonOf(await runCli(['preflight', 'all', '--json', '--raise-capacity'], env)));
    expect(all.ok).toBe(false);
    expect(all.plans.map((plan) => [plan.node, plan.verdict])).toEqual([['pc-a', 'go'], ['t440', 'go_after_fixes'], ['t441', 'go_after_fixes']]);
    expect(all.plans[1]?.capacityChange).toEqual({ from: 4, to: 12 });
    expect(all.plans[1]?.checks.find((check) => check.profileId === ANTHROPIC)?.fix).toEqual({ kind: 'sync', from: 'pc-a' });
  });

  test('a longer margin turns pc-a\'s 7h token into one that needs a fix', async () => {
    const json = preflightJson.parse(jsonOf(await runCli(['preflight', 'pc-a', '--margin', '8h', '--json'], env)));
    expect(json.plans[0]?.marginMs).toBe(8 * HOUR);
    expect(json.plans[0]?.checks.find((check) => check.profileId === ANTHROPIC)?.staysValid).toBe(false);
  });
});

describe('capacity', () => {
  test('t440 exceeds (exit 1, the suggestion); --set 12 sets it through the agent (exit 0); then within capacity', async () => {
    const shown = await runCli(['capacity', 't440'], env);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe('t440: 15 agents, maxConcurrent 4.\nA restart reconnects them at once: expected burst 8–10.\nWARNING: that exceeds maxConcurrent; suggested 12 (tokenops capacity t440 --set 12).\n');
    const set = await runCli(['capacity', 't440', '--set', '12', '--json'], env);
    expect(set.code).toBe(0);
    expect(capacityJson.parse(jsonOf(set))).toMatchObject({ ok: true, node: 't440', changed: { from: 4, to: 12 }, capacity: { maxConcurrent: 12 } });
    expect(readFileSync(path.join(states.t440!, 'openclaw.json'), 'utf8')).toMatch(/"maxConcurrent": 12/);
    const after = await runCli(['capacity', 't440'], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/Within capacity\.\n$/);
  });
});

describe('sync', () => {
  test('an expired source is refused in plain words (exit 1), naming the CLI remedy', async () => {
    const run = await runCli(['sync', 't440', 'pc-a'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^tokenops sync: nothing to sync from t440: anthropic:default: expired on t440 2h( \d+[ms])? ago \(.*\); openai-codex:ops@example\.com: expired on t440 .*\. Refresh on the owner first \(tokenops refresh <owner>\)\.\n$/);
    const json = failureJson.parse(jsonOf(await runCli(['sync', 't440', 'pc-a', '--json'], env)));
    expect(json.error).toMatchObject({ kind: 'refused', code: 'nothing_to_sync' });
  });

  test('a dry run shows the plan and writes nothing, byte for byte', async () => {
    const files = ['main', 'coder', 'writer'].map((agent) => storePath(states.t440!, agent));
    const before = files.map((file) => readFileSync(file, 'utf8'));
    const run = await runCli(['sync', 'pc-a', 't440', '--dry-run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Sync pc-a → t440 · dry run, nothing written\n/);
    expect(run.stdout).toMatch(/^t440: would update 2 profiles$/m);
    expect(run.stdout).toMatch(/^  would update anthropic:default in main, coder: 2h( \d+[ms])? ago \(.*\) → in 6h \d+m \(.*\)$/m);
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(before);
    expect(listBackups(states.t440!, 'main')).toEqual([]);
    const json = syncJson.parse(jsonOf(await runCli(['sync', 'pc-a', 't440', '--dry-run', '--json'], env)));
    expect(json).toMatchObject({ ok: true, command: 'sync', from: 'pc-a', to: 't440', dryRun: true, outcome: 'planned' });
  });

  test('pc-a → all: both followers get the owner\'s tokens, progress on stderr, the report on stdout', async () => {
    const run = await runCli(['sync', 'pc-a', 'all', '--profile', ANTHROPIC, '--json'], env);
    expect(run.code).toBe(0);
    const json = syncJson.parse(jsonOf(run));
    expect(json.outcome).toBe('ok');
    expect(Object.fromEntries(json.targets.map((target) => [target.node, target.ok && target.updated]))).toEqual({ t440: [ANTHROPIC], t441: [ANTHROPIC] });
    const [start, ...progress] = run.stderr.trim().split('\n');
    expect(start).toBe('sync pc-a → 2 nodes: exporting from pc-a…');
    expect(progress).toHaveLength(2);
    expect(progress).toEqual(expect.arrayContaining([expect.stringMatching(/^sync pc-a → t440: updated anthropic:default \([12]\/2\)$/), expect.stringMatching(/^sync pc-a → t441: updated anthropic:default \([12]\/2\)$/)]));
    const source = readStore(states['pc-a']!, 'main').profiles[ANTHROPIC]!;
    expect(readStore(states.t440!, 'coder').profiles[ANTHROPIC]?.access).toBe(source.access);
    expect(readStore(states.t441!, 'main').profiles[ANTHROPIC]?.access).toBe(source.access);
    // OpenClaw's own state fields and the other stores are left as they were.
    expect(readStore(states.t440!, 'main').usageStats).toBeDefined();
    expect(readFileSync(path.join(agentDir(states.t440!, 'writer'), 'auth-profiles.json'), 'utf8')).toContain('"api_key"');

    const text = await runCli(['sync', 'pc-a', 't440'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^t440: updated 1 profile\n  updated openai-codex:ops@example\.com in main: .* → .*\n  kept anthropic:default in main, coder: already the same token$/m);
  });
});

describe('refresh', () => {
  test('a follower is told who the owner is, with the CLI command (exit 1), and nothing is asked of the OAuth server', async () => {
    const grants = oauthServer.grants;
    const run = await runCli(['refresh', 't440', '--profile', ANTHROPIC], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\ntokenops refresh: t440 does not own anthropic:default: only pc-a refreshes it \(the owner\), t440 receives it by sync\. Use: tokenops refresh pc-a --profile anthropic:default\n$/);
    expect(run.stdout).toBe('');
    expect(oauthServer.grants).toBe(grants);
  });

  test('on the owner: one grant against the OAuth server, the new token on every follower at once', async () => {
    const grants = oauthServer.grants;
    const run = await runCli(['refresh', 'pc-a', '--profile', ANTHROPIC, '--json'], env);
    expect(run.code).toBe(0);
    expect(oauthServer.grants).toBe(grants + 1);
    const json = refreshJson.parse(jsonOf(run));
    expect(json.results).toEqual([expect.objectContaining({ profileId: ANTHROPIC, outcome: 'refreshed', rotated: true, stores: ['main'] })]);
    expect(json.followerSync?.outcome).toBe('ok');
    expect(run.stderr).toMatch(/^refreshing anthropic:default on pc-a…$/m);
    expect(run.stderr).toMatch(/^synced the new credentials to 2 of 2 other nodes$/m);
    const owner = readStore(states['pc-a']!, 'main').profiles[ANTHROPIC]!;
    for (const [node, agent] of [['t440', 'main'], ['t440', 'coder'], ['t441', 'main']] as const) expect(readStore(states[node]!, agent).profiles[ANTHROPIC]?.refresh).toBe(owner.refresh);
  });

  test('everything pc-a owns, in text: one refreshed, one that fails (its endpoint is down) → exit 1', async () => {
    const run = await runCli(['refresh', 'pc-a'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Refresh on pc-a\n/);
    expect(run.stdout).toMatch(/^  refreshed anthropic:default: now expires in \d+h/m);
    expect(run.stdout).toMatch(/^  FAILED openai-codex:ops@example\.com \(\w+\) after \d+ tries; nothing changed\. It can be tried again\.$/m);
  });
});

describe('audit', () => {
  test('every mutation above is in the audit log as the CLI user\'s, the bot\'s format; usage errors are not', async () => {
    const run = await runCli(['audit', '--limit', '50', '--json'], env);
    expect(run.code).toBe(0);
    const { records, location } = auditJson.parse(jsonOf(run));
    expect(location).toBe(`sqlite:${stateUrl.slice('sqlite://'.length)}`);
    expect(records.every((record) => record.actor.via === 'cli' && /^cli:\S+$/.test(record.actor.name))).toBe(true);
    const lines = records.map((record) => `${record.action} | ${record.target} | ${record.outcome}`).reverse();
    expect(lines).toEqual([
      'capacity set | t440 | ok',
      'tokens sync | t440 → pc-a | refused',
      'tokens sync | t440 → pc-a | refused',
      'tokens sync (dry run) | pc-a → t440 | planned',
      'tokens sync (dry run) | pc-a → t440 | planned',
      'tokens sync | pc-a → all (anthropic:default) | ok',
      'tokens sync | pc-a → t440 | ok',
      'tokens refresh | t440 (anthropic:default) | refused',
      'tokens refresh | pc-a (anthropic:default) | ok',
      'tokens sync (after refresh) | pc-a → all | ok',
      'tokens refresh | pc-a | partial',
      'tokens sync (after refresh) | pc-a → all | ok',
    ]);
    const text = await runCli(['audit', '--limit', '3'], env);
    expect(text.stdout).toMatch(/^Audit log \(sqlite:.*\) · latest 3, newest first\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  ok\s+tokens sync \(after refresh\) pc-a → all · cli:\S+ \(cli\) — t440: updated anthropic:default; t441: updated anthropic:default/);
  });
});
