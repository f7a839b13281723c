import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { credentialBundleSchema, type ExportedCredential, type StatusResponse } from '../../src/protocol/agent-api.js';
import { unseal } from '../../src/protocol/sealing.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { startEvilAgent, type EvilAgent } from '../support/evil-agent.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth, readStore, secret, storePath } from '../support/state-dir.js';

/*
 * One compromised node against the real bot (issue 16): "cx" owns the Codex account; its
 * agent is replaced by one that holds cx's key and answers anything. It offers its own
 * Anthropic token, expiring in year 9999, in every export, and claims to hold every account.
 * Through every path the bot has (the periodic sync, renewal and its propagation, the
 * alert check's auto-fix, a person's /tokens sync, a confirmed restart's fix), nothing of it
 * reaches pc-a or t440 beyond the Codex account cx owns, and cx receives nothing else.
 */

const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';
let local: LocalFleet;
let evil: EvilAgent;
let discord: DiscordStandin;
let bot: RunningBot;
const states: Record<string, string> = {};

function statusOf(node: string, profiles: Array<{ profileId: string; expires: number }>): StatusResponse {
  return {
    node,
    checkedAt: new Date().toISOString(),
    store: { kind: 'auth-profiles-json', readable: true },
    profiles: profiles.map(({ profileId, expires }) => ({ agentId: 'main', profileId, provider: profileId.split(':')[0]!, type: 'oauth', expiresAt: new Date(expires).toISOString(), hasRefreshToken: true, fingerprint: '0123456789ab', health: 'ok' })),
    gateway: { url: 'http://127.0.0.1:18789', reachable: true, ready: true },
    capacity: { maxConcurrent: 12, agentCount: 1 },
  };
}

beforeAll(async () => {
  const now = Date.now();
  states['pc-a'] = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: oauth('anthropic', 8 * HOUR, {}, now) } } } });
  // t440 follows both; its Codex copy has expired (a restart's plan fixes it from cx, the owner).
  states.t440 = buildStateDir({ layout: 'split', agents: { main: { profiles: { [ANTHROPIC]: oauth('anthropic', 8 * HOUR, {}, now), [CODEX]: oauth('openai-codex', -HOUR, {}, now) } } } });
  local = await startLocalFleet(states, { newKey: newNodeKeyHex, gatewayReadyDelayMs: 50 });
  const cxKeyHex = newNodeKeyHex();
  const cxKey = Buffer.from(cxKeyHex, 'hex');
  // Its Codex token is due for renewal (2 d left of a 10 d lifetime); its Anthropic one is poison.
  const codex: ExportedCredential = { profileId: CODEX, type: 'oauth', provider: 'openai-codex', sourceAgentId: 'main', fields: { access: secret('cx-codex-access'), refresh: secret('cx-codex-refresh'), expires: now + 2 * DAY } };
  const poison: ExportedCredential = { profileId: ANTHROPIC, type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', fields: { access: secret('cx-poison-access'), refresh: secret('cx-poison-refresh'), expires: Date.parse('9999-12-31T00:00:00Z') } };
  evil = await startEvilAgent('cx', cxKey, {
    status: statusOf('cx', [
      { profileId: CODEX, expires: now + 2 * DAY },
      { profileId: ANTHROPIC, expires: Date.parse('9999-12-31T00:00:00Z') },
    ]),
    exportCredentials: [poison, codex],
    unseal: (sealed) => credentialBundleSchema.parse(unseal(cxKey, 'import:cx', sealed as never)),
  });
  discord = await DiscordStandin.start();
  const fleet = {
    nodes: [...local.fleetNodes, { name: 'cx', url: evil.url, keyEnv: 'TOKENOPS_KEY_CX', accounts: ['openai-codex:*'] }],
    owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'cx' },
    renew: { checkEvery: '1s' },
    alerts: { checkEvery: '2s' },
    sync: { every: '2s' },
  };
  bot = await startBot(discord, fleet, { ...local.keys, TOKENOPS_KEY_CX: cxKeyHex, CONFIRM_TIMEOUT: '20s' });
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  await local?.stop();
  await evil?.close();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...(discord?.requestBodies ?? []), ...capturedOutput])).toEqual([]);
});

