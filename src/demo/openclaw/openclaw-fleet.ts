import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startAgent } from '../local-processes.js';
import { fleetOf, keyEnvOf, type LocalFleet, type LocalNode } from '../local-fleet.js';
import { startOpenClawGateway, type OpenClawGateway } from './openclaw-gateway.js';
import { homeConfig, openclawHome, type OpenClawHome } from './openclaw-home.js';
import type { OpenClawInstall } from './openclaw-install.js';

/*
 * The incident's fleet on real OpenClaw: for each node a home whose state dir already holds
 * the incident's stores and agents (written as the JSON stores OpenClaw's older versions
 * keep), brought to this version's store as an operator would on upgrading (`openclaw
 * doctor --fix`, when this version asks for it), a real gateway started and ready, and the
 * agent beside it restarting that gateway and setting its capacity with the real CLI.
 */

export interface NodeSetup {
  /** The node's agents (openclaw.json's agents.list) and its maxConcurrent. */
  agents: readonly string[];
  maxConcurrent: number;
  /** OpenClaw's admin HTTP RPC plugin on, as docs/install-node.md recommends: capacity then changes through the gateway. */
  adminRpc?: boolean;
}

export interface OpenClawNode extends LocalNode {
  gateway: OpenClawGateway;
  home: OpenClawHome;
}

export interface OpenClawFleet extends LocalFleet {
  nodes: Record<string, OpenClawNode>;
  /** Setup figures: per node, the store migration and the first start of its gateway. */
  setup: Record<string, { migrateMs: number; firstReadyMs: number }>;
}

/** openclaw.json for a node: the home's base, its agents, its maxConcurrent and its plugins (as JSON, which OpenClaw reads as JSON5). */
export function nodeConfig(stateDir: string, setup: NodeSetup): string {
  const list = setup.agents.map((id, index) => (index === 0 ? { id, default: true } : { id }));
  const plugins = setup.adminRpc ? { plugins: { entries: { 'admin-http-rpc': { enabled: true } } } } : {};
  return `${JSON.stringify({ ...homeConfig(stateDir), agents: { defaults: { maxConcurrent: setup.maxConcurrent }, list }, ...plugins }, null, 2)}\n`;
}

/** Brings the stores to this version: `openclaw doctor --fix` when OpenClaw says a migration is required, else nothing. */
async function migrateStores(home: OpenClawHome): Promise<number> {
  const started = Date.now();
  const status = await home.run(['models', 'status', '--json']);
  if (status.code === 0) return 0;
  if (!/AUTH_PROFILE_MIGRATION_REQUIRED|requires legacy credential migration/.test(`${status.stdout}\n${status.stderr}`)) {
    throw new Error(`openclaw ${home.version} models status failed (${status.code}): ${status.stderr.slice(-800)}`);
  }
  const fixed = await home.run(['doctor', '--fix', '--non-interactive'], '', 300_000);
  if (fixed.code !== 0) throw new Error(`openclaw ${home.version} doctor --fix failed (${fixed.code}): ${fixed.stderr.slice(-800)}`);
  return Date.now() - started;
}

/**
 * Starts the fleet. `roots[name]` is the node's home: its state dir (`<root>/state`) must
 * already hold the incident's stores. Nodes are set up side by side: each gateway takes tens
 * of seconds to become ready.
 */
export async function startOpenClawFleet(
  install: OpenClawInstall,
  roots: Record<string, string>,
  setups: Record<string, NodeSetup>,
  options: { log: (line: string) => void; agentEnv?: Record<string, string>; newKey?: () => string },
): Promise<OpenClawFleet> {
  const setup: OpenClawFleet['setup'] = {};
  const entries = await Promise.all(
    Object.entries(roots).map(async ([name, root]) => {
      const home = openclawHome(install, root, nodeConfig(path.join(root, 'state'), setups[name]!));
      const migrateMs = await migrateStores(home);
      if (migrateMs) options.log(`${name}: openclaw ${install.version} migrated the node's stores (openclaw doctor --fix) in ${(migrateMs / 1000).toFixed(1)} s`);
      const gateway = await startOpenClawGateway(home);
      options.log(`${name}: openclaw gateway ${install.version} ready on ${gateway.url} after ${(gateway.readyAfterMs / 1000).toFixed(1)} s`);
      setup[name] = { migrateMs, firstReadyMs: gateway.readyAfterMs };
      return { name, home, gateway };
    }),
  );
  const nodes: Record<string, OpenClawNode> = {};
  for (const { name, home, gateway } of entries) {
    const key = options.newKey?.() ?? randomBytes(32).toString('hex');
    const agent = await startAgent({
      TOKENOPS_NODE: name,
      TOKENOPS_AGENT_KEY: key,
      OPENCLAW_STATE_DIR: home.stateDir,
      TOKENOPS_GATEWAY_URL: gateway.url,
      TOKENOPS_RESTART_CMD: gateway.restartCmd,
      TOKENOPS_CONFIG_SET_CMD: gateway.configSetCmd,
      // The gateway took about 40 s to be ready again after a restart on a 2-core machine.
      TOKENOPS_READY_DEADLINE: '180s',
      TOKENOPS_RESTART_TIMEOUT: '60s',
      ...options.agentEnv,
    });
    nodes[name] = { name, agent, gateway, home, key, keyEnv: keyEnvOf(name) };
  }
  return {
    ...fleetOf(nodes),
    nodes,
    setup,
    async stop() {
      for (const node of Object.values(nodes)) await node.agent.stop();
      await Promise.all(Object.values(nodes).map((node) => node.gateway.stop()));
    },
  };
}
