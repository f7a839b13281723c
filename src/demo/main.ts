import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiscordStandin } from '../standin/discord/index.js';
import { buildIncident, INCIDENT_NODES, incidentSecrets, ownerRefreshTokens } from './incident.js';
import { incidentTimings, renderTimings } from './incident-timings.js';
import { startBot, type RunningBot } from './local-bot.js';
import { startLocalFleet, type LocalFleet } from './local-fleet.js';
import { startOAuthServer, type RotatingOAuthServer } from './oauth-provider.js';
import { providersFile } from './offline-providers.js';
import { killAllSpawned, observeOutput, ROOT } from './local-processes.js';
import { startOpenClawFleet, type OpenClawFleet } from './openclaw/openclaw-fleet.js';
import { confirmRenewed, confirmTokenHealth } from './openclaw/confirm-token-health.js';
import { DEFAULT_OPENCLAW_VERSION, installOpenClaw } from './openclaw/openclaw-install.js';
import { capacityViaFromLog, restartFromLog } from './openclaw/restart-from-log.js';
import { gatewayStartPhases } from './openclaw/gateway-start-phases.js';
import { playIncident } from './play-incident.js';
import { playRenewal } from './play-renewal.js';
import { restartViaSchema, type RestartVia } from '../protocol/agent-api.js';

/*
 * `npm run demo [-- --keep]`: the whole product on one machine, no Discord account needed.
 * Two node agents over state dirs that reproduce the incident, a stand-in gateway per node,
 * the local Discord stand-in and the real bot connected to it; then the incident is played
 * in the ops channel and the channel is printed as a transcript, with where the recovery's
 * time went. Exit 0 when every step showed what it should. `--keep` leaves everything
 * running, for the CLI.
 *
 * `--openclaw [version]` plays it on real OpenClaw gateways instead of stand-ins (default
 * 2026.9.6), installed by scripts/openclaw/install.sh into its cache on first use.
 * `--restart-via command` restarts the gateways with their restart command (a new process,
 * as systemd does) instead of asking them through their admin RPC (the default).
 */

const USAGE = `usage: npm run demo [-- --keep] [-- --dir <folder>] [-- --openclaw [version]] [-- --restart-via gateway|command]   (version default ${DEFAULT_OPENCLAW_VERSION})`;

