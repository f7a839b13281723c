import { once } from 'node:events';
import { loadAgentEnv } from '../config/agent-env.js';
import { loadDotEnv } from '../config/dotenv.js';
import { createLogger, flushLogs } from '../logging/logger.js';
import { createAgentContext } from './agent-context.js';
import { createAgentServer } from './http/agent-server.js';
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
  const agent = await createAgentServer(context, env.TOKENOPS_AGENT_KEY);
  const watcher = new NodeWatcher(context);
  watcher.on('event', (event) => {
    logger.info({ event: event.type, ...('profileId' in event ? { agentId: event.agentId, profileId: event.profileId } : {}) }, 'node event');
    agent.events.publish(event);
  });

  agent.server.listen(env.TOKENOPS_LISTEN.port, env.TOKENOPS_LISTEN.host);
  try {
    await once(agent.server, 'listening');
  } catch (error) {
    process.stderr.write(`tokenops-agent: TOKENOPS_LISTEN: cannot listen on ${env.TOKENOPS_LISTEN.host}:${env.TOKENOPS_LISTEN.port} (${(error as NodeJS.ErrnoException).code})\n`);
    process.exit(2);
  }
  await watcher.start();
  const address = agent.server.address();
  const port = typeof address === 'object' && address ? address.port : env.TOKENOPS_LISTEN.port;
  logger.info({ node: env.TOKENOPS_NODE, host: env.TOKENOPS_LISTEN.host, port, stateDir: env.OPENCLAW_STATE_DIR }, 'agent listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'agent stopping');
    watcher.stop();
    void agent
      .close()
      .then(() => flushLogs())
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
