import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { startOAuthServer, type RotatingOAuthServer } from './oauth-server.js';
import { startAgent, type RunningAgent } from './processes.js';
import { buildStateDir, newNodeKeyHex, oauth, storePath } from './state-dir.js';

/*
 * The renewal tests' fleet: three real agents (pc-a the owner, t440 its stand-in, hp a
 * follower) holding one Anthropic login, each naming its own client id at a token endpoint
 * that enforces rotation (each refresh token single-use; a reuse revokes the family), so the
 * endpoint tells who asked. Their gateway is always ready: the tests are about tokens (the
 * stand-in gateway keeps the tokens it loaded at start, and would be "not ready" once the
 * first one expired, renewed or not). The stores are watched every 50 ms: every copy, every
 * moment, and when each grant reached the endpoint.
 */

export const RENEWAL_NODES = ['pc-a', 't440', 'hp'] as const;
export type RenewalNode = (typeof RENEWAL_NODES)[number];

export interface SeenCopy {
  node: RenewalNode;
  atMs: number;
  access: string;
  expires: number;
}

export interface RenewalFleet {
  oauthServer: RotatingOAuthServer;
  nodes: Record<RenewalNode, { stateDir: string; keyHex: string; env: Record<string, string>; agent: RunningAgent }>;
  /** The fleet file's `nodes` and the keys under their variables. */
  fleetNodes: Array<{ name: string; url: string; keyEnv: string }>;
  keys: Record<string, string>;
  /** A node's copy on disk now (null between a temp file and its rename). */
  read(node: RenewalNode): { access: string; expires: number } | null;
  /** Each change of a node's copy, in order. */
  seen: SeenCopy[];
  /** Copies seen expired on disk. */
  expiredCopies: SeenCopy[];
  /** When each grant reached the endpoint, answered or not. */
  grantTimes: number[];
  /** Starts a node's agent again (on its old port, to keep the fleet file's url). */
  restartAgent(node: RenewalNode, port?: number): Promise<RunningAgent>;
  stop(): Promise<void>;
}

const keyEnv = (name: RenewalNode) => `TOKENOPS_KEY_${name.toUpperCase().replace('-', '_')}`;

/** The fleet, with one login (`firstExpiresInMs` left) on every node and tokens of `expiresInS` from the endpoint. */
export async function startRenewalFleet(options: { expiresInS: number; firstExpiresInMs?: number }): Promise<RenewalFleet> {
  const gateway: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true}'));
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
  const oauthServer = await startOAuthServer();
  oauthServer.setLifetime(options.expiresInS);
  // One login, copied to every node (as a first sync would), with a lifetime the bot does not know yet.
  const token = oauth('anthropic', options.firstExpiresInMs ?? 60_000);
  oauthServer.issue(token.refresh);
  const nodes = {} as RenewalFleet['nodes'];
  for (const name of RENEWAL_NODES) {
    const stateDir = buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': structuredClone(token) } } } });
    const providers = path.join(stateDir, 'providers.json');
    writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: oauthServer.tokenUrl, clientId: `client-${name}` } }));
    const keyHex = newNodeKeyHex();
    const env = { TOKENOPS_NODE: name, TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_OAUTH_PROVIDERS: providers, TOKENOPS_GATEWAY_URL: gatewayUrl, TOKENOPS_POLL_EVERY: '1s' };
    nodes[name] = { stateDir, keyHex, env, agent: await startAgent(env) };
  }

  const read = (node: RenewalNode) => {
    try {
      const doc = JSON.parse(readFileSync(storePath(nodes[node].stateDir, 'main'), 'utf8')) as { profiles: Record<string, { access: string; expires: number }> };
      const copy = doc.profiles['anthropic:default'];
      return copy ? { access: copy.access, expires: copy.expires } : null;
    } catch {
      return null;
    }
  };
  const seen: SeenCopy[] = [];
  const expiredCopies: SeenCopy[] = [];
  const grantTimes: number[] = [];
  const watching = setInterval(() => {
    const now = Date.now();
    while (grantTimes.length < oauthServer.grants) grantTimes.push(now);
    for (const node of RENEWAL_NODES) {
      const copy = read(node);
      if (!copy) continue;
      const last = seen.findLast((entry) => entry.node === node);
      const entry = { node, atMs: now, ...copy };
      if (!last || last.access !== copy.access) seen.push(entry);
      if (copy.expires <= now && !expiredCopies.some((expired) => expired.node === node && expired.access === copy.access)) expiredCopies.push(entry);
    }
  }, 50);

  return {
    oauthServer,
    nodes,
    get fleetNodes() {
      return RENEWAL_NODES.map((name) => ({ name, url: nodes[name].agent.url, keyEnv: keyEnv(name) }));
    },
    keys: Object.fromEntries(RENEWAL_NODES.map((name) => [keyEnv(name), nodes[name].keyHex])),
    read,
    seen,
    expiredCopies,
    grantTimes,
    async restartAgent(node, port) {
      nodes[node].agent = await startAgent(nodes[node].env, port ? { port } : {});
      return nodes[node].agent;
    },
    async stop() {
      clearInterval(watching);
      for (const name of RENEWAL_NODES) await nodes[name].agent.stop().catch(() => undefined);
      gateway.close();
      await oauthServer.stop();
    },
  };
}
