import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import type { RecordedAttachment } from '../../src/standin/discord/types.js';
import { VARIANTS } from '../../src/timeline/layout.js';
import { startIncidentFleet } from '../support/incident-fleet.js';
import { capturedOutput, killAllSpawned, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, oauth } from '../support/state-dir.js';

/*
 * `/tokens timeline` as the ops channel meets it: the real bot, real agents on loopback
 * (pc-a's tokens valid and its own, t440's Anthropic one expired, a node that is down), the local Discord. The reply
 * carries a PNG of the expected size; the caption counts what it shows; no token value is
 * in anything sent.
 */

let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];

beforeAll(async () => {
  const now = Date.now();
  const shared = { anthropic: oauth('anthropic', 8 * HOUR, { email: 'ops@example.com' }, now), codex: oauth('openai-codex', 9 * DAY, { accountId: 'acc' }, now) };
  const pca = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': shared.anthropic, 'openai-codex:ops@example.com': shared.codex } } } });
  const t440 = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now), 'openai-codex:ops@example.com': shared.codex } } } });
  const started = await startIncidentFleet({ pca, t440 });
  agents.push(...started.agents);
  discord = await DiscordStandin.start();
  bot = await startBot(discord, started.fleet, started.env);
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

/** The uploaded file, decoded: a PNG or a thrown error. */
function decoded(attachment: RecordedAttachment | undefined): PNG {
  expect(attachment).toBeDefined();
  expect(attachment!.filename).toMatch(/\.png$/);
  expect(attachment!.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return PNG.sync.read(attachment!.data);
}

describe('/tokens timeline', () => {
  test('the whole fleet: a 1000 px PNG with one row per node × profile, and a caption that counts them', async () => {
    const reply = await discord.slash('tokens', { subcommand: 'timeline', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.attachments.length > 0, 20_000);
    expect(reply.ephemeral).toBe(false);
    expect(reply.content).toBe('📈 Token expiry, all nodes, next 48 h (UTC) · 3 nodes · ❌ 1 expired · ⚠️ 1 expiring · ✅ 2 ok · 📵 no answer from spare: not drawn');
    const png = decoded(reply.attachments[0]);
    // Two reachable nodes × two accounts.
    expect([png.width, png.height]).toEqual([1000, VARIANTS.full.top + 4 * VARIANTS.full.rowHeight + VARIANTS.full.bottom]);
    expect(reply.attachments[0]!.contentType).toMatch(/image\/png/);
  });

  test('node and hours: one node over a week; autocomplete offers the fleet; an unknown node gets the usual message', async () => {
    const choices = await discord.autocomplete('tokens', { subcommand: 'timeline', focused: 'node', value: 't4', member: DEFAULT_PLAIN_MEMBER.id });
    expect(choices).toEqual([{ name: 't440', value: 't440' }]);
    const one = await discord.slash('tokens', { subcommand: 'timeline', options: { node: 't440', hours: 168 }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.attachments.length > 0, 20_000);
    expect(one.content).toMatch(/^📈 Token expiry, t440, next 168 h \(UTC\) · 1 node · ❌ 1 expired · ✅ 1 ok$/);
    const png = decoded(one.attachments[0]);
    expect([png.width, png.height]).toEqual([1000, VARIANTS.full.top + 2 * VARIANTS.full.rowHeight + VARIANTS.full.bottom]);
    const unknown = await discord.slash('tokens', { subcommand: 'timeline', options: { node: 'nope' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(unknown.content).toBe('❗ unknown node "nope"; the fleet has pc-a, t440, spare');
    expect(unknown.attachments).toEqual([]);
    const tooFar = await discord.slash('tokens', { subcommand: 'timeline', options: { hours: 5000 }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(tooFar.content).toMatch(/hours: expected 1 to 336/);
  });

  test('after a sync the picture shows the fleet as it is now', async () => {
    await discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 15_000);
    const reply = await discord.slash('tokens', { subcommand: 'timeline', options: { node: 't440' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.attachments.length > 0, 20_000);
    // pc-a's Anthropic token (8 h left, inside the 24 h warning) is now t440's too: no longer expired.
    expect(reply.content).toMatch(/· 1 node · ⚠️ 1 expiring · ✅ 1 ok$/);
    decoded(reply.attachments[0]);
  });

  test('the command is registered with its options and limits', async () => {
    const tokens = (await discord.waitForCommands()).find((command) => command.name === 'tokens');
    const timeline = tokens?.options?.find((option) => option.name === 'timeline') as { options?: Array<{ name: string; min_value?: number; max_value?: number; autocomplete?: boolean }> } | undefined;
    expect(timeline?.options?.map((option) => option.name)).toEqual(['node', 'hours']);
    expect(timeline?.options?.[0]?.autocomplete).toBe(true);
    expect(timeline?.options?.[1]).toMatchObject({ min_value: 1, max_value: 336 });
  });
});
