import { startLocalFleet, type LocalFleet } from '../../src/demo/local-fleet.js';
import { newNodeKeyHex, restartFleetStates } from './state-dir.js';

export interface RestartFleet {
  local: LocalFleet;
  states: ReturnType<typeof restartFleetStates>;
  /** A node's stand-in gateway, to read its pid before and after. */
  gateway(name: 'pc-a' | 't440' | 'solo'): LocalFleet['nodes'][string]['gateway'];
}

/** The restart tests' fleet (pc-a, t440, solo: see restartFleetStates) on loopback, as the bot and the CLI both meet it. */
export async function startRestartFleet(): Promise<RestartFleet> {
  const states = restartFleetStates();
  const local = await startLocalFleet(states, { newKey: newNodeKeyHex });
  return { local, states, gateway: (name) => local.nodes[name]!.gateway };
}
