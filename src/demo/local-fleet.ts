import { randomBytes } from 'node:crypto';
import { startAgent, startStandInGateway, type RunningAgent, type StandInGateway } from './local-processes.js';

/** One node on loopback: its stand-in gateway and the agent beside it, with the node's key. */
export interface LocalNode {
  name: string;
  agent: RunningAgent;
  gateway: StandInGateway;
  key: string;
  /** The variable the fleet file names for the key, as DESIGN.md spells it. */
  keyEnv: string;
}

export interface LocalFleet {
  nodes: Record<string, LocalNode>;
  /** The fleet file's `nodes`. */
  fleetNodes: Array<{ name: string; url: string; keyEnv: string }>;
  /** Every node key under its variable, for the bot's or the CLI's environment. */
  keys: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A stand-in gateway and an agent (restarting that gateway, setting its capacity) for each
 * named state dir, one node after another.
 */
export async function startLocalFleet(
  states: Record<string, string>,
  options: { gatewayReadyDelayMs?: number; readyDeadline?: string; newKey?: () => string; /** More of every agent's environment (a test's token endpoint). */ agentEnv?: Record<string, string> } = {},
): Promise<LocalFleet> {
  const nodes: Record<string, LocalNode> = {};
  for (const [name, stateDir] of Object.entries(states)) {
    const gateway = await startStandInGateway(stateDir, options.gatewayReadyDelayMs ?? 150);
    const key = options.newKey?.() ?? randomBytes(32).toString('hex');
    const agent = await startAgent({
      TOKENOPS_NODE: name,
      TOKENOPS_AGENT_KEY: key,
      OPENCLAW_STATE_DIR: stateDir,
      TOKENOPS_GATEWAY_URL: gateway.url,
      TOKENOPS_RESTART_CMD: gateway.restartCmd,
      TOKENOPS_CONFIG_SET_CMD: gateway.configSetCmd,
      TOKENOPS_READY_DEADLINE: options.readyDeadline ?? '5s',
      ...options.agentEnv,
    });
    nodes[name] = { name, agent, gateway, key, keyEnv: keyEnvOf(name) };
  }
  return {
    ...fleetOf(nodes),
    nodes,
    async stop() {
      for (const node of Object.values(nodes)) await node.agent.stop();
      for (const node of Object.values(nodes)) await node.gateway.stop();
    },
  };
}

/** The variable the fleet file names for a node's key, as DESIGN.md spells it. */
export const keyEnvOf = (node: string) => `TOKENOPS_KEY_${node.toUpperCase().replace(/-/g, '_')}`;

/** The fleet file's `nodes` and the keys' environment, for nodes already running. */
export function fleetOf(nodes: Record<string, LocalNode>): Pick<LocalFleet, 'fleetNodes' | 'keys'> {
  const list = Object.values(nodes);
  return {
    fleetNodes: list.map((node) => ({ name: node.name, url: node.agent.url, keyEnv: node.keyEnv })),
    keys: Object.fromEntries(list.map((node) => [node.keyEnv, node.key])),
  };
}
