import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { discoverStores } from '../../src/agent/store/discover-stores.js';
import { AgentClient } from '../../src/fleet/agent-client.js';
import { capacityResponseSchema, refreshResponseSchema, restartResponseSchema, statusResponseSchema } from '../../src/protocol/agent-api.js';
import { seal } from '../../src/protocol/sealing.js';
import { configSetCommand, gatewayRestartCommand, superviseGateway, waitForReadyz } from '../../src/demo/openclaw/openclaw-gateway.js';
import { startOAuthServer } from '../support/oauth-server.js';
import { capturedOutput, freePort, killAllSpawned, startAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { HOUR, newNodeKeyHex, secret } from '../support/state-dir.js';
import { OPENCLAW_CACHE, openclawHome, VERSIONS, type OpenClawHome } from './openclaw-cli.js';

/*
 * tokenops against the real OpenClaw, one pinned version of each store era. Profiles are
 * made with OpenClaw's own CLI (paste-token) and, for OAuth, written through our adapter;
 * then our agent's status must agree with `openclaw models status --json`, and credentials
 * our agent imports must be what OpenClaw then reads.
 */

afterAll(() => killAllSpawned());

if (!existsSync(path.join(OPENCLAW_CACHE, 'manifest.json'))) throw new Error(`no OpenClaw install in ${OPENCLAW_CACHE}: run scripts/openclaw/install.sh (npm run test:openclaw does)`);

// 2026.9.6 moves the shared store into the state database on its first shared write
// (paste-token here), since the state dir holds no legacy store to migrate.
const expectedKind = { '2026.6.1': 'auth-profiles-json', '2026.6.5': 'openclaw-agent-sqlite', '2026.9.6': 'openclaw-state-sqlite' } as const;

/**
 * Real OpenClaw takes its own store write path (openclaw-holds-lock.mjs) and holds it for
 * holdMs while writing a token profile; resolves once it is held. `done` ends with its
 * output, whose last line carries `releasedAt`.
 */
async function openclawHoldsStore(oc: OpenClawHome, profileId: string, token: string, holdMs: number) {
  const holder = path.join(process.cwd(), 'test/conformance/openclaw-holds-lock.mjs');
  const agentDir = path.join(oc.stateDir, 'agents', 'main', 'agent');
  const marker = path.join(oc.root, `held-${profileId.replace(/\W/g, '-')}`);
  const done = oc.runScript(holder, [oc.dist, agentDir, profileId, token, String(holdMs), marker], 120_000);
  while (!existsSync(marker)) {
    const early = await Promise.race([done, new Promise((resolve) => setTimeout(() => resolve(undefined), 100))]);
    if (early) throw new Error(`OpenClaw's write ended before it held the store: ${JSON.stringify(early)}`);
  }
  return { heldAt: Number(readFileSync(marker, 'utf8')), done };
}

/**
 * A real gateway with OpenClaw's admin RPC on (turned on as docs/install-node.md tells an
 * operator, through OpenClaw's own CLI, with maxConcurrent 4), under the supervisor on a
 * port of its own and ready, and our agent beside it with `agentEnv` on top.
 */
async function adminRpcGatewayWithAgent(oc: OpenClawHome, agentEnv: (port: number) => Record<string, string>) {
  for (const [key, value] of [['plugins.entries.admin-http-rpc.enabled', 'true'], ['agents.defaults.maxConcurrent', '4']] as const) {
    const set = await oc.run(['config', 'set', key, value]);
    expect(set.code, set.stderr).toBe(0);
  }
  const port = await freePort();
  superviseGateway(oc, port, 'start');
  const keyHex = newNodeKeyHex();
  const agent = await startAgent({ TOKENOPS_NODE: 'oc', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: oc.stateDir, TOKENOPS_GATEWAY_URL: `http://127.0.0.1:${port}`, TOKENOPS_READY_DEADLINE: '90s', ...agentEnv(port) });
  const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 180_000 });
  try {
    await waitForReadyz(`http://127.0.0.1:${port}`, 180_000, path.join(oc.root, 'gateway.out'));
  } catch (error) {
    await agent.stop();
    superviseGateway(oc, port, 'stop');
    throw error;
  }
  return { port, agent, client, keyHex };
}

