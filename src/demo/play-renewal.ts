import { AgentClient } from '../fleet/agent-client.js';
import { statusResponseSchema, type ProfileStatus } from '../protocol/agent-api.js';
import type { RotatingOAuthServer } from './oauth-provider.js';
import type { StepResult } from './play-incident.js';

/*
 * After the recovery, the lifecycle that keeps it from happening again: renewal. The bot is
 * restarted with a renewal policy that makes the Anthropic account due now (an operator
 * tightening `renew.before`); its leader renews the account once on its owner, pc-a, at the
 * provider, and brings the new token to t440 at once. Then both nodes hold the same token,
 * fresher than any before, and the provider saw one grant and no refresh token twice.
 */

const PROFILE = 'anthropic:default';

export interface RenewalDeps {
  /** Each node's agent URL and key. */
  nodes: Record<string, { url: string; key: string }>;
  owner: string;
  provider: RotatingOAuthServer;
  /** Restarts the bot with `renew` in its fleet file. */
  restartBot(renew: Record<string, unknown>): Promise<void>;
  /** On real OpenClaw: its own CLI reads the renewed token on `node` (resolves with the step). */
  confirm?: (node: string, expiresAtMs: number) => Promise<StepResult>;
  timeoutMs: number;
}

async function profileOn(node: { url: string; key: string }): Promise<ProfileStatus | undefined> {
  const client = new AgentClient({ baseUrl: node.url, key: Buffer.from(node.key, 'hex'), timeoutMs: 10_000 });
  const status = statusResponseSchema.parse(await client.request('GET', '/v1/status'));
  return status.profiles.find((profile) => profile.profileId === PROFILE);
}

export async function playRenewal(deps: RenewalDeps): Promise<StepResult[]> {
  const step = 'renewal afterwards';
  const names = Object.keys(deps.nodes);
  const before = await Promise.all(names.map((name) => profileOn(deps.nodes[name]!)));
  const latest = Math.max(...before.map((profile) => Date.parse(profile?.expiresAt ?? '') || 0));
  const grants = deps.provider.grants;
  // New tokens live a day: longer than the policy's 8 h, so one renewal is all it takes.
  deps.provider.setLifetime(24 * 3600);
  const started = Date.now();
  await deps.restartBot({ before: '8h', checkEvery: '2s' });
  let after: Array<ProfileStatus | undefined> = [];
  for (;;) {
    after = await Promise.all(names.map((name) => profileOn(deps.nodes[name]!)));
    const fresh = after.every((profile) => (Date.parse(profile?.expiresAt ?? '') || 0) > latest + 60 * 60_000);
    const same = new Set(after.map((profile) => profile?.fingerprint)).size === 1;
    if (fresh && same) break;
    if (Date.now() - started > deps.timeoutMs) {
      return [{ step, ok: false, detail: `both nodes did not get a renewed ${PROFILE} within ${deps.timeoutMs / 1000} s: ${names.map((name, index) => `${name} expires ${after[index]?.expiresAt ?? 'never'}`).join(', ')}` }];
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const tookS = ((Date.now() - started) / 1000).toFixed(1);
  const used = deps.provider.grants - grants;
  const results: StepResult[] = [
    {
      step,
      ok: used === 1 && deps.provider.reuses === 0,
      detail: `${deps.owner} renewed ${PROFILE} at the provider (${used} grant, ${deps.provider.reuses} refresh tokens reused) and ${names.filter((name) => name !== deps.owner).join(', ')} holds the same new token; both now expire ${after[0]?.expiresAt}, ${tookS} s after the bot restarted with renew.before 8h`,
    },
  ];
  const expiresAt = Date.parse(after[0]?.expiresAt ?? '');
  for (const name of names.filter((candidate) => candidate !== deps.owner)) if (deps.confirm) results.push(await deps.confirm(name, expiresAt));
  return results;
}
