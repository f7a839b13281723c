import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiscordStandin } from '../standin/discord/index.js';
import { buildIncident, incidentSecrets } from './incident.js';
import { startBot, type RunningBot } from './local-bot.js';
import { startLocalFleet, type LocalFleet } from './local-fleet.js';
import { killAllSpawned, observeOutput, ROOT } from './local-processes.js';
import { playIncident } from './play-incident.js';

/*
 * `npm run demo [-- --keep]`: the whole product on one machine, no Discord account needed.
 * Two node agents over state dirs that reproduce the incident, a stand-in gateway per node,
 * the local Discord stand-in and the real bot connected to it; then the incident is played
 * in the ops channel and the channel is printed as a transcript. Exit 0 when every step
 * showed what it should. `--keep` leaves everything running, for the CLI.
 */

const USAGE = 'usage: npm run demo [-- --keep] [-- --dir <folder>]';

function usageError(message: string): never {
  process.stderr.write(`demo: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args: { keep?: boolean; dir?: string; help?: boolean };
try {
  args = parseArgs({ options: { keep: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (error) {
  usageError((error as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const progress = (line: string) => process.stderr.write(`· ${line}\n`);
const root = args.dir ? path.resolve(args.dir) : args.keep ? path.join(ROOT, 'data', 'demo') : mkdtempSync(path.join(os.tmpdir(), 'tokenops-demo-'));
// Only what a demo writes there is cleared: `--dir` may name a folder that holds other things.
const DEMO_ENTRIES = ['nodes', 'bot', 'tokenops.env'];
mkdirSync(root, { recursive: true, mode: 0o700 });
for (const entry of DEMO_ENTRIES) rmSync(path.join(root, entry), { recursive: true, force: true });

let localFleet: LocalFleet | undefined;
let bot: RunningBot | undefined;
let discord: DiscordStandin | undefined;

async function shutdown(): Promise<void> {
  await bot?.stop();
  await localFleet?.stop();
  await discord?.close();
  killAllSpawned();
}

// Every line any process of the demo logs, to show at the end that no secret is in one.
const logLines: string[] = [];
observeOutput((line) => logLines.push(line));

let exitCode = 1;
try {
  progress(`state dirs of the incident in ${path.relative(process.cwd(), root) || root}`);
  const states = buildIncident(path.join(root, 'nodes'));
  const local = await startLocalFleet(states, { gatewayReadyDelayMs: 300, readyDeadline: '15s' });
  localFleet = local;
  const keys = local.keys;
  for (const node of Object.values(local.nodes)) progress(`node ${node.name}: agent ${node.agent.url}, stand-in gateway ${node.gateway.url}`);
  const fleet = {
    nodes: local.fleetNodes,
    owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' },
    alerts: { checkEvery: '2s', warnBefore: '6h', criticalBefore: '1h', repeatEvery: '4h' },
    // People act in this story; automatic syncs would fix t440 before anyone looked.
    sync: { auto: false },
  };
  discord = await DiscordStandin.start({ log: () => undefined });
  const botDir = path.join(root, 'bot');
  mkdirSync(botDir, { recursive: true, mode: 0o700 });
  const botToken = `demo-bot-token.${randomBytes(12).toString('hex')}`;
  bot = await startBot(discord, fleet, keys, { botToken, dir: botDir });
  await discord.waitForReady(20_000);
  progress(`local Discord on ${discord.apiBase}, the bot is connected; playing the incident…`);

  const results = await playIncident(discord);
  const secrets = [...incidentSecrets, ...Object.values(keys), botToken];
  const seen = [...logLines, ...discord.requestBodies];
  const leaked = secrets.filter((secret) => seen.some((text) => text.includes(secret)));
  results.push({ step: 'no secret in a log or a Discord payload', ok: leaked.length === 0, detail: `${secrets.length} tokens and keys looked for in ${logLines.length} log lines and ${discord.requestBodies.length} payloads: ${leaked.length} found` });
  const violations = discord.specViolations;
  results.push({ step: "every request one Discord's API takes", ok: violations.length === 0, detail: `${discord.requests.length} requests checked against discord-api-spec${violations.length ? `; refused: ${violations.join('; ')}` : ''}` });
  process.stdout.write(`${discord.transcript(undefined, { includeEphemeral: true, versions: true })}\n\n`);
  process.stdout.write(`${results.map((result) => `${result.ok ? '✓' : '✗'} ${result.step}: ${result.detail}`).join('\n')}\n`);
  exitCode = results.length > 0 && results.every((result) => result.ok) ? 0 : 1;

  if (args.keep) {
    const envFile = path.join(root, 'tokenops.env');
    const lines = [`TOKENOPS_FLEET=${bot.fleetFile}`, `TOKENOPS_STATE=${bot.stateUrl}`, ...Object.entries(keys).map(([name, value]) => `${name}=${value}`)];
    writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    process.stdout.write(`\nStill running (Ctrl-C to stop). The same fleet from the CLI:\n  set -a; . ${path.relative(process.cwd(), envFile)}; set +a\n  npx tokenops status\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
} catch (error) {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await shutdown();
  if (!args.keep && !args.dir) rmSync(root, { recursive: true, force: true });
}
process.exit(exitCode);
