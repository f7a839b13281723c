import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, SlashCommandBuilder, type Interaction } from 'discord.js';
import { afterEach, expect, test } from 'vitest';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';

/*
 * The stand-in with several sessions on one bot token (what bot replicas are): with
 * `multipleSessions`, every logged-in client gets every dispatch, as on Discord without
 * sharding, and only the first acknowledgement of an interaction is accepted. Without it, a
 * second IDENTIFY replaces the first session (one bot reconnecting).
 */

const TOKEN = 'standin.sessions.token-not-a-secret';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function loggedIn(standin: DiscordStandin, onInteraction: (interaction: Interaction) => void): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions], rest: { api: standin.apiBase } });
  client.on(Events.InteractionCreate, onInteraction);
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
  return client;
}

test('multipleSessions: two clients both get each interaction; the first answer is taken, the second refused (40060)', async () => {
  const standin = await DiscordStandin.start({ token: TOKEN, multipleSessions: true, log: () => undefined });
  cleanups.push(() => standin.close());
  const seen: string[] = [];
  const answers: Array<Promise<string>> = [];
  const answer = (name: string) => (interaction: Interaction) => {
    seen.push(name);
    if (interaction.isChatInputCommand()) {
      answers.push(
        interaction.reply({ content: `from ${name}` }).then(
          () => `${name}: ok`,
          (error: { code?: number }) => `${name}: ${error.code}`,
        ),
      );
    }
  };
  const first = await loggedIn(standin, answer('a'));
  await first.application!.commands.set([new SlashCommandBuilder().setName('audit').setDescription('Latest audit records').toJSON()], standin.guildId);
  await loggedIn(standin, answer('b'));
  expect(standin.connectedSessions).toBe(2);
  expect(standin.readyCount).toBe(2);

  const handle = standin.slash('audit', { member: DEFAULT_OPS_MEMBER.id });
  const reply = await handle.waitForReply((state) => state.content.length > 0);
  await standin.waitFor(() => answers.length === 2 || undefined, 5_000, 'both clients to answer');
  expect(seen.sort()).toEqual(['a', 'b']);
  const outcomes = (await Promise.all(answers)).sort();
  expect(outcomes.filter((outcome) => outcome.endsWith(': ok'))).toHaveLength(1);
  expect(outcomes.filter((outcome) => outcome.endsWith(': 40060'))).toHaveLength(1);
  expect(reply.content).toMatch(/^from [ab]$/);
  expect(handle.refusals).toHaveLength(1);

  // Cutting the gateway cuts both; each resumes its own session.
  standin.dropGateway();
  expect(standin.connectedSessions).toBe(0);
  await standin.waitFor(() => standin.connectedSessions === 2 || undefined, 10_000, 'both sessions resumed');
  expect(standin.resumeCount).toBe(2);
});

test('default: a second IDENTIFY replaces the first session (one bot at a time)', async () => {
  const standin = await DiscordStandin.start({ token: TOKEN, log: () => undefined });
  cleanups.push(() => standin.close());
  const seen: string[] = [];
  const answer = (name: string) => (interaction: Interaction) => {
    seen.push(name);
    if (interaction.isChatInputCommand()) void interaction.reply({ content: `from ${name}` });
  };
  await loggedIn(standin, answer('first'));
  await loggedIn(standin, answer('second'));
  expect(standin.readyCount).toBe(2);
  expect(standin.connectedSessions).toBe(1);
  // The first connection is cut (a zombie, as on Discord), and what happens next goes to the second only.
  await standin.waitFor(() => standin.gatewayLog.includes('closed 1006') || undefined, 2_000, 'the first connection cut');
  const reply = await standin.slash('audit', { member: DEFAULT_OPS_MEMBER.id }).waitForReply();
  expect(reply.content).toBe('from second');
  expect(seen).toEqual(['second']);
});
