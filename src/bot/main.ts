import { Events } from 'discord.js';
import { FleetClient } from '../fleet/fleet-client.js';
import { NodeLocks } from '../fleet/node-locks.js';
import { AlertStore } from '../state/alert-store.js';
import { createLogger, flushLogs } from '../logging/logger.js';
import { AuditLog, type AuditRecord } from '../state/audit-log.js';
import { openCoordination } from '../state/coordination.js';
import { PendingPlans, type PendingPlan } from '../state/pending-plans.js';
import { RenewalStore } from '../state/renewal-store.js';
import { isRedisUrl, redisTarget } from '../state/redis-url.js';
import { openStateStore } from '../state/state-store.js';
import type { BotContext } from './bot-context.js';
import { CommandLoadError, loadCommands } from './command-loader.js';
import { createDiscordClient, registerCommands } from './discord-client.js';
import { startupProblems } from './startup-checks.js';
import { claimedInteractions } from './interaction-claim.js';
import { createInteractionRouter } from './interaction-router.js';
import { LeaderJobs } from './leader-jobs.js';
import { opsChannelEditor, opsChannelPoster } from './ops-channel.js';
import { expireLeftoverPlans } from './pending-plan-expiry.js';
import { reportInterruptedOperations } from './interrupted-operations.js';
import { OperationJournal } from '../state/operation-journal.js';
import { closePicturePool } from '../timeline/picture-pool.js';
import { exitWith, loadBotSettingsOrExit } from './startup.js';
import type { MetricsServer } from '../metrics/metrics-server.js';