describe.each(VERSIONS)('openclaw %s', (version) => {
  test('status agrees with `openclaw models status --json`; an import is what OpenClaw reads next; a capacity change shows in both', async () => {
    const oc = openclawHome(version);
    const token = `sk-ant-oat01-${secret('conformance').replace(/[^a-zA-Z0-9]/g, '')}${'x'.repeat(60)}`;
    const pasted = await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '12h'], `${token}\n`);
    expect(pasted.code, pasted.stderr).toBe(0);

    // OAuth profiles written through our own adapter, into the store OpenClaw created.
    const stores = await discoverStores(oc.stateDir);
    expect(stores.map((store) => store.kind)).toContain(expectedKind[version]);
    const main = stores.find((store) => store.kind === expectedKind[version])!;
    const now = Date.now();
    const live = { type: 'oauth', provider: 'openai-codex', access: secret('oc-codex-access'), refresh: secret('oc-codex-refresh'), expires: now + 9 * 24 * HOUR, accountId: 'acc' };
    const dead = { type: 'oauth', provider: 'anthropic', access: secret('oc-anthropic-access'), refresh: secret('oc-anthropic-refresh'), expires: now - 2 * HOUR };
    await main.update((profiles) => {
      profiles['openai-codex:ops@example.com'] = live;
      profiles['anthropic:default'] = dead;
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });

    const keyHex = newNodeKeyHex();
    // No gateway runs here (port 9): capacity goes through the real CLI.
    const agent = await startAgent({ TOKENOPS_NODE: 'oc', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: oc.stateDir, TOKENOPS_CONFIG_SET_CMD: configSetCommand(version), TOKENOPS_GATEWAY_URL: 'http://127.0.0.1:9' });
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 120_000 });
    try {
      const ours = statusResponseSchema.parse(await client.request('GET', '/v1/status'));
      const theirs = await oc.modelsStatus();
      const byId = (id: string) => ({ ours: ours.profiles.find((p) => p.profileId === id), theirs: theirs.find((p) => p.profileId === id) });
      for (const id of ['anthropic:manual', 'openai-codex:ops@example.com']) {
        const { ours: mine, theirs: openclaw } = byId(id);
        expect(openclaw, `${id} missing in OpenClaw's status`).toBeDefined();
        expect(mine?.type).toBe(openclaw?.type);
        expect(Date.parse(mine!.expiresAt!)).toBe(openclaw?.expiresAt);
        expect(mine?.health).toBe(openclaw?.status);
      }
      // Where a difference would be on purpose: an expired OAuth access token with a refresh
      // token is `expired` to us whatever OpenClaw says, because a restart reloads it as it
      // is. The three pinned versions say `expired` too (printed), so there is none today.
      const difference = byId('anthropic:default');
      console.log(`openclaw ${version}: an expired OAuth access token with a refresh token is "${difference.theirs?.status}" to OpenClaw, "${difference.ours?.health}" to tokenops`);
      expect(difference.ours?.health).toBe('expired');
      expect(difference.theirs?.expiresAt).toBe(dead.expires);

      // Our import (fresher credentials) is what OpenClaw reads next.
      const fresh = { access: secret('oc-fresh-access'), refresh: secret('oc-fresh-refresh'), expires: now + 8 * HOUR };
      const sealed = seal(Buffer.from(keyHex, 'hex'), 'import:oc', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: fresh }] });
      const imported = await client.call('POST', '/v1/import', { sealed });
      expect(imported.status).toBe(200);
      const after = await oc.modelsStatus();
      expect(after.find((p) => p.profileId === 'anthropic:default')?.expiresAt).toBe(fresh.expires);
      expect(after.find((p) => p.profileId === 'anthropic:manual')?.expiresAt).toBe(byId('anthropic:manual').theirs?.expiresAt);

      // maxConcurrent through `openclaw config set`: in `openclaw config get` and in our status.
      const set = capacityResponseSchema.parse(await client.request('POST', '/v1/capacity', { maxConcurrent: 12 }, 120_000));
      expect(set.changed).toMatchObject({ to: 12, via: 'cli' });
      const got = await oc.run(['config', 'get', 'agents.defaults.maxConcurrent']);
      expect(got.stdout.trim()).toMatch(/12/);
      expect(statusResponseSchema.parse(await client.request('GET', '/v1/status')).capacity.maxConcurrent).toBe(12);
    } finally {
      await agent.stop();
    }
    expect(capturedOutput.join('\n')).not.toContain(token);
  }, 300_000);

  test("capacity through the running gateway's admin RPC (no CLI); then our restart path restarts it, waits for its real /readyz, and the synced tokens and capacity are what it runs with", async () => {
    const oc = openclawHome(version);
    const { port, agent, client, keyHex } = await adminRpcGatewayWithAgent(oc, (port) => ({
      TOKENOPS_RESTART_CMD: gatewayRestartCommand(oc, port),
      // Were the CLI used, the change would fail: only the gateway can make it.
      TOKENOPS_CONFIG_SET_CMD: 'openclaw-not-installed config set',
    }));
    try {
      const started = Date.now();
      const capacity = capacityResponseSchema.parse(await client.request('POST', '/v1/capacity', { maxConcurrent: 12 }, 60_000));
      console.log(`openclaw ${version}: maxConcurrent 4 → 12 through the gateway's admin RPC in ${Date.now() - started} ms`);
      expect(capacity.changed).toEqual({ from: 4, to: 12, via: 'gateway' });
      const got = await oc.run(['config', 'get', 'agents.defaults.maxConcurrent']);
      expect(got.stdout.trim().split('\n').at(-1)).toBe('12');

      // A profile made by OpenClaw, then fresher credentials synced in by us.
      const pasted = await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'y'.repeat(90)}\n`);
      expect(pasted.code, pasted.stderr).toBe(0);
      const synced = `sk-ant-oat01-${secret('oc-synced').replace(/[^a-zA-Z0-9]/g, '')}${'z'.repeat(40)}`;
      const expires = Date.now() + 20 * HOUR;
      const sealed = seal(Buffer.from(keyHex, 'hex'), 'import:oc', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'anthropic:manual', type: 'token', provider: 'anthropic', sourceAgentId: 'main', fields: { token: synced, expires } }] });
      expect((await client.call('POST', '/v1/import', { sealed })).status).toBe(200);
      const pidBefore = readFileSync(path.join(oc.root, 'gateway.pid'), 'utf8');
      const restart = restartResponseSchema.parse(await client.request('POST', '/v1/restart', {}, 180_000));
      console.log(`openclaw ${version}: restart ${restart.outcome}, command ${restart.command.durationMs} ms, ready after ${restart.readyAfterMs} ms`);
      expect(restart.outcome).toBe('ready');
      expect(readFileSync(path.join(oc.root, 'gateway.pid'), 'utf8')).not.toBe(pidBefore);
      expect(restart.gateway.ready).toBe(true);
      // After the restart, the store holds what we synced (the gateway did not rewrite it).
      const stores = await discoverStores(oc.stateDir);
      const held = await Promise.all(stores.map((store) => store.read()));
      expect(held.some((read) => read.ok && (read.profiles['anthropic:manual'] as { token?: string } | undefined)?.token === synced)).toBe(true);
      expect((await oc.modelsStatus()).find((profile) => profile.profileId === 'anthropic:manual')?.expiresAt).toBe(expires);
      expect(statusResponseSchema.parse(await client.request('GET', '/v1/status')).capacity.maxConcurrent).toBe(12);
    } finally {
      await agent.stop();
      superviseGateway(oc, port, 'stop');
    }
  }, 420_000);

  test("restart through the gateway (TOKENOPS_RESTART_VIA=gateway, no restart command): OpenClaw restarts in its process, and our agent waits for the new one's /readyz", async () => {
    const oc = openclawHome(version);
    const { port, agent, client } = await adminRpcGatewayWithAgent(oc, () => ({
      TOKENOPS_RESTART_VIA: 'gateway',
      // Were the command run, the restart would fail: only the gateway can make it.
      TOKENOPS_RESTART_CMD: 'openclaw-not-installed gateway restart',
    }));
    try {
      const status = statusResponseSchema.parse(await client.request('GET', '/v1/status'));
      expect(status.agent?.restartVia).toBe('gateway');
      const pidBefore = readFileSync(path.join(oc.root, 'gateway.pid'), 'utf8');
      const restart = restartResponseSchema.parse(await client.request('POST', '/v1/restart', {}, 180_000));
      console.log(`openclaw ${version}: restart through the gateway ${restart.outcome}, agreed in ${restart.command.durationMs} ms, ready after ${restart.readyAfterMs} ms`);
      expect(restart).toMatchObject({ outcome: 'ready', via: 'gateway', command: { argv0: 'gateway.restart.request', exitCode: 0 } });
      // The same process (OPENCLAW_NO_RESPAWN), started again: younger than the restart.
      expect(readFileSync(path.join(oc.root, 'gateway.pid'), 'utf8')).toBe(pidBefore);
      expect(restart.gateway.ready).toBe(true);
      expect(restart.gateway.uptimeMs).toBeLessThan(restart.totalMs);
    } finally {
      await agent.stop();
      superviseGateway(oc, port, 'stop');
    }
  }, 420_000);

  test("while our agent holds a store's lock, an OpenClaw write waits and does not clobber ours", async () => {
    const oc = openclawHome(version);
    expect((await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'a'.repeat(90)}\n`)).code).toBe(0);
    const store = (await discoverStores(oc.stateDir)).find((candidate) => candidate.kind === expectedKind[version])!;
    const ours = { type: 'oauth', provider: 'openai-codex', access: secret('oc-lock-access'), refresh: secret('oc-lock-refresh'), expires: Date.now() + 9 * 24 * HOUR };
    const theirToken = `sk-ant-oat01-${'b'.repeat(90)}`;
    let theirs: Promise<{ code: number | null; stderr: string }> | undefined;
    const started = Date.now();
    await store.update(async (profiles) => {
      profiles['openai-codex:ops@example.com'] = ours;
      // OpenClaw writes while we hold the lock (and have read the store).
      theirs = oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '3h'], `${theirToken}\n`);
      // Longer than the CLI takes to reach its write (about 7 s to start on these machines).
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });
    const result = await theirs!;
    console.log(`openclaw ${version}: its write waited for our lock and finished ${Date.now() - started} ms after we took it (exit ${result.code})`);
    expect(result.code, result.stderr).toBe(0);
    const after = await store.read();
    expect(after.ok).toBe(true);
    if (!after.ok) return;
    // Both writes are there: ours was not clobbered, theirs was not lost.
    expect(after.profiles['openai-codex:ops@example.com']).toMatchObject({ access: ours.access });
    expect((after.profiles['anthropic:manual'] as { token?: string }).token).toBe(theirToken);
  }, 300_000);

  test('while a real OpenClaw holds the store, our import waits for it and writes on top; past our lock wait it gives up and writes nothing', async () => {
    const oc = openclawHome(version);
    expect((await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'e'.repeat(90)}\n`)).code).toBe(0);
    const store = (await discoverStores(oc.stateDir)).find((candidate) => candidate.kind === expectedKind[version])!;
    const [firstAccess, refusedAccess, waitedAccess] = [secret('oc-held-0'), secret('oc-held-refused'), secret('oc-held-1')];
    await store.update((profiles) => {
      profiles['openai-codex:ops@example.com'] = { type: 'oauth', provider: 'openai-codex', access: firstAccess, refresh: secret('oc-held-r0'), expires: Date.now() + HOUR };
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });
    const keyHex = newNodeKeyHex();
    const agent = await startAgent({ TOKENOPS_NODE: 'oc', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: oc.stateDir, TOKENOPS_LOCK_WAIT: '6s' });
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 60_000 });
    const openclawHolds = (profileId: string, token: string, holdMs: number) => openclawHoldsStore(oc, profileId, token, holdMs);
    const importCodex = (access: string) => {
      const sealed = seal(Buffer.from(keyHex, 'hex'), 'import:oc', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'openai-codex:ops@example.com', type: 'oauth', provider: 'openai-codex', sourceAgentId: 'main', fields: { access, refresh: secret('oc-held-refresh'), expires: Date.now() + 3 * HOUR } }] });
      return client.call('POST', '/v1/import', { sealed });
    };
    const codexAccess = async () => {
      const read = await store.read();
      return read.ok ? { codex: (read.profiles['openai-codex:ops@example.com'] as { access?: string }).access, profiles: read.profiles } : undefined;
    };
    try {
      // Held longer than our lock wait (6 s): we give up with lock_busy and write nothing.
      const longHold = await openclawHolds('anthropic:long-hold', `sk-ant-oat01-${'f'.repeat(90)}`, 15_000);
      const refused = await importCodex(refusedAccess);
      expect(refused.status).toBe(409);
      expect((refused.body as { error: { code: string } }).error.code).toBe('lock_busy');
      const longResult = await longHold.done;
      expect(longResult.code, longResult.stderr).toBe(0);
      const afterLong = await codexAccess();
      expect(afterLong?.codex).toBe(firstAccess);
      expect((afterLong?.profiles['anthropic:long-hold'] as { token?: string }).token).toBe(`sk-ant-oat01-${'f'.repeat(90)}`);

      // Held for less than our lock wait: we wait, then write on top of OpenClaw's write.
      const shortHold = await openclawHolds('anthropic:short-hold', `sk-ant-oat01-${'g'.repeat(90)}`, 2_500);
      const imported = await importCodex(waitedAccess);
      const answeredAt = Date.now();
      const shortResult = await shortHold.done;
      expect(shortResult.code, shortResult.stderr).toBe(0);
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      const releasedAt = (JSON.parse(shortResult.stdout.trim().split('\n').at(-1)!) as { releasedAt: number }).releasedAt;
      console.log(`openclaw ${version}: OpenClaw held its store ${releasedAt - shortHold.heldAt} ms; our import answered ${answeredAt - releasedAt} ms after it let go`);
      const afterShort = await codexAccess();
      // Neither write lost: OpenClaw's profile and our fresher token are both there.
      expect(afterShort?.codex).toBe(waitedAccess);
      expect((afterShort?.profiles['anthropic:short-hold'] as { token?: string }).token).toBe(`sk-ant-oat01-${'g'.repeat(90)}`);
      expect((await oc.modelsStatus()).map((profile) => profile.profileId)).toEqual(expect.arrayContaining(['anthropic:short-hold', 'openai-codex:ops@example.com']));
    } finally {
      await agent.stop();
    }
  }, 300_000);

  test("our renewal while a real OpenClaw holds the store waits for its lock, refreshes once, and `openclaw models status` reads the renewed expiry", async () => {
    const oc = openclawHome(version);
    expect((await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'j'.repeat(90)}\n`)).code).toBe(0);
    const store = (await discoverStores(oc.stateDir)).find((candidate) => candidate.kind === expectedKind[version])!;
    // A login due for renewal, in the store OpenClaw reads; the token endpoint knows its refresh token.
    const login = { type: 'oauth', provider: 'anthropic', access: secret('oc-renew-access'), refresh: secret('oc-renew-refresh'), expires: Date.now() + 20 * 60_000 };
    await store.update((profiles) => {
      profiles['anthropic:default'] = login;
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });
    const provider = await startOAuthServer();
    provider.issue(login.refresh);
    const providers = path.join(oc.root, 'providers.json');
    writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: provider.tokenUrl, clientId: 'client-oc' } }));
    const keyHex = newNodeKeyHex();
    const agent = await startAgent({ TOKENOPS_NODE: 'oc', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: oc.stateDir, TOKENOPS_OAUTH_PROVIDERS: providers });
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 60_000 });
    const status = async () => statusResponseSchema.parse(await client.request('GET', '/v1/status')).profiles.find((profile) => profile.profileId === 'anthropic:default');
    const refresh = async (body: unknown) => refreshResponseSchema.parse(await client.request('POST', '/v1/refresh', body, 60_000)).results;
    try {
      // The request renewal sends (renewal-plan.ts, renew-account.ts): only while the store
      // still holds the token it planned for, expiring no later than that token does.
      const planned = await status();
      expect(planned?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
      const renewal = { profiles: ['anthropic:default'], onlyIf: { fingerprint: planned!.fingerprint!, expiresBefore: new Date(login.expires + 1).toISOString() } };

      const theirToken = `sk-ant-oat01-${'k'.repeat(90)}`;
      const held = await openclawHoldsStore(oc, 'anthropic:held', theirToken, 3_000);
      const sentAt = Date.now();
      let answeredAt = 0;
      const renewing = refresh(renewal).finally(() => (answeredAt = Date.now()));
      // Mid-hold: our agent waits for OpenClaw's lock and has not asked the provider yet
      // (the grant belongs inside the lock, with the re-read).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(answeredAt).toBe(0);
      expect(provider.grants).toBe(0);
      const theirs = await held.done;
      expect(theirs.code, theirs.stderr).toBe(0);
      const releasedAt = (JSON.parse(theirs.stdout.trim().split('\n').at(-1)!) as { releasedAt: number }).releasedAt;
      const [result] = await renewing;
      console.log(`openclaw ${version}: our renewal waited ${releasedAt - sentAt} ms for OpenClaw's lock (held ${releasedAt - held.heldAt} ms), answered ${answeredAt - releasedAt} ms after it let go, ${answeredAt - sentAt} ms in all`);
      expect(answeredAt).toBeGreaterThanOrEqual(releasedAt);
      expect(result).toMatchObject({ profileId: 'anthropic:default', outcome: 'refreshed', rotated: true, previousExpiresAt: new Date(login.expires).toISOString() });
      // One grant, with the one refresh token the login had.
      expect(provider.grants).toBe(1);
      expect(provider.presented).toEqual([login.refresh]);
      const renewedExpires = Date.parse(result!.expiresAt!);
      expect(renewedExpires).toBeGreaterThan(login.expires);

      // OpenClaw reads the renewed token, and its own write made during the hold is still there.
      const openclaw = await oc.modelsStatus();
      expect(openclaw.find((profile) => profile.profileId === 'anthropic:default')?.expiresAt).toBe(renewedExpires);
      expect(openclaw.map((profile) => profile.profileId)).toContain('anthropic:held');
      const read = await store.read();
      expect(read.ok && (read.profiles['anthropic:held'] as { token?: string }).token).toBe(theirToken);
      // Our agent agrees.
      const ours = await status();
      expect(ours?.fingerprint).toBe(result!.fingerprint);
      expect(Date.parse(ours!.expiresAt!)).toBe(renewedExpires);

      // The same request again (the fingerprint is stale now): the store's token is newer than
      // it asks about, so renewal counts it renewed and nothing is spent.
      const [again] = await refresh(renewal);
      expect(again).toMatchObject({ outcome: 'already_refreshed', fingerprint: result!.fingerprint, expiresAt: result!.expiresAt });
      // The stale fingerprint with a bound past the renewed expiry: the store's copy is, to
      // that request, an older one, whose refresh token must not be spent.
      const [stale] = await refresh({ ...renewal, onlyIf: { ...renewal.onlyIf, expiresBefore: new Date(renewedExpires + HOUR).toISOString() } });
      expect(stale).toMatchObject({ outcome: 'stale_copy', fingerprint: result!.fingerprint });
      expect(provider.grants).toBe(1);
      expect(provider.reuses).toBe(0);
      expect(new Set(provider.presented).size).toBe(provider.presented.length);
      expect((await oc.modelsStatus()).find((profile) => profile.profileId === 'anthropic:default')?.expiresAt).toBe(renewedExpires);
    } finally {
      await agent.stop();
      await provider.stop();
    }
    expect(findSecrets(capturedOutput)).toEqual([]);
  }, 300_000);

  test.runIf(version === '2026.9.6')("writing an agent database, our agent holds a lease that OpenClaw counts as live, and OpenClaw reads the write after it", async () => {
    const oc = openclawHome(version);
    expect((await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'h'.repeat(90)}\n`)).code).toBe(0);
    // OpenClaw itself writes main's own agent database (beside the shared store).
    const agentDir = path.join(oc.stateDir, 'agents', 'main', 'agent');
    const holder = path.join(process.cwd(), 'test/conformance/openclaw-holds-lock.mjs');
    const made = await oc.runScript(holder, [oc.dist, agentDir, 'anthropic:agent-local', `sk-ant-oat01-${'i'.repeat(90)}`, '0', path.join(oc.root, 'made'), 'agent']);
    expect(made.code, made.stderr).toBe(0);
    const store = (await discoverStores(oc.stateDir)).find((candidate) => candidate.kind === 'openclaw-agent-sqlite' && candidate.agentId === 'main');
    expect(store, 'main has its own agent database').toBeDefined();
    const leasesScript = path.join(process.cwd(), 'test/conformance/openclaw-agent-leases.mjs');
    const liveLeases = async () => {
      const result = await oc.runScript(leasesScript, [oc.dist]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { owner_pid: number; path: string; agent_id: string }[];
    };
    const ours = { type: 'oauth', provider: 'openai-codex', access: secret('oc-lease-access'), refresh: secret('oc-lease-refresh'), expires: Date.now() + 9 * 24 * HOUR };
    let during: { owner_pid: number; path: string; agent_id: string }[] = [];
    await store!.update(async (profiles) => {
      during = await liveLeases();
      profiles['openai-codex:lease@example.com'] = ours;
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });
    console.log(`openclaw ${version}: live agent-database leases while we wrote: ${JSON.stringify(during.map((lease) => ({ agent: lease.agent_id, pid: lease.owner_pid === process.pid ? 'ours' : lease.owner_pid })))}`);
    expect(during).toEqual([expect.objectContaining({ owner_pid: process.pid, agent_id: 'main', path: path.join(agentDir, 'openclaw-agent.sqlite') })]);
    expect(await liveLeases()).toEqual([]);
    // OpenClaw opens the database again after our write and reads both its profile and ours.
    const status = await oc.modelsStatus();
    expect(status.map((profile) => profile.profileId)).toEqual(expect.arrayContaining(['anthropic:agent-local', 'openai-codex:lease@example.com']));
    expect(status.find((profile) => profile.profileId === 'openai-codex:lease@example.com')?.expiresAt).toBe(ours.expires);
  }, 300_000);

  // On 2026.9.6 this once failed one run in four: OpenClaw's CLI opens its state database
  // read-only without a busy timeout, and met the exclusive lock SQLite takes when the last
  // connection closes (checkpoint, delete the WAL). Our agent now keeps one connection open
  // (src/agent/store/sqlite-anchor.ts); 12 runs in a row passed after it.
  test('while OpenClaw writes, our imports go on: no write of either side is lost', async () => {
    const oc = openclawHome(version);
    expect((await oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '2h'], `sk-ant-oat01-${'c'.repeat(90)}\n`)).code).toBe(0);
    const store = (await discoverStores(oc.stateDir)).find((candidate) => candidate.kind === expectedKind[version])!;
    await store.update((profiles) => {
      profiles['openai-codex:ops@example.com'] = { type: 'oauth', provider: 'openai-codex', access: secret('oc-race-0'), refresh: secret('oc-race-r0'), expires: Date.now() + HOUR };
      return { write: true, result: null };
    }, { lockWaitMs: 10_000, dryRun: false, backupsKeep: 3 });
    const keyHex = newNodeKeyHex();
    const agent = await startAgent({ TOKENOPS_NODE: 'oc', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: oc.stateDir });
    const client = new AgentClient({ baseUrl: agent.url, key: Buffer.from(keyHex, 'hex'), timeoutMs: 60_000 });
    try {
      const theirToken = `sk-ant-oat01-${'d'.repeat(90)}`;
      const theirs = oc.run(['models', 'auth', 'paste-token', '--provider', 'anthropic', '--expires-in', '3h'], `${theirToken}\n`);
      let running = true;
      void theirs.then(() => (running = false));
      let written = '';
      let imports = 0;
      // Our agent keeps importing fresher Codex tokens for as long as OpenClaw runs its write.
      while (running || imports === 0) {
        const access = secret(`oc-race-${imports + 1}`);
        const sealed = seal(Buffer.from(keyHex, 'hex'), 'import:oc', { node: 'pc-a', exportedAt: new Date().toISOString(), credentials: [{ profileId: 'openai-codex:ops@example.com', type: 'oauth', provider: 'openai-codex', sourceAgentId: 'main', fields: { access, refresh: secret('oc-race-refresh'), expires: Date.now() + 2 * HOUR + imports * 1000 } }] });
        const answer = await client.call('POST', '/v1/import', { sealed });
        // 409: OpenClaw held the store past our lock wait; that import wrote nothing.
        expect([200, 409]).toContain(answer.status);
        if (answer.status === 200) written = access;
        imports++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const result = await theirs;
      expect(result.code, result.stderr).toBe(0);
      // Both sides' last writes must be there: OpenClaw's token, and our last import that went through.
      expect(written).not.toBe('');
      const after = await store.read();
      expect(after.ok).toBe(true);
      if (!after.ok) return;
      console.log(`openclaw ${version}: ${imports} imports ran while OpenClaw wrote`);
      expect((after.profiles['anthropic:manual'] as { token?: string }).token).toBe(theirToken);
      expect((after.profiles['openai-codex:ops@example.com'] as { access?: string }).access).toBe(written);
    } finally {
      await agent.stop();
    }
  }, 300_000);
});
