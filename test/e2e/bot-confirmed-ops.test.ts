import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { auditRecords as readAudit } from '../support/audit-records.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { startOAuthServer, type RotatingOAuthServer } from '../support/oauth-server.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, newNodeKeyHex, oauth, openclawJson5, readStore, secret, storePath } from '../support/state-dir.js';

/*
 * Confirmed operations where the review found them breaking (issue 15), on the local Discord
 * with real agents, stand-in gateways restarted for real, and a token endpoint that enforces
 * rotation. The incident's own situation first: every node holds a copy of one account that
 * expires in 10 minutes, pc-a owns it, and one `/restart all` with one ✅ must recover them all.
 */

const NODES = ['pc-a', 't440', 'hp'] as const;
let oauthServer: RotatingOAuthServer;
let local: LocalFleet;
let discord: DiscordStandin;
let bot: RunningBot;
const states: Record<string, string> = {};

beforeAll(async () => {
  oauthServer = await startOAuthServer();
  const token = oauth('anthropic', 10 * 60_000);
  oauthServer.issue(token.refresh);
  // t440 as in the incident: 15 agents on maxConcurrent 4.
  const fifteen = Array.from({ length: 15 }, (_, i) => (i === 0 ? 'main' : `agent${i}`));
  for (const name of NODES) states[name] = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': structuredClone(token) } } }, ...(name === 't440' ? { openclawJson5: openclawJson5(fifteen, 4) } : {}) });
  const providers = path.join(states['pc-a']!, 'providers.json');
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: 'tokenops-test' } }));
  local = await startLocalFleet(states, { newKey: newNodeKeyHex, gatewayReadyDelayMs: 50, agentEnv: { TOKENOPS_OAUTH_PROVIDERS: providers } });
  discord = await DiscordStandin.start();
  // Renewal and automatic sync off: the restart's own fixes are what is under test.
  bot = await startBot(discord, { nodes: local.fleetNodes, owners: { 'anthropic:*': 'pc-a' }, renew: { auto: false }, sync: { auto: false } }, { ...local.keys, CONFIRM_TIMEOUT: '20s' });
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  await local?.stop();
  await discord?.close();
  await oauthServer?.stop();
  killAllSpawned();
  expect(findSecrets([...(discord?.requestBodies ?? []), ...capturedOutput])).toEqual([]);
});

const auditRecords = () => readAudit(bot.stateUrl, 200);

