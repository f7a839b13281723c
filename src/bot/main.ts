import { Events } from 'discord.js';
import { FleetClient } from '../fleet/fleet-client.js';
import { NodeLocks } from '../fleet/node-locks.js';
import { AgentEventSubscriber } from '../jobs/agent-event-subscriber.js';
import { AlertChecks } from '../jobs/alert-checks.js';
import { AutoSync } from '../jobs/auto-sync.js';
import { AlertStore } from '../state/alert-store.js';
import { createLogger } from '../logging/logger.js';
import { AuditLog, type AuditRecord } from '../state/audit-log.js';
import { PendingPlans, type PendingPlan } from '../state/pending-plans.js';
import { openStateStore } from '../state/state-store.js';
import type { BotContext } from './bot-context.js';
import { CommandLoadError, loadCommands } from './command-loader.js';
import { createDiscordClient, registerCommands } from './discord-client.js';
import { createInteractionRouter } from './interaction-router.js';
import { opsChannelEditor, opsChannelPoster } from './ops-channel.js';
import { expireLeftoverPlans } from './pending-plan-expiry.js';
import { exitWith, loadBotSettingsOrExit } from './startup.js';

/** The Discord bot: `npm start`. */
async function main(): Promise<void> {
  const { env, fleet } = loadBotSettingsOrExit('tokenops-bot');
  const logger = createLogger('tokenops-bot', env.TOKENOPS_LOG_LEVEL);
  const commands = await loadCommands().catch((error: Error) => exitWith('tokenops-bot', [error instanceof CommandLoadError ? error.message : `commands: ${error.message}`]));
  let state;
  try {
    state = openStateStore(env.TOKENOPS_STATE);
  } catch (error) {
    exitWith('tokenops-bot', [`TOKENOPS_STATE: ${(error as Error).message}`]);
  }
  const fleetClient = new FleetClient(fleet, { timeoutMs: env.TOKENOPS_NODE_TIMEOUT, concurrency: env.TOKENOPS_FANOUT });
  const client = createDiscordClient(env);
  const post = opsChannelPoster(client, env.OPS_CHANNEL_ID, logger);
  const notify = async (text: string) => {
    await post(text).catch(() => undefined);
  };
  const locks = new NodeLocks();
  const audit = new AuditLog(state.namespace<AuditRecord>('audit'));
  const alertStore = new AlertStore(state.namespace<unknown>('alerts'));
  const alertChecks = new AlertChecks({ fleet, fleetClient, locks, store: alertStore, audit, post, edit: opsChannelEditor(client, env.OPS_CHANNEL_ID), logger });
  const context: BotContext = {
    env,
    fleet,
    fleetClient,
    locks,
    // Conflicts and terminal refreshes found by sync become alerts at the next check, soon.
    alerts: alertChecks,
    alertStore,
    state,
    audit,
    pendingPlans: new PendingPlans(state.namespace<PendingPlan>('pending-plans')),
    client,
    logger,
    now: Date.now,
  };
  const events = new AgentEventSubscriber(fleet.nodes, logger);
  const autoSync = new AutoSync({ fleet, fleetClient, locks: context.locks, events, audit: context.audit, alerts: context.alerts, notify, logger });

  client.on(Events.InteractionCreate, createInteractionRouter(commands, context));
  client.on(Events.Error, (error) => logger.error({ err: error.message }, 'discord client error'));
  client.once(Events.ClientReady, async (ready) => {
    logger.info({ user: ready.user.tag, guild: env.DISCORD_GUILD_ID, nodes: fleet.nodes.length, state: state.location }, 'bot ready');
    try {
      const count = await registerCommands(env, commands);
      logger.info({ count }, 'guild commands registered');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not register commands (check DISCORD_CLIENT_ID and the bot’s access to the guild)');
    }
    await expireLeftoverPlans(context);
    events.start();
    if (fleet.sync.auto) autoSync.start();
    alertChecks.start();
    logger.info({ autoSync: fleet.sync.auto, onRefresh: fleet.sync.onRefresh, everyMs: fleet.sync.every }, 'jobs started');
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'bot stopping');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    events.stop();
    await autoSync.stop().catch(() => undefined);
    await alertChecks.stop().catch(() => undefined);
    await client.destroy().catch(() => undefined);
    await fleetClient.close().catch(() => undefined);
    await state.close().catch(() => undefined);
    logger.info('bot stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    await client.login(env.DISCORD_TOKEN);
  } catch (error) {
    exitWith('tokenops-bot', [`DISCORD_TOKEN: login failed (${(error as Error).message})`]);
  }
}

await main();
