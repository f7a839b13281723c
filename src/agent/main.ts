import { once } from 'node:events';
import { loadAgentEnv } from '../config/agent-env.js';
import { loadDotEnv } from '../config/dotenv.js';
import { createLogger, flushLogs } from '../logging/logger.js';
import { createAgentContext } from './agent-context.js';
import { createAgentServer, type AgentServer } from './http/agent-server.js';
import { NodeWatcher } from './node-watcher.js';

/** The node agent: serves this node's credential store over the signed API. */
async function main(): Promise<void> {
  loadDotEnv();
  const loaded = loadAgentEnv(process.env);
  if (!loaded.ok) {
    for (const problem of loaded.problems) process.stderr.write(`tokenops-agent: ${problem}\n`);
    process.exit(2);
  }
  const env = loaded.value;
  const logger = createLogger('tokenops-agent', env.TOKENOPS_LOG_LEVEL);
  let context;
  try {
    context = createAgentContext(env, logger);
  } catch (error) {
    process.stderr.write(`tokenops-agent: TOKENOPS_OAUTH_PROVIDERS: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // From here on a signal stops the agent, whatever it is doing: before it listens, there is
  // nothing to close yet.
  let agent: AgentServer | undefined;
  let watcher: NodeWatcher | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'agent stopping');
    watcher?.stop();
    // A close that takes longer is a forced stop, and its exit code says so.
    setTimeout(() => process.exit(1), 3000).unref();
    void (agent?.close() ?? Promise.resolve())
      .then(() => flushLogs())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const server = await createAgentServer(context, env.TOKENOPS_AGENT_KEY);
  agent = server;
  const nodeWatcher = new NodeWatcher(context);
  watcher = nodeWatcher;
  nodeWatcher.on('event', (event) => {
    logger.info({ event: event.type, ...('profileId' in event ? { agentId: event.agentId, profileId: event.profileId } : {}) }, 'node event');
    server.events.publish(event);
  });

  server.server.listen(env.TOKENOPS_LISTEN.port, env.TOKENOPS_LISTEN.host);
  try {
    await once(server.server, 'listening');
  } catch (error) {
    process.stderr.write(`tokenops-agent: TOKENOPS_LISTEN: cannot listen on ${env.TOKENOPS_LISTEN.host}:${env.TOKENOPS_LISTEN.port} (${(error as NodeJS.ErrnoException).code})\n`);
    process.exit(2);
  }
  await nodeWatcher.start();
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : env.TOKENOPS_LISTEN.port;
  logger.info({ node: env.TOKENOPS_NODE, host: env.TOKENOPS_LISTEN.host, port, stateDir: env.OPENCLAW_STATE_DIR }, 'agent listening');
}

await main();