/** The Discord bot: `npm start`. */
async function main(): Promise<void> {
  const { env, fleet } = loadBotSettingsOrExit('tokenops-bot');
  const logger = createLogger('tokenops-bot', env.TOKENOPS_LOG_LEVEL);
  // A signal while starting stops at once: nothing holds anything yet that needs an orderly
  // close (no job, lease or confirmation before the client is ready; SQLite survives an exit).
  let stopping = false;
  let stop = async (signal: string): Promise<void> => {
    stopping = true;
    logger.info({ signal }, 'bot stopping while starting');
    await flushLogs();
    process.exit(0);
  };
  process.on('SIGINT', () => void (stopping || stop('SIGINT')));
  process.on('SIGTERM', () => void (stopping || stop('SIGTERM')));
  logger.info({ nodes: fleet.nodes.length }, 'bot starting');
  const commands = await loadCommands().catch((error: Error) => exitWith('tokenops-bot', [error instanceof CommandLoadError ? error.message : `commands: ${error.message}`]));
  let state;
  try {
    state = await openStateStore(env.TOKENOPS_STATE);
  } catch (error) {
    exitWith('tokenops-bot', [`TOKENOPS_STATE: ${(error as Error).message}`]);
  }
  // Several replicas share Redis: the fan-out limit holds across them (bottleneck clustering),
  // one leader runs the scheduled jobs, and one replica answers each interaction.
  const replicas = isRedisUrl(env.TOKENOPS_STATE);
  const fleetClient = new FleetClient(fleet, { timeoutMs: env.TOKENOPS_NODE_TIMEOUT, concurrency: env.TOKENOPS_FANOUT, ...(replicas ? { sharedLimit: { redisUrl: env.TOKENOPS_STATE } } : {}) });
  const coordination = openCoordination(env.TOKENOPS_STATE, { leaseMs: env.TOKENOPS_LEADER_LEASE, logger });
  const client = createDiscordClient(env);
  const post = opsChannelPoster(client, env.OPS_CHANNEL_ID, logger);
  // Shared with the other replicas and the CLI through the state: a node planned for here is busy everywhere.
  const locks = new NodeLocks(state.nodeLocks(), { owner: coordination.leadership.owner, onLost: (node, reason) => logger.warn({ node, reason }, 'a node lock held here could not be renewed') });
  const audit = new AuditLog(state.namespace<AuditRecord>('audit'));
  const alertStore = new AlertStore(state.namespace<unknown>('alerts'));
  const pendingPlans = new PendingPlans(state.namespace<PendingPlan>('pending-plans'));
  const renewals = new RenewalStore(state.namespace<unknown>('renewal'));
  // Metrics only when asked for (the bot then listens on one more port), hooked before anything
  // runs. Their code (and prom-client) is loaded only then.
  let metricsServer: MetricsServer | undefined;
  if (env.TOKENOPS_METRICS) {
    const [{ BotMetrics }, { countDiscordErrors }, { startMetricsServer }] = await Promise.all([import('../metrics/bot-metrics.js'), import('../metrics/discord-errors.js'), import('../metrics/metrics-server.js')]);
    const metrics = new BotMetrics({ fleet, alertStore, renewals, leadership: coordination.leadership, logger });
    metrics.watch(fleetClient, audit);
    countDiscordErrors(client, metrics);
    const listen = env.TOKENOPS_METRICS_LISTEN;
    metricsServer = await startMetricsServer(metrics.registry, listen, logger).catch((error: NodeJS.ErrnoException) => exitWith('tokenops-bot', [`TOKENOPS_METRICS_LISTEN: cannot listen on ${listen.host}:${listen.port} (${error.code ?? error.message})`]));
    logger.info({ host: listen.host, port: metricsServer.port }, 'metrics listening');
  }
  const journal = new OperationJournal(state.namespace<unknown>('journal'), {
    heartbeatMs: env.TOKENOPS_HEARTBEAT,
    owner: coordination.leadership.owner,
    // A Redis client's error may quote its URL, password included.
    onError: (message) => logger.warn(replicas ? redisTarget(env.TOKENOPS_STATE).scrub(message) : message),
  });
  await journal.start();
  const jobs = new LeaderJobs({
    journal,
    fleet,
    fleetClient,
    locks,
    audit,
    alertStore,
    post,
    edit: opsChannelEditor(client, env.OPS_CHANNEL_ID),
    logger,
    renewals,
    leadership: coordination.leadership,
    requestAlertCheck: () => coordination.requestAlertCheck(),
    // One replica: every plan left at start. Replicas: those whose replica stopped beating (a live one still waits on its own).
    expirePlans: () => expireLeftoverPlans(context, replicas ? 'orphaned' : 'all'),
    ...(replicas ? { planSweepEveryMs: 3 * env.TOKENOPS_HEARTBEAT } : {}),
    reportInterrupted: () => reportInterruptedOperations(context, post),
    // An entry is left over only once its owner has missed three beats: looking more often finds nothing new.
    interruptedEveryMs: 3 * env.TOKENOPS_HEARTBEAT,
  });
  const context: BotContext = {
    env,
    fleet,
    fleetClient,
    locks,
    // Conflicts and terminal refreshes found by sync become alerts at the leader's next check, soon.
    alerts: jobs,
    alertStore,
    renewals,
    state,
    audit,
    pendingPlans,
    journal,
    client,
    logger,
    now: Date.now,
  };
  coordination.onAlertCheckRequest(() => jobs.checkSoon());
  coordination.leadership.on('change', (change) => void jobs.follow(change));

  client.on(Events.InteractionCreate, claimedInteractions(coordination.claims, createInteractionRouter(commands, context), logger));
  client.on(Events.Error, (error) => logger.error({ err: error.message }, 'discord client error'));
  client.once(Events.ClientReady, async (ready) => {
    logger.info({ user: ready.user.tag, guild: env.DISCORD_GUILD_ID, nodes: fleet.nodes.length, state: state.location, replicas: coordination.mode === 'replicas', replica: coordination.leadership.owner }, 'bot ready');
    try {
      const count = await registerCommands(env, commands);
      logger.info({ count }, 'guild commands registered');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not register commands (check DISCORD_CLIENT_ID and the bot’s access to the guild)');
    }
    // Jobs start when this replica leads: at once with one replica, after winning the lease with several.
    coordination.leadership.start();
    // What the doctor would say about this server and this state, one line per problem with its fix.
    for (const problem of startupProblems(ready, env)) {
      logger.error({ check: `${problem.area} ${problem.check}`, fix: problem.fix }, `${problem.check}: ${problem.detail} → ${problem.fix}`);
    }
  });

  stop = async (signal: string) => {
    stopping = true;
    logger.info({ signal }, 'bot stopping');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    // Pictures are never worth holding a stop for: a check drawing one posts without it and ends.
    await closePicturePool().catch(() => undefined);
    // Jobs first, then the lease (compare-and-delete): the next leader never overlaps with ours.
    await jobs.shutdown();
    await journal.stop();
    await coordination.close().catch(() => undefined);
    await client.destroy().catch(() => undefined);
    await metricsServer?.close();
    await fleetClient.close().catch(() => undefined);
    await state.close().catch(() => undefined);
    logger.info('bot stopped');
    await flushLogs();
    process.exit(0);
  };

  try {
    await client.login(env.DISCORD_TOKEN);
  } catch (error) {
    exitWith('tokenops-bot', [`DISCORD_TOKEN: login failed (${(error as Error).message})`]);
  }
}

await main();