const anthropicOn = (node: string) => readStore(states[node]!, 'main').profiles[ANTHROPIC]!;

test('through every automatic and manual path, cx changes only the Codex account it owns, and receives nothing else', async () => {
  const before = { 'pc-a': anthropicOn('pc-a'), t440: anthropicOn('t440') };
  // Automatic: several periodic syncs, renewal checks and alert checks.
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  // Manual: a person's sync of everything cx holds, and of its Codex account.
  const all = await discord.slash('tokens', { subcommand: 'sync', options: { from: 'cx', to: 'all' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0 || s.embeds.length > 0, 20_000);
  expect(all.embeds[0]?.description).toMatch(/`anthropic:default` not sent: cx sent it with expires 9999-12-31: not a plausible expiry/);
  await discord.slash('tokens', { subcommand: 'sync', options: { from: 'cx', to: 't440', profile: CODEX }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.content.length > 0 || s.embeds.length > 0, 20_000);
  // A confirmed restart whose fix syncs from cx: t440's Codex copy made expired again first.
  // The periodic sync (every 2 s) may hold t440 or fix the copy before the plan is made; as a
  // person would, try again until a plan with that fix is offered.
  const file = storePath(states.t440!, 'main');
  const fixFromCx = /sync openai-codex:ops@example\.com from cx to t440/;
  let plan!: ReturnType<DiscordStandin['slash']>;
  let offered!: Awaited<ReturnType<ReturnType<DiscordStandin['slash']>['waitForReply']>>;
  for (let attempt = 0; ; attempt++) {
    const store = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, Record<string, unknown>> };
    store.profiles[CODEX] = { ...store.profiles[CODEX], access: secret('t440-stale-codex'), expires: Date.now() - 60_000 };
    writeFileSync(file, JSON.stringify(store, null, 2));
    plan = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    offered = await plan.waitForReply((s) => /React ✅|No-go|❗/.test(s.content), 20_000);
    const fix = offered.embeds[0]?.fields?.find((field) => field.name.startsWith('What will run'))?.value ?? '';
    if (/React ✅/.test(offered.content) && fixFromCx.test(fix)) break;
    expect(offered.content, 'only the periodic sync may stand in the way').toMatch(/React ✅|is busy: tokens sync by auto-sync/);
    if (/React ✅/.test(offered.content)) {
      discord.react(offered.original!.id, '❌', DEFAULT_OPS_MEMBER.id);
      await plan.waitForReply((s) => s.content.startsWith('❌ Cancelled'), 10_000);
    }
    if (attempt >= 10) throw new Error(`no plan with the fix from cx after ${attempt + 1} tries: ${offered.content}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await discord.waitFor(() => (Object.keys(discord.reactionsOn(offered.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
  discord.react(offered.original!.id, '✅', DEFAULT_OPS_MEMBER.id);
  expect((await plan.waitForReply((s) => /^(✅ (?!Confirmed).*ready\. Confirmed|❌)/.test(s.content), 60_000)).content).toBe('✅ t440 ready. Confirmed by ops-alice.');
  // Nothing of cx's Anthropic token anywhere; the Codex account from its owner where it is held.
  expect(anthropicOn('pc-a')).toEqual(before['pc-a']);
  expect(anthropicOn('t440')).toEqual(before.t440);
  expect(readStore(states.t440!, 'main').profiles[CODEX]?.access).toBe(evil.exportCredentials[1]!.fields.access);
  expect(evil.received.map((credential) => credential.profileId).filter((profileId) => profileId !== CODEX)).toEqual([]);
  const started = Date.now();
  const status = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 20_000);
  expect(status.embeds.length).toBeGreaterThan(0);
  console.log(`evil node cx: ${evil.requests.filter((request) => request === 'POST /v1/export').length} exports and ${evil.requests.filter((request) => request === 'POST /v1/refresh').length} refreshes asked of it; writes of its Anthropic token elsewhere: 0; credentials it received: ${evil.received.length} (all ${CODEX}); /tokens status answered in ${Date.now() - started} ms`);
}, 120_000);
