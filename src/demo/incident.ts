import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildStateDir, openclawJson5 } from './openclaw-state-dir.js';

/*
 * The incident, as two state dirs: t440 runs 15 agents with maxConcurrent 4, and every one
 * of them holds the same Anthropic token, which expired two hours ago; main also holds an
 * older copy of the Codex login that runs out in three hours. pc-a, the owner of both
 * accounts, holds fresh ones. All values are fake and new on every run.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const T440_AGENTS = ['main', 'research', 'coder', 'writer', 'reviewer', 'planner', 'ops', 'support', 'triage', 'docs', 'tester', 'data', 'infra', 'release', 'scout'];

/** Every fake secret written, so the demo can show that none of them leaked. */
export const incidentSecrets: string[] = [];
/** The refresh tokens pc-a, the owner, holds: the ones its provider knows (t440's dead copy it does not). */
export const ownerRefreshTokens: string[] = [];

function fake(prefix: string): string {
  const value = `${prefix}-demo-${randomBytes(16).toString('hex')}`;
  incidentSecrets.push(value);
  return value;
}

function oauth(provider: string, expires: number, extra: Record<string, unknown> = {}) {
  return { type: 'oauth', provider, access: fake(`${provider}-access`), refresh: fake(`${provider}-refresh`), expires, ...extra };
}

export interface IncidentStateDirs extends Record<string, string> {
  'pc-a': string;
  t440: string;
}

/** Each node's agents and maxConcurrent: what its openclaw.json says. */
export const INCIDENT_NODES = {
  'pc-a': { agents: ['main'], maxConcurrent: 8, adminRpc: true },
  t440: { agents: T440_AGENTS, maxConcurrent: 4, adminRpc: true },
} as const;

/** The two state dirs; `stateDirOf` says where each node's goes (default `<root>/<node>`). */
export function buildIncident(root: string, now = Date.now(), stateDirOf: (node: keyof typeof INCIDENT_NODES) => string = (node) => path.join(root, node)): IncidentStateDirs {
  const ownerProfiles = {
    'anthropic:default': oauth('anthropic', now + 7 * HOUR),
    'openai-codex:ops@example.com': oauth('openai-codex', now + 9 * DAY, { accountId: 'acct-demo' }),
  };
  ownerRefreshTokens.push(...Object.values(ownerProfiles).map((profile) => profile.refresh));
  const pcA = buildStateDir({
    dir: stateDirOf('pc-a'),
    layout: 'split',
    agents: { main: { profiles: ownerProfiles } },
    openclawJson5: openclawJson5([...INCIDENT_NODES['pc-a'].agents], INCIDENT_NODES['pc-a'].maxConcurrent, { adminRpc: INCIDENT_NODES['pc-a'].adminRpc }),
  });
  const expiredAnthropic = oauth('anthropic', now - 2 * HOUR);
  const olderCodex = oauth('openai-codex', now + 3 * HOUR, { accountId: 'acct-demo' });
  const t440 = buildStateDir({
    dir: stateDirOf('t440'),
    layout: 'legacy',
    agents: Object.fromEntries(
      T440_AGENTS.map((agent) => [agent, { profiles: agent === 'main' ? { 'anthropic:default': expiredAnthropic, 'openai-codex:ops@example.com': olderCodex } : { 'anthropic:default': expiredAnthropic } }]),
    ),
    openclawJson5: openclawJson5(INCIDENT_NODES.t440.agents, INCIDENT_NODES.t440.maxConcurrent, { adminRpc: INCIDENT_NODES.t440.adminRpc }),
  });
  return { 'pc-a': pcA, t440 };
}
