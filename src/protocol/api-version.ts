import { z } from 'zod';
import { restartViaSchema } from './restart-via.js';

/*
 * The agent API's version. Nodes are upgraded one at a time, so a bot and its agents disagree
 * for a while: each agent says which API it speaks (`agent` in GET /v1/status and in
 * GET /v1/health), and the bot and the CLI read what they can from any agent but write only
 * to one whose API they speak.
 *
 * 1: the API before agents said their version (a status without `agent`).
 * 2: the same requests and answers, and `agent: { version, api }`.
 */
export const API_VERSION = 2;

/** The oldest agent API this code writes to: API 1's writes are API 2's. */
export const OLDEST_WRITABLE_API = 1;

/** What an agent that does not say its version speaks. */
export const UNVERSIONED_API = 1;

export const agentInfoSchema = z.object({
  /** The tokenops version the agent runs (its package.json). */
  version: z.string().max(64),
  api: z.number().int().nonnegative(),
  /** How it restarts its gateway (TOKENOPS_RESTART_VIA); absent from agents older than the field. */
  restartVia: restartViaSchema.optional(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/** The API an agent speaks: what it says, else the unversioned one. */
export function apiOf(agent: AgentInfo | undefined | null): number {
  return agent?.api ?? UNVERSIONED_API;
}

/**
 * Why this code must not write to a node's agent (sync into it, refresh, set capacity,
 * restart, export from it), naming both versions and what to upgrade; null when it may.
 */
export function writeRefusal(node: string, agent: AgentInfo | undefined | null, ours: string): string | null {
  const api = apiOf(agent);
  // An agent that says no version speaks UNVERSIONED_API, one this code writes (a test holds that).
  if (!agent || (api >= OLDEST_WRITABLE_API && api <= API_VERSION)) return null;
  const theirs = `API ${agent.api} (tokenops ${agent.version})`;
  const speaks = `this tokenops (${ours}) writes API ${OLDEST_WRITABLE_API}–${API_VERSION}`;
  return api > API_VERSION
    ? `${node}'s agent speaks ${theirs}, newer than ${speaks}: upgrade the bot and the CLI, then run this again (reading ${node} still works)`
    : `${node}'s agent speaks ${theirs}, older than ${speaks}: upgrade tokenops on ${node} (\`git pull && npm ci\` in its checkout, then restart tokenops-agent), then run this again (reading ${node} still works)`;
}
