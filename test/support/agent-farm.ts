import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { offlineProvidersFile } from '../../src/demo/offline-providers.js';
import { createAgentContext } from '../../src/agent/agent-context.js';
import { createAgentServer, type AgentServer } from '../../src/agent/http/agent-server.js';
import { NodeWatcher } from '../../src/agent/node-watcher.js';
import { agentEnvSchema } from '../../src/config/agent-env.js';
import { createLogger } from '../../src/logging/logger.js';
import { buildStateDir, HOUR, oauth, plantedSecrets } from './state-dir.js';

/*
 * Many agents in one process, for load and benchmark runs where a process per node would
 * cost more than the thing measured: each is the real agent server over its own state dir
 * and key. "Black holes" accept connections and never answer, like a hung node.
 */

export interface FarmNode {
  name: string;
  url: string;
  keyHex: string;
  stateDir?: string;
}

export interface AgentFarm {
  nodes: FarmNode[];
  close(): Promise<void>;
}

export async function startAgentFarm(options: {
  agents: number;
  blackHoles?: number;
  profilesPerNode?: number;
  prefix?: string;
  /** The same profiles (same tokens) on every node, as after a sync. */
  sharedProfiles?: Record<string, unknown>;
  /** Run each agent's store watcher, so it publishes events (refresh-triggered sync). */
  watch?: boolean;
  /** Where every agent finds its gateway; default a closed port (not ready). */
  gatewayUrl?: string;
  /** TOKENOPS_OAUTH_PROVIDERS for every agent; default every provider at a closed port. */
  oauthProviders?: string;
}): Promise<AgentFarm> {
  const servers: AgentServer[] = [];
  const watchers: NodeWatcher[] = [];
  const holes: Array<{ server: Server; sockets: Set<Socket> }> = [];
  const nodes: FarmNode[] = [];
  const logger = createLogger('farm', 'silent');
  for (let index = 0; index < options.agents; index++) {
    const name = `${options.prefix ?? 'node'}-${String(index).padStart(3, '0')}`;
    const profiles: Record<string, unknown> = {};
    for (let p = 0; p < (options.profilesPerNode ?? 3); p++) profiles[`provider${p}:default`] = oauth(`provider${p}`, (8 + p) * HOUR);
    Object.assign(profiles, structuredClone(options.sharedProfiles ?? {}));
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles } } });
    const keyHex = randomBytes(32).toString('hex');
    plantedSecrets.add(keyHex);
    const env = agentEnvSchema.parse({ TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_GATEWAY_URL: options.gatewayUrl ?? 'http://127.0.0.1:9', TOKENOPS_OAUTH_PROVIDERS: options.oauthProviders ?? offlineProvidersFile() });
    const context = createAgentContext(env, logger);
    const agent = await createAgentServer(context, env.TOKENOPS_AGENT_KEY);
    if (options.watch) {
      const watcher = new NodeWatcher(context);
      watcher.on('event', (event) => agent.events.publish(event));
      await watcher.start();
      watchers.push(watcher);
    }
    agent.server.listen(0, '127.0.0.1');
    await once(agent.server, 'listening');
    const address = agent.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    servers.push(agent);
    nodes.push({ name, url: `http://127.0.0.1:${address.port}`, keyHex, stateDir });
  }
  for (let index = 0; index < (options.blackHoles ?? 0); index++) {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    holes.push({ server, sockets });
    const keyHex = randomBytes(32).toString('hex');
    nodes.push({ name: `${options.prefix ?? 'node'}-hung-${index}`, url: `http://127.0.0.1:${address.port}`, keyHex });
  }
  return {
    nodes,
    async close() {
      for (const watcher of watchers) watcher.stop();
      await Promise.all(servers.map((agent) => agent.close()));
      for (const hole of holes) {
        for (const socket of hole.sockets) socket.destroy();
        hole.server.close();
      }
    },
  };
}

/** A fleet file and the environment holding its keys, for a set of farm nodes. */
export function fleetFor(nodes: readonly FarmNode[], extra: Record<string, unknown> = {}): { fleet: Record<string, unknown>; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const fleetNodes = nodes.map((node) => {
    const keyEnv = `TOKENOPS_KEY_${node.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    env[keyEnv] = node.keyHex;
    return { name: node.name, url: node.url, keyEnv };
  });
  return { fleet: { nodes: fleetNodes, ...extra }, env };
}
