import { writeFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { capturedOutput, killAllSpawned, startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth, readStore, storePath } from '../support/state-dir.js';

/*
 * Discord goes away (REST answers 503, the gateway is cut and refused) while a token on a
 * node starts to expire. The alert must not be lost: once Discord is back, it is posted,
 * once, and the bot is connected again.
 */

let discord: DiscordStandin | undefined;
let bot: RunningBot | undefined;
const agents: RunningAgent[] = [];
const gateways: StandInGateway[] = [];

afterAll(async () => {
  await bot?.stop();
  for (const agent of agents) await agent.stop();
  for (const gateway of gateways) await gateway.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...(discord?.requestBodies ?? []), ...capturedOutput])).toEqual([]);
});

const alertMessages = (standin: DiscordStandin) => standin.channelMessages().filter((message) => /^(🟡|🔴) \*\*t440\*\*/.test(message.content));

test('an alert that arises while Discord is unreachable is posted once when it is back', async () => {
  const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 30 * HOUR) } } } });
  const gateway = await startStandInGateway(stateDir, 50);
  gateways.push(gateway);
  const key = newNodeKeyHex();
  agents.push(await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: key, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: gateway.url }));
  const fleet = {
    nodes: [{ name: 't440', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_T440' }],
    alerts: { checkEvery: '1s', warnBefore: '24h', criticalBefore: '1h', repeatEvery: '4h' },
    sync: { auto: false },
  };
  discord = await DiscordStandin.start({ log: () => undefined });
  bot = await startBot(discord, fleet, { TOKENOPS_KEY_T440: key });
  await discord.waitForReady();
  // A few healthy checks: nothing to say.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(alertMessages(discord)).toEqual([]);

  discord.setOutage('http-503', { gateway: true });
  // The token is now 3 h from expiry (inside warnBefore) while nobody can be told.
  const store = readStore(stateDir, 'main');
  (store.profiles['anthropic:default'] as { expires: number }).expires = Date.now() + 3 * HOUR;
  writeFileSync(storePath(stateDir, 'main'), JSON.stringify(store, null, 2), { mode: 0o600 });
  await bot.waitFor(/alert notification failed; will retry/, 20_000);
  const failedTries = () => bot!.output.filter((line) => line.includes('alert notification failed; will retry')).length;
  await discord.waitFor(() => failedTries() >= 3 || undefined, 20_000, 'three failed notification attempts');
  expect(alertMessages(discord)).toEqual([]);

  discord.setOutage(false);
  const alert = await discord.waitForMessage((message) => /^🟡 \*\*t440\*\*: 1 alert/.test(message.content), 30_000);
  expect(alert.content).toMatch(/anthropic:default expires/);
  await discord.waitForReady(30_000);
  // Checks go on every second; the alert stays one message.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(alertMessages(discord)).toHaveLength(1);
  console.log(`discord outage: ${failedTries()} notification attempts failed during the outage; 1 alert posted after it`);
}, 120_000);