describe('/restart all in the incident', () => {
  test('a shared account about to expire everywhere: one ✅ refreshes it once on the owner, syncs it, restarts every node ready', async () => {
    const pids = Object.fromEntries(NODES.map((name) => [name, local.nodes[name]!.gateway.pid()]));
    const handle = discord.slash('restart', { options: { node: 'all' }, member: DEFAULT_OPS_MEMBER.id });
    const offered = await handle.waitForReply((s) => /React ✅|No-go|❗/.test(s.content), 20_000);
    expect(offered.content).toMatch(/React ✅/);
    expect(offered.embeds.map((embed) => embed.title)).toEqual(['Restart pc-a · plan', 'Restart t440 · plan', 'Restart hp · plan']);
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(offered.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    const confirmedAt = Date.now();
    discord.react(offered.original!.id, '✅', DEFAULT_OPS_MEMBER.id);
    const done = await handle.waitForReply((s) => /^(✅ (?!Confirmed).*ready\. Confirmed|❌)/.test(s.content), 90_000);
    const tookMs = Date.now() - confirmedAt;
    console.log(`/restart all, the shared account 10 min from expiry on 3 nodes: ✅ → every node restarted and ready in ${tookMs} ms; ${oauthServer.grants} refresh(es) at the provider`);
    expect(done.content).toBe('✅ pc-a ready, t440 ready, hp ready. Confirmed by ops-alice.');
    for (const name of NODES) expect(local.nodes[name]!.gateway.pid(), `${name} restarted`).not.toBe(pids[name]);
    expect(oauthServer.grants).toBe(1);
    expect(oauthServer.reuses).toBe(0);
    const owners = readStore(states['pc-a']!, 'main').profiles['anthropic:default']!;
    for (const name of NODES) expect(readStore(states[name]!, 'main').profiles['anthropic:default']?.access, name).toBe(owners.access);
    expect(owners.expires).toBeGreaterThan(Date.now() + 30 * 60_000);
    const actions = (await auditRecords()).map((record) => `${record.action} ${record.target} ${record.outcome}`);
    expect(actions.filter((line) => line.startsWith('restart ') && line.endsWith(' ok'))).toHaveLength(3);
  }, 120_000);
});

describe('every change a confirmed restart makes is audited as its own action', () => {
  test('/restart t440 raise_capacity:true: the sync and the capacity change are in the audit log (actor: the member who confirmed) before the restart, and each restart as it ends', async () => {
    // t440's copy replaced by an expired one of its own (a node that missed syncs).
    const file = storePath(states.t440!, 'main');
    const store = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
    store.profiles['anthropic:default'] = { ...store.profiles['anthropic:default'], access: secret('t440-stale-access'), expires: Date.now() - 60_000 };
    writeFileSync(file, JSON.stringify(store, null, 2));
    const handle = discord.slash('restart', { options: { node: 't440', raise_capacity: true }, member: DEFAULT_OPS_MEMBER.id });
    const offered = await handle.waitForReply((s) => /React ✅/.test(s.content), 20_000);
    expect(offered.embeds[0]?.fields?.find((f) => f.name.startsWith('What will run'))?.value).toMatch(/sync anthropic:default from pc-a to t440[\s\S]*maxConcurrent/);
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(offered.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    const since = new Date().toISOString();
    discord.react(offered.original!.id, '✅', DEFAULT_OPS_MEMBER.id);
    await handle.waitForReply((s) => /^(✅ (?!Confirmed).*ready\. Confirmed|❌)/.test(s.content), 60_000);
    const records = (await auditRecords()).filter((record) => record.at >= since).reverse();
    const changes = records.map((record) => `${record.action} | ${record.target} | ${record.outcome} | ${record.actor.name}`);
    expect(changes).toEqual([
      'restart confirmation | t440 | confirmed | ops-alice',
      'tokens sync | pc-a → t440 (anthropic:default) | ok | ops-alice',
      'capacity set | t440 | ok | ops-alice',
      'restart | t440 | ok | ops-alice',
    ]);
    expect(records.find((record) => record.action === 'capacity set')?.detail).toMatch(/^a fix before restarting t440: maxConcurrent 4 → 12 through openclaw config set$/);
    expect(records.find((record) => record.action === 'tokens sync')?.detail).toMatch(/^a fix before restarting t440: t440: updated /);
  }, 90_000);
});

describe('a ✅ is never lost', () => {
  /** A restart of hp offered; returns its handle and the plan message id, with `onPrompt` run the instant the prompt shows. */
  async function offerHp(onPrompt?: (messageId: string) => void) {
    const handle = discord.slash('restart', { options: { node: 'hp' }, member: DEFAULT_OPS_MEMBER.id });
    // Checked on every change the stand-in records, synchronously: when the prompt's edit
    // arrives, before Discord (the stand-in) has even answered the bot's request.
    const messageId = await discord.waitFor(() => {
      const original = handle.state.original;
      if (!original || !/React ✅/.test(original.content ?? '')) return undefined;
      onPrompt?.(original.id);
      return original.id;
    }, 20_000, 'the ✅ prompt');
    return { handle, messageId };
  }
  const outcome = (handle: ReturnType<DiscordStandin['slash']>) => handle.waitForReply((s) => /^(✅ (?!Confirmed).*ready\. Confirmed|❌|⌛)/.test(s.content), 60_000);

  test('a ✅ made the instant the prompt appears, before the bot has added its own reactions, counts', async () => {
    const pid = local.nodes.hp!.gateway.pid();
    const { handle } = await offerHp((messageId) => discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id));
    expect((await outcome(handle)).content).toBe('✅ hp ready. Confirmed by ops-alice.');
    expect(local.nodes.hp!.gateway.pid()).not.toBe(pid);
  }, 90_000);

  test('a ✅ made while the bot is reconnecting (the event never delivered) counts once it is back', async () => {
    const pid = local.nodes.hp!.gateway.pid();
    const { handle, messageId } = await offerHp();
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(messageId)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    // The session is invalidated: nothing missed is replayed, the bot identifies anew.
    discord.dropGateway({ invalidateSession: true });
    discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
    await discord.waitForReady(20_000);
    expect((await outcome(handle)).content).toBe('✅ hp ready. Confirmed by ops-alice.');
    expect(local.nodes.hp!.gateway.pid()).not.toBe(pid);
  }, 90_000);
});

describe('progress that cannot break the work', () => {
  test("the interaction's webhook gone mid-roll (Discord's 15 minutes): the roll finishes, every node is audited, the message says how it ended", async () => {
    const pids = Object.fromEntries(NODES.map((name) => [name, local.nodes[name]!.gateway.pid()]));
    const handle = discord.slash('restart', { options: { node: 'all' }, member: DEFAULT_OPS_MEMBER.id });
    const offered = await handle.waitForReply((s) => /React ✅/.test(s.content), 20_000);
    const messageId = offered.original!.id;
    await discord.waitFor(() => (Object.keys(discord.reactionsOn(messageId)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
    const since = new Date().toISOString();
    discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
    // As soon as the first node is under way, the interaction's token lapses.
    await discord.waitFor(() => (/\(1\/3\) pc-a/.test(discord.messageById(messageId)?.content ?? '') ? true : undefined), 20_000, 'the roll to start');
    discord.expireInteractionToken(handle);
    const ended = await discord.waitFor(() => {
      const content = discord.messageById(messageId)?.content ?? '';
      return /^(✅ (?!Confirmed).*ready\. Confirmed|❌)/.test(content) ? content : undefined;
    }, 60_000, 'the outcome on the plan message');
    expect(ended).toBe('✅ pc-a ready, t440 ready, hp ready. Confirmed by ops-alice.');
    for (const name of NODES) expect(local.nodes[name]!.gateway.pid(), `${name} restarted`).not.toBe(pids[name]);
    // The webhook refused once; every edit after that went straight through the channel.
    expect(handle.refusals.filter((refusal) => /expired/.test(refusal))).toHaveLength(1);
    const restarts = (await auditRecords()).filter((record) => record.at >= since && record.action === 'restart').map((record) => `${record.target} ${record.outcome}`);
    expect(restarts.sort()).toEqual(['hp ok', 'pc-a ok', 't440 ok']);
  }, 90_000);
});

describe('every refusal is audited', () => {
  test('a plan that cannot be made (a node does not answer) and a capacity change on a node with a plan waiting: refused, and in the audit log', async () => {
    const since = new Date().toISOString();
    // A plan waiting for its ✅ on t440: a capacity change there is refused as busy.
    const plan = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    const offered = await plan.waitForReply((s) => /React ✅/.test(s.content), 20_000);
    const capacity = await discord.slash('capacity', { options: { node: 't440', max_concurrent: 16 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0, 20_000);
    expect(capacity.content).toMatch(/t440 is busy: restart \(ops-alice's plan\)/);
    discord.react(offered.original!.id, '❌', DEFAULT_OPS_MEMBER.id);
    await plan.waitForReply((s) => s.content.startsWith('❌ Cancelled'), 20_000);
    // hp's agent gone: no plan for it, so nothing to confirm.
    await local.nodes.hp!.agent.stop();
    const noPlan = await discord.slash('restart', { options: { node: 'hp' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0, 20_000);
    expect(noPlan.content).toMatch(/hp did not answer/);
    const refusals = (await auditRecords()).filter((record) => record.at >= since && record.outcome === 'refused').map((record) => `${record.action} ${record.target}: ${record.detail}`);
    expect(refusals).toEqual([expect.stringMatching(/^restart hp: hp did not answer \(/), expect.stringMatching(/^capacity set t440: t440 is busy: restart \(ops-alice's plan\) by ops-alice/)]);
  }, 90_000);
});
