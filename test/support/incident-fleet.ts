import { freePort, startAgent, type RunningAgent } from './processes.js';
import { newNodeKeyHex } from './state-dir.js';

/**
 * The incident's fleet for bot tests: real agents for pc-a (the owner of every account) and
 * t440 over the given state dirs, plus `spare`, a node nobody listens for. Returns the fleet
 * file, the key variables the bot needs, and the agents (the caller stops them).
 */
export async function startIncidentFleet(states: { pca: string; t440: string }): Promise<{ agents: RunningAgent[]; fleet: Record<string, unknown> & { sync: { auto: boolean } }; env: Record<string, string> }> {
  const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex(), spare: newNodeKeyHex() };
  const agents = [
    await startAgent({ TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keys.pca, OPENCLAW_STATE_DIR: states.pca }),
    await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keys.t440, OPENCLAW_STATE_DIR: states.t440 }),
  ];
  const fleet = {
    nodes: [
      { name: 'pc-a', url: agents[0]!.url, keyEnv: 'TOKENOPS_KEY_PC_A' },
      { name: 't440', url: agents[1]!.url, keyEnv: 'TOKENOPS_KEY_T440' },
      { name: 'spare', url: `http://127.0.0.1:${await freePort()}`, keyEnv: 'TOKENOPS_KEY_SPARE' },
    ],
    owners: { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' },
    // The fleet as it is: no automatic sync or renewal repairing t440 behind the test's back,
    // and the day-ahead warning these tests were written against (renewal's own: bot-renewal).
    sync: { auto: false },
    renew: { auto: false },
    alerts: { warnBefore: '24h' },
  };
  return { agents, fleet, env: { TOKENOPS_KEY_PC_A: keys.pca, TOKENOPS_KEY_T440: keys.t440, TOKENOPS_KEY_SPARE: keys.spare } };
}
