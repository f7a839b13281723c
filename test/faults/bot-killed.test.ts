import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_LOCK_TTL_MS } from '../../src/fleet/node-locks.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { processStartTime } from '../../src/agent/store/process-starttime.js';
import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { DEFAULT_OPS_MEMBER, DiscordStandin } from '../../src/standin/discord/index.js';
import { startBot, type RunningBot } from '../support/bot-process.js';
import { capturedOutput, killAllSpawned } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, DAY, HOUR, newNodeKeyHex, oauth, openclawJson5, readStore, storePath } from '../support/state-dir.js';

/*
 * The bot is SIGKILLed in the middle of a confirmed restart, and again in the middle of a
 * sync. When it is back: nothing runs a second time (the gateway restarted once; a late ✅
 * on the old plan does nothing), the message that started the restart says it was
 * interrupted and where the node is now, and the audit log says so too.
 */

let discord: DiscordStandin;
let bot: RunningBot;
let local: LocalFleet;
let fleet: Record<string, unknown>;
let botDir: string;
let t440State: string;
let pcAState: string;
const HEARTBEAT = { TOKENOPS_HEARTBEAT: '1s' };

beforeAll(async () => {
  const now = Date.now();
  const states = {
    'pc-a': buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 7 * HOUR, {}, now), 'openai-codex:ops@example.com': oauth('openai-codex', 9 * DAY, {}, now) } } }, openclawJson5: openclawJson5(['main'], 8) }),
    t440: buildStateDir({ layout: 'legacy', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 5 * HOUR, {}, now), 'openai-codex:ops@example.com': oauth('openai-codex', 2 * DAY, {}, now) } } }, openclawJson5: openclawJson5(['main'], 4) }),
  };
  t440State = states.t440;
  pcAState = states['pc-a'];
  // A gateway that takes 6 s to come back: time enough to kill the bot halfway.
  local = await startLocalFleet(states, { newKey: newNodeKeyHex, gatewayReadyDelayMs: 6_000, readyDeadline: '30s' });
  fleet = { nodes: local.fleetNodes, owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' }, sync: { auto: false } };
  discord = await DiscordStandin.start({ log: () => undefined });
  bot = await startBot(discord, fleet, { ...local.keys, ...HEARTBEAT });
  botDir = bot.fleetFile.replace(/\/fleet\.json$/, '');
  await discord.waitForReady();
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await local?.stop();
  await discord?.close();
  killAllSpawned();
  expect(findSecrets([...discord.requestBodies, ...capturedOutput])).toEqual([]);
});

function allKeys(): string[] {
  const db = new Database(path.join(botDir, 'state.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT key FROM keyv').all() as Array<{ key: string }>).map((row) => row.key);
  } finally {
    db.close();
  }
}

/** The running operations the bot has written down. */
const journalKeys = () => allKeys().filter((key) => key.startsWith('journal:op:'));

/** Node locks a live lease still holds in the state file (a killed bot's last until their lease runs out). */
function heldLocks(): string[] {
  const db = new Database(path.join(botDir, 'state.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT node FROM node_locks WHERE expires_at > ?').all(Date.now()) as Array<{ node: string }>).map((row) => row.node);
  } catch {
    return []; // no lock was ever taken
  } finally {
    db.close();
  }
}

async function restartBot(): Promise<void> {
  bot = await startBot(discord, fleet, { ...local.keys, ...HEARTBEAT }, { dir: botDir });
  await discord.waitForReady(30_000);
}

async function audit(): Promise<string> {
  const state = await discord.slash('audit', { options: { limit: 20 }, member: DEFAULT_OPS_MEMBER.id }).waitForReply((s) => s.embeds.length > 0, 15_000);
  return state.embeds.map((embed) => embed.description ?? '').join('\n');
}

