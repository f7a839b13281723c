import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { statusResponseSchema } from '../../src/protocol/agent-api.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, TEST_BOT_TOKEN, type RunningBot } from '../support/bot-process.js';
import { outsideSignedFetch } from '../support/outside-client.js';
import { startIncidentFleet } from '../support/incident-fleet.js';
import { capturedOutput, freePort, killAllSpawned, type RunningAgent } from '../support/processes.js';
import { documentedMetrics, exposedMetrics, samples, scrape, value, type Scrape } from '../support/prometheus.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, oauth, openclawJson5 } from '../support/state-dir.js';

/*
 * The real bot with TOKENOPS_METRICS=on, scraped over loopback: the incident's fleet (pc-a
 * fresh and owner, t440 expired, a node that is down) as the bot's checks saw it, alerts
 * from its alert state, and the counters moving as people use it in the ops channel.
 */

let discord: DiscordStandin;
let bot: RunningBot;
let metricsUrl: string;
const agents: RunningAgent[] = [];
const scraped: string[] = [];
let nodeKeys: Record<string, string>;

async function metrics(): Promise<Scrape> {
  const result = await scrape(metricsUrl);
  expect(result.status).toBe(200);
  scraped.push(result.text);
  return result;
}

/** Scrapes until `check` holds (the bot's checks run on their own schedule). */
async function metricsWhen(check: (result: Scrape) => boolean, timeoutMs = 15_000): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await metrics();
    if (check(result)) return result;
    if (Date.now() > deadline) throw new Error(`metrics never showed what was expected:\n${result.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const now = Date.now();
  const shared = { anthropic: oauth('anthropic', 8 * HOUR, { email: 'ops@example.com' }, now), codex: oauth('openai-codex', 9 * DAY, { accountId: 'acc' }, now) };
  const pcaState = buildStateDir({
    layout: 'split',
    agents: { main: { profiles: { 'anthropic:default': shared.anthropic, 'openai-codex:ops@example.com': shared.codex } } },
    openclawJson5: openclawJson5(['main'], 8),
  });
  const t440State = buildStateDir({
    layout: 'legacy',
    agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now), 'openai-codex:ops@example.com': shared.codex } } },
    openclawJson5: openclawJson5(Array.from({ length: 15 }, (_, i) => `agent${i}`), 4),
  });
  const started = await startIncidentFleet({ pca: pcaState, t440: t440State });
  agents.push(...started.agents);
  nodeKeys = started.env;
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  discord = await DiscordStandin.start();
  bot = await startBot(discord, started.fleet, {
    ...started.env,
    TOKENOPS_METRICS: 'on',
    TOKENOPS_METRICS_LISTEN: `127.0.0.1:${port}`,
    CONFIRM_TIMEOUT: '3s',
  });
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...scraped, ...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

describe('GET /metrics on the bot with TOKENOPS_METRICS=on', () => {
  test('the fleet as its first check saw it: reachability, latency, expiry and health per node, alerts by severity', async () => {
    const result = await metricsWhen((r) => samples(r, 'tokenops_bot_node_up').length === 3 && value(r, 'tokenops_bot_alerts_active', { severity: 'critical', condition: 'token_expired' }) >= 1);
    expect(value(result, 'tokenops_bot_node_up', { node: 'pc-a' })).toBe(1);
    expect(value(result, 'tokenops_bot_node_up', { node: 't440' })).toBe(1);
    expect(value(result, 'tokenops_bot_node_up', { node: 'spare' })).toBe(0);
    expect(value(result, 'tokenops_bot_node_checks_total', { node: 'spare', result: 'unreachable' })).toBeGreaterThanOrEqual(1);
    expect(value(result, 'tokenops_bot_node_checks_total', { node: 't440', result: 'ok' })).toBeGreaterThanOrEqual(1);
    const checked = samples(result, 'tokenops_bot_node_check_duration_seconds', { node: 'pc-a' })[0]!;
    expect(Number(checked.count)).toBeGreaterThanOrEqual(1);
    expect(Number(checked.buckets?.['+Inf'])).toBe(Number(checked.count));
    expect(Math.abs(value(result, 'tokenops_bot_node_last_check_timestamp_seconds', { node: 'spare' }) - Date.now() / 1000)).toBeLessThan(60);

    const t440 = { node: 't440', agent: 'main', profile: 'anthropic:default' };
    expect(value(result, 'tokenops_profile_expiry_seconds', t440)).toBeLessThan(0);
    expect(value(result, 'tokenops_profile_health', { ...t440, state: 'expired' })).toBe(1);
    // The fleet file's warnBefore (24 h) applies: pc-a's 8-hour token is expiring.
    const pca = { node: 'pc-a', agent: 'main', profile: 'anthropic:default' };
    expect(value(result, 'tokenops_profile_expiry_seconds', pca)).toBeGreaterThan(7 * 3600);
    expect(value(result, 'tokenops_profile_health', { ...pca, state: 'expiring' })).toBe(1);
    expect(value(result, 'tokenops_profile_health', { node: 'pc-a', agent: 'main', profile: 'openai-codex:ops@example.com', state: 'ok' })).toBe(1);
    // Nothing for the node that never answered.
    expect(samples(result, 'tokenops_profile_expiry_seconds', { node: 'spare' })).toEqual([]);
    expect(value(result, 'tokenops_store_readable', { node: 't440', agent: 'main' })).toBe(1);
    expect(value(result, 'tokenops_gateway_ready', { node: 't440' })).toBe(0);

    // One critical alert for t440's expired token; the down node is pending after one failed check.
    expect(value(result, 'tokenops_bot_alerts_active', { severity: 'critical', condition: 'token_expired' })).toBe(1);
    expect(value(result, 'tokenops_bot_alerts_active', { severity: 'critical', condition: 'node_unreachable' })).toBe(0);
    expect(value(result, 'tokenops_bot_leader')).toBe(1);
    expect(value(result, 'tokenops_bot_silences_active')).toBe(0);
  });

  test('confirmations by result: a plan cancelled with ❌, one left to expire', async () => {
    const before = await metrics();
    expect(value(before, 'tokenops_bot_confirmations_total', { result: 'cancelled' })).toBe(0);
    const planned = async () => {
      const handle = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
      const state = await handle.waitForReply((s) => /React ✅/.test(s.content), 20_000);
      await discord.waitFor(() => (Object.keys(discord.reactionsOn(state.original!.id)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
      return { handle, messageId: state.original!.id };
    };
    const first = await planned();
    discord.react(first.messageId, '❌', DEFAULT_OPS_MEMBER.id);
    await first.handle.waitForReply((s) => s.content.startsWith('❌ Cancelled'), 10_000);
    const second = await planned();
    await second.handle.waitForReply((s) => s.content.startsWith('⌛ Expired'), 10_000);
    const after = await metricsWhen((r) => value(r, 'tokenops_bot_confirmations_total', { result: 'expired' }) === 1);
    expect(value(after, 'tokenops_bot_confirmations_total', { result: 'cancelled' })).toBe(1);
    expect(value(after, 'tokenops_bot_confirmations_total', { result: 'confirmed' })).toBe(0);
    // Nothing was restarted.
    for (const outcome of ['ok', 'failed', 'refused', 'interrupted']) expect(value(after, 'tokenops_bot_restarts_total', { outcome })).toBe(0);
  });

  test('a sync counts by outcome; the next status check (here a /tokens status) shows t440 repaired', async () => {
    const reply = await discord
      .slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440', profile: 'anthropic:default' }, member: DEFAULT_OPS_MEMBER.id })
      .waitForReply((s) => s.embeds.length > 0 || s.content.startsWith('❗'), 20_000);
    expect(reply.content).not.toMatch(/^❗/);
    const synced = await metricsWhen((r) => value(r, 'tokenops_bot_syncs_total', { outcome: 'ok' }) === 1);
    // The bot polls nothing for metrics: until a check, the figures are the last check's.
    expect(value(synced, 'tokenops_profile_expiry_seconds', { node: 't440', agent: 'main', profile: 'anthropic:default' })).toBeLessThan(0);
    await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 15_000);
    const after = await metrics();
    expect(value(after, 'tokenops_profile_expiry_seconds', { node: 't440', agent: 'main', profile: 'anthropic:default' })).toBeGreaterThan(7 * 3600);
    expect(value(after, 'tokenops_profile_health', { node: 't440', agent: 'main', profile: 'anthropic:default', state: 'expired' })).toBe(0);
  });

  test('Discord errors: answers of 503 while Discord is down are counted', async () => {
    const before = await metrics();
    expect(value(before, 'tokenops_bot_discord_errors_total', { kind: 'rest_5xx' })).toBe(0);
    discord.setOutage('http-503');
    try {
      discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id });
      await metricsWhen((r) => value(r, 'tokenops_bot_discord_errors_total', { kind: 'rest_5xx' }) >= 1, 15_000);
    } finally {
      discord.setOutage(false);
    }
  });

  test('no secret and no fingerprint in a scrape', async () => {
    const result = await metrics();
    expect(findSecrets([result.text])).toEqual([]);
    expect(result.text).not.toContain(TEST_BOT_TOKEN);
    for (const [agent, key] of [
      [agents[0]!, nodeKeys.TOKENOPS_KEY_PC_A!],
      [agents[1]!, nodeKeys.TOKENOPS_KEY_T440!],
    ] as const) {
      const status = statusResponseSchema.parse((await outsideSignedFetch(agent.url, key, 'GET', '/v1/status')).json);
      for (const profile of status.profiles) if (profile.fingerprint) expect(result.text).not.toContain(profile.fingerprint);
    }
  });

  test('the names and labels are the documented ones (docs/metrics.md)', async () => {
    const documented = documentedMetrics().filter((metric) => metric.servedBy.includes('bot'));
    expect(documented.length).toBeGreaterThan(10);
    const exposed = exposedMetrics(await metrics());
    const byName = (list: Array<{ name: string }>) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(exposed)).toEqual(byName(documented.map(({ name, type, labels }) => ({ name, type, labels }))));
  });

  test('anything but GET /metrics is refused; scrape time with the fleet', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(metricsUrl.replace('/metrics', '/metrics/../etc'))).status).toBe(404);
    expect((await fetch(metricsUrl, { method: 'POST' })).status).toBe(405);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push((await metrics()).ms);
    times.sort((a, b) => a - b);
    console.log(`bot /metrics, 3 nodes (2 answering, 2 profiles each) + alert state: median ${times[10]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over 20 scrapes`);
  });
});