function usageError(message: string): never {
  process.stderr.write(`demo: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args: { keep?: boolean; dir?: string; help?: boolean; openclaw?: boolean; 'restart-via'?: string };
let openclawVersion: string | null = null;
let restartVia: RestartVia = 'gateway';
try {
  const parsed = parseArgs({ options: { keep: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' }, openclaw: { type: 'boolean' }, 'restart-via': { type: 'string' } }, strict: true, allowPositionals: true });
  args = parsed.values;
  if (args['restart-via'] !== undefined) {
    const via = restartViaSchema.safeParse(args['restart-via']);
    if (!via.success) usageError(`--restart-via takes gateway or command, not "${args['restart-via']}"`);
    restartVia = via.data;
  }
  if (parsed.positionals.length > 0 && !args.openclaw) usageError(`unexpected ${parsed.positionals.join(' ')} (a version goes after --openclaw)`);
  if (parsed.positionals.length > 1) usageError(`one OpenClaw version at a time, not ${parsed.positionals.join(' ')}`);
  if (args.openclaw) {
    openclawVersion = parsed.positionals[0] ?? DEFAULT_OPENCLAW_VERSION;
    if (!/^\d{4}\.\d{1,2}\.\d{1,2}$/.test(openclawVersion)) usageError(`"${openclawVersion}" is not an OpenClaw version (like ${DEFAULT_OPENCLAW_VERSION})`);
  }
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

let localFleet: LocalFleet | OpenClawFleet | undefined;
let oauthProvider: RotatingOAuthServer | undefined;
let bot: RunningBot | undefined;
let discord: DiscordStandin | undefined;

async function shutdown(): Promise<void> {
  await bot?.stop();
  await localFleet?.stop();
  await discord?.close();
  await oauthProvider?.stop();
  killAllSpawned();
}

// Every line any process of the demo logs, to show at the end that no secret is in one.
const logLines: string[] = [];
observeOutput((line) => logLines.push(line));

let exitCode = 1;
try {
  progress(`state dirs of the incident in ${path.relative(process.cwd(), root) || root}`);
  // The accounts' provider: it knows pc-a's refresh tokens, not t440's dead copy; renewal runs against it.
  const provider = await startOAuthServer({ onSecret: (value) => incidentSecrets.push(value) });
  oauthProvider = provider;
  // The nodes run as docs/install-node.md recommends: OpenClaw's admin RPC on (INCIDENT_NODES),
  // and the agent restarting the gateway through it (OpenClaw's own restart, in its process),
  // unless --restart-via command.
  const agentEnv = { TOKENOPS_OAUTH_PROVIDERS: providersFile(provider.tokenUrl, 'tokenops-demo'), TOKENOPS_RESTART_VIA: restartVia };
  // On real OpenClaw a node is a home (HOME, TMPDIR, and the state dir OpenClaw runs on); a stand-in needs only the state dir.
  const nodesDir = path.join(root, 'nodes');
  const homes = { 'pc-a': path.join(nodesDir, 'pc-a'), t440: path.join(nodesDir, 't440') };
  const states = buildIncident(nodesDir, Date.now(), (node) => (openclawVersion ? path.join(homes[node], 'state') : homes[node]));
  for (const token of ownerRefreshTokens) provider.issue(token);
  let local: LocalFleet | OpenClawFleet;
  if (openclawVersion) {
    const install = await installOpenClaw(openclawVersion, (line) => progress(line));
    progress(`starting two real OpenClaw ${openclawVersion} gateways (each takes tens of seconds to be ready)…`);
    local = await startOpenClawFleet(install, homes, INCIDENT_NODES, { log: progress, agentEnv });
  } else {
    local = await startLocalFleet(states, { gatewayReadyDelayMs: 300, readyDeadline: '15s', agentEnv });
  }
  localFleet = local;
  const keys = local.keys;
  for (const node of Object.values(local.nodes)) progress(`node ${node.name}: agent ${node.agent.url}, ${openclawVersion ? `OpenClaw ${openclawVersion}` : 'stand-in'} gateway ${node.gateway.url}`);
  const fleet = {
    nodes: local.fleetNodes,
    // OpenClaw 2026.9 names the Codex provider `openai` once `openclaw doctor --fix` has migrated its stores.
    owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a', 'openai:*': 'pc-a' },
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

  const realT440 = openclawVersion ? (local as OpenClawFleet).nodes.t440 : undefined;
  const play = await playIncident(discord, {
    // Real gateways take tens of seconds to come back; the stand-ins a fraction of one.
    timeoutMs: openclawVersion ? 300_000 : 60_000,
    ...(realT440 ? { afterRecovery: () => confirmTokenHealth(discord!, realT440.home, 't440', 'anthropic:default') } : {}),
  });
  const results = play.results;
  if (results.every((result) => result.ok)) {
    progress('the renewal that keeps it from happening again…');
    const nodes = Object.fromEntries(Object.values(local.nodes).map((node) => [node.name, { url: node.agent.url, key: node.key }]));
    results.push(
      ...(await playRenewal({
        nodes,
        owner: 'pc-a',
        provider,
        timeoutMs: openclawVersion ? 120_000 : 30_000,
        restartBot: async (renew) => {
          await bot?.stop();
          bot = await startBot(discord!, { ...fleet, renew }, keys, { botToken, dir: botDir });
        },
        ...(realT440 ? { confirm: (node: string, expiresAtMs: number) => confirmRenewed(realT440.home, node, 'anthropic:default', expiresAtMs) } : {}),
      })),
    );
  }
  const secrets = [...incidentSecrets, ...Object.values(keys), botToken];
  const seen = [...logLines, ...discord.requestBodies];
  const leaked = secrets.filter((secret) => seen.some((text) => text.includes(secret)));
  results.push({ step: 'no secret in a log or a Discord payload', ok: leaked.length === 0, detail: `${secrets.length} tokens and keys looked for in ${logLines.length} log lines and ${discord.requestBodies.length} payloads: ${leaked.length} found` });
  const violations = discord.specViolations;
  results.push({ step: "every request one Discord's API takes", ok: violations.length === 0, detail: `${discord.requests.length} requests checked against discord-api-spec${violations.length ? `; refused: ${violations.join('; ')}` : ''}` });
  process.stdout.write(`${discord.transcript(undefined, { includeEphemeral: true, versions: true })}\n\n`);
  process.stdout.write(`${results.map((result) => `${result.ok ? '✓' : '✗'} ${result.step}: ${result.detail}`).join('\n')}\n`);
  if (play.marks) {
    const restart = restartFromLog(logLines, local.nodes.t440?.agent.proc.pid);
    const rows = incidentTimings({ ...play.marks, restart, capacityVia: capacityViaFromLog(logLines, local.nodes.t440?.agent.proc.pid) });
    process.stdout.write(`\nWhere the recovery's time went (${openclawVersion ? `real OpenClaw ${openclawVersion}` : 'stand-in gateways'}; the bot's steps as Discord received its edits, the restart from t440's agent):\n${renderTimings(rows)}\n`);
    if (realT440 && restart) {
      const spawnedAt = restart.startedAt + restart.commandMs;
      const output = readFileSync(path.join(realT440.home.root, 'gateway.out'), 'utf8').split('\n');
      const phases = gatewayStartPhases(output, restart.startedAt, spawnedAt, restart.readyAfterMs === null ? null : spawnedAt + restart.readyAfterMs, restart.via);
      process.stdout.write(`\nWhere the gateway's start went (t440's gateway output):\n${renderTimings(phases, restart.via === 'gateway' ? 'it agreed' : 'spawn')}\n`);
    }
  }
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