test('killed mid-restart: reported on its message and in the audit log, never run again', async () => {
  const gateway = local.nodes.t440!.gateway;
  const pidBefore = gateway.pid();
  const handle = discord.slash('restart', { options: { node: 't440' }, member: DEFAULT_OPS_MEMBER.id });
  const plan = await handle.waitForReply((s) => s.content.includes('React ✅'), 15_000);
  const messageId = plan.original!.id;
  await discord.waitFor(() => (Object.keys(discord.reactionsOn(messageId)).length >= 2 ? true : undefined), 5_000, 'the bot to add ✅ and ❌');
  discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
  await handle.waitForReply((s) => s.content.includes('restarting the gateway'), 15_000);
  // The agent has the restart in hand (its gateway takes 6 s to come back): now the bot dies.
  await local.nodes.t440!.agent.waitFor(/"msg":"restarting gateway"/, 15_000);
  await bot.stop('SIGKILL');

  // The agent finishes the restart on its own; the new gateway comes up once.
  for (let waited = 0; gateway.pid() === pidBefore || gateway.pid() === null; waited += 100) {
    if (waited > 30_000) throw new Error(`the agent did not restart the gateway:\n${local.nodes.t440!.agent.output.slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pidAfter = gateway.pid();

  await restartBot();
  const reported = await discord.waitFor(() => {
    const content = discord.messageById(messageId)?.content ?? '';
    return content.startsWith('💥 Interrupted') ? content : undefined;
  }, 30_000, 'the restart message to say it was interrupted');
  expect(reported).toMatch(/the bot stopped while this restart \(t440\) ran, started by ops-alice .* It was not run again\. Now: t440 gateway (ready|NOT ready), tokens /);

  // A late ✅ on the old plan starts nothing.
  discord.unreact(messageId, '✅', DEFAULT_OPS_MEMBER.id);
  discord.react(messageId, '✅', DEFAULT_OPS_MEMBER.id);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(gateway.pid()).toBe(pidAfter);
  // Restarted exactly once: the agent ran its restart command one time in all of this.
  const restarts = local.nodes.t440!.agent.output.filter((line) => line.includes('"msg":"restarting gateway"')).length;
  expect(restarts).toBe(1);

  const log = await audit();
  expect(log).toMatch(/💥 .*\*\*restart\*\* t440 · interrupted · bot restart \(scheduler\) — started by ops-alice/);
  expect(log.match(/\*\*restart\*\* t440 · ok/g) ?? []).toHaveLength(0);
  console.log(`bot killed mid-restart: the agent ran its restart command ${restarts} time (gateway pid ${pidBefore} → ${pidAfter}), reported interrupted, a late ✅ ignored`);
}, 120_000);

test('killed mid-sync: the sync is reported interrupted in the ops channel and the audit log; the store is whole', async () => {
  // t440's store is locked by a live holder (this test process, as OpenClaw would hold it),
  // so the sync's import waits there: the bot is killed while it waits.
  // pc-a has a fresher token than anything t440 holds (the restart above synced it first), so
  // the import has something to write and must wait for the lock: with nothing to change it
  // answers at once, without the lock, and there is no "halfway" to kill the bot in.
  // And the agent has finished the restart the bot above died in: until then it refuses any
  // import as busy, at once, which is right but again leaves nothing to kill halfway.
  await local.nodes.t440!.agent.waitFor(/"msg":"gateway restart finished"/, 30_000);
  // The killed bot held t440 (its restart): the lock is a lease nobody renews now, and lapses
  // within DEFAULT_LOCK_TTL_MS. Until then a sync is refused as busy, rightly.
  const lapsedAfter = Date.now();
  for (let waited = 0; heldLocks().includes('t440'); waited += 100) {
    if (waited > DEFAULT_LOCK_TTL_MS + 5_000) throw new Error('the killed bot\'s lock on t440 never lapsed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`the killed bot's lock on t440 lapsed ${Date.now() - lapsedAfter} ms after its restart finished`);
  const pcA = readStore(pcAState, 'main');
  pcA.profiles['anthropic:default'] = oauth('anthropic', 11 * HOUR);
  writeFileSync(storePath(pcAState, 'main'), `${JSON.stringify(pcA, null, 2)}\n`, { mode: 0o600 });
  const lockFile = `${storePath(t440State, 'main')}.lock`;
  writeFileSync(lockFile, `${JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString(), starttime: processStartTime(process.pid) ?? undefined }, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    discord.slash('tokens', { subcommand: 'sync', options: { from: 'pc-a', to: 't440' }, member: DEFAULT_OPS_MEMBER.id });
    // Killed once the bot has written the sync down (its import then waits up to
    // TOKENOPS_LOCK_WAIT, 10 s, for the lock): halfway, however loaded the machine.
    for (let waited = 0; journalKeys().length === 0; waited += 100) {
      if (waited > 20_000) throw new Error(`the bot never started the sync; its state holds: ${allKeys().join(', ')}\nmessages: ${JSON.stringify(discord.messages.slice(-3).map((m) => m.content))}\nbot: ${bot.output.slice(-8).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await bot.stop('SIGKILL');
  } finally {
    rmSync(lockFile, { force: true });
  }
  await restartBot();
  const notice = await discord.waitForMessage((message) => message.content.startsWith('💥 Interrupted') && message.content.includes('tokens sync (pc-a → t440)'), 30_000);
  expect(notice.content).toMatch(/started by ops-alice .* It was not run again\. Now: pc-a gateway ready, tokens \w+; t440 gateway ready, tokens \w+\./);
  const log = await audit();
  expect(log).toMatch(/\*\*tokens sync\*\* pc-a → t440 · interrupted · bot restart \(scheduler\)/);
  // Whatever the agent did after the bot died, the store is a whole document.
  expect(() => readStore(t440State, 'main')).not.toThrow();
  console.log('bot killed mid-sync: reported interrupted in the channel and the audit log; the store is whole');
}, 120_000);
