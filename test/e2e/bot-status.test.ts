import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER, DiscordStandin, OTHER_GUILD_ID } from '../../src/standin/discord/index.js';
import { startIncidentFleet } from '../support/incident-fleet.js';
import { capturedOutput, killAllSpawned, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, oauth, openclawJson5, storePath } from '../support/state-dir.js';

/*
 * The bot as a person in the ops channel meets it: real agents on loopback (the incident's
 * fleet: pc-a fresh, t440 expired, plus a node that is down), the real bot process, the
 * local Discord stand-in.
 */

let discord: DiscordStandin;
let bot: RunningBot;
const agents: RunningAgent[] = [];
let fleetEnv: Record<string, string>;
let fleet: Record<string, unknown>;
let t440State: string;

beforeAll(async () => {
  const now = Date.now();
  const shared = { anthropic: oauth('anthropic', 8 * HOUR, { email: 'ops@example.com' }, now), codex: oauth('openai-codex', 9 * DAY, { accountId: 'acc' }, now) };
  const pcaState = buildStateDir({
    layout: 'split',
    agents: { main: { profiles: { 'anthropic:default': shared.anthropic, 'openai-codex:ops@example.com': shared.codex } } },
    openclawJson5: openclawJson5(['main', 'research'], 8),
  });
  t440State = buildStateDir({
    layout: 'legacy',
    agents: {
      main: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now), 'openai-codex:ops@example.com': shared.codex } },
      coder: { profiles: { 'anthropic:default': oauth('anthropic', -2 * HOUR, {}, now) } },
    },
    openclawJson5: openclawJson5(Array.from({ length: 15 }, (_, i) => `agent${i}`), 4),
  });
  const started = await startIncidentFleet({ pca: pcaState, t440: t440State });
  agents.push(...started.agents);
  fleet = started.fleet;
  fleetEnv = started.env;
  discord = await DiscordStandin.start();
  bot = await startBot(discord, fleet, fleetEnv);
  await discord.waitForReady();
});

afterAll(async () => {
  if (process.env.SHOW_TRANSCRIPT) console.log(discord.transcript(undefined, { includeEphemeral: true }));
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  await discord?.close();
  killAllSpawned();
});

describe('/tokens status', () => {
  test('the incident: t440 expired, pc-a ok and owner, the dead node unreachable while the rest render', async () => {
    const reply = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((state) => state.embeds.length > 0, 10_000);
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Fleet token status');
    expect(embed.color).toBe(0xe74c3c);
    expect(embed.description).toMatch(/\*\*3 nodes\*\*/);
    expect(embed.description).toMatch(/1 unreachable/);
    const fields = reply.embeds.flatMap((e) => e.fields ?? []);
    const field = (name: string) => fields.find((f) => f.name.includes(` ${name} `) || f.name.endsWith(` ${name}`));
    const t440 = field('t440');
    const pca = field('pc-a');
    const spare = field('spare');
    expect(t440?.name).toMatch(/gateway (NOT ready|unreachable) · 15 agents \/ max 4/);
    expect(t440?.value).toMatch(/❌ `anthropic:default` · expired <t:\d+:R>/);
    expect(t440?.value).toMatch(/×2 agents/);
    expect(t440?.value).toMatch(/⚠️ not the owner's token \(owner pc-a\)/);
    expect(pca?.value).toMatch(/`anthropic:default` · expires <t:\d+:R> · 👑 owner · token A/);
    // The same Codex token on both nodes: same letter, no flag.
    expect(pca?.value).toMatch(/`openai-codex:ops@example.com` · expires <t:\d+:R> · 👑 owner · token A/);
    expect(t440?.value).toMatch(/`openai-codex:ops@example.com` · expires <t:\d+:R> · token A(?! ·\s*⚠)/);
    expect(spare?.name).toMatch(/📵 spare · unreachable/);
    // Fields in order of severity: the down node and the expired node come before the healthy one.
    expect(fields.findIndex((f) => f === pca)).toBeGreaterThan(fields.findIndex((f) => f === t440));
  });

  test('node option: autocomplete offers the fleet, an unknown node gets a clear message', async () => {
    const choices = await discord.autocomplete('tokens', { subcommand: 'status', focused: 'node', value: 't4', member: DEFAULT_PLAIN_MEMBER.id });
    expect(choices).toEqual([{ name: 't440', value: 't440' }]);
    const one = await discord.slash('tokens', { subcommand: 'status', options: { node: 'pc-a' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    expect(one.embeds.flatMap((e) => e.fields ?? []).map((f) => f.name)).toEqual([expect.stringMatching(/pc-a/)]);
    // The summary counts only the node shown.
    expect(one.embeds[0]?.description).toMatch(/^\*\*1 node\*\* · 0 gateways ready · ⚠️ 1 expiring\nchecked/);
    const unknown = await discord.slash('tokens', { subcommand: 'status', options: { node: 'nope' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(unknown.content).toBe('❗ unknown node "nope"; the fleet has pc-a, t440, spare');
  });

  test('a store broken on disk shows up as such, not as a crash', async () => {
    writeFileSync(storePath(t440State, 'coder'), '{"version":1,"profiles":{"anthropic:default":{"access":"sk-cut');
    const reply = await discord.slash('tokens', { subcommand: 'status', options: { node: 't440' }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    const value = reply.embeds.flatMap((e) => e.fields ?? [])[0]?.value ?? '';
    expect(value).toMatch(/🚫 store of agent `coder` unreadable: not valid JSON: it ends early \(truncated\?\)/);
    expect(value).not.toContain('sk-cut');
  });
});

describe('permissions and audit', () => {
  test('a member without the ops role calling /audit is refused, ephemerally, naming the role; the refusal is audited', async () => {
    const refused = await discord.slash('audit', { member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((s) => s.content.length > 0);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`This needs the <@&${discord.opsRoleId}> role.`);
    const log = await discord.slash('audit', { options: { limit: 5 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0);
    expect(log.ephemeral).toBe(true);
    expect(log.embeds[0]?.description).toMatch(/⛔ <t:\d+:f> \*\*\/audit\*\* · refused · /);
  });

  test('commands from another guild or a DM are refused', async () => {
    const other = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_OPS_MEMBER.id, guildId: OTHER_GUILD_ID }).waitForReply((s) => s.content.length > 0);
    expect(other.content).toMatch(/only in its ops server/);
    const dm = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_OPS_MEMBER.id, guildId: null }).waitForReply((s) => s.content.length > 0);
    expect(dm.content).toMatch(/only in its ops server/);
  });
});

test('nothing sent to Discord and no log line carries a token, refresh token or key', () => {
  expect(discord.requestBodies.length).toBeGreaterThan(5);
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});
