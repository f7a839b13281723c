import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Keyv } from 'keyv';
import { loadFleet } from '../src/config/fleet-file.js';
import { FleetClient } from '../src/fleet/fleet-client.js';
import { NodeLocks } from '../src/fleet/node-locks.js';
import { Renewals } from '../src/jobs/renewals.js';
import { createLogger } from '../src/logging/logger.js';
import { AuditLog, type AuditRecord } from '../src/state/audit-log.js';
import { RenewalStore } from '../src/state/renewal-store.js';
import { fleetFor, startAgentFarm } from '../test/support/agent-farm.js';
import { startOAuthServer } from '../test/support/oauth-server.js';
import { oauth, storePath } from '../test/support/state-dir.js';
import { percentile } from './percentile.js';

/*
 * Renewal as the leader runs it (the Renewals job, real agents in this process, a token
 * endpoint that enforces single-use refresh tokens), on 4 s tokens: from the owner's store
 * holding a renewed token to all 20 followers holding it, and how often each token was
 * renewed (each exactly once is the target: a second renewal of one token would spend its
 * refresh token twice).
 */

const FOLLOWERS = 20;
const RENEWALS = 20;
/** The agent keeps half of so short a life: 4 s tokens, renewed with a third of it left. */
const EXPIRES_IN_S = 8;

export async function benchRenewal(): Promise<void> {
  const server = await startOAuthServer();
  server.setLifetime(EXPIRES_IN_S);
  const token = oauth('anthropic', 4_000);
  server.issue(token.refresh);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-bench-renewal-'));
  const providers = path.join(dir, 'providers.json');
  writeFileSync(providers, JSON.stringify({ anthropic: { tokenUrl: server.tokenUrl, clientId: 'bench' } }));
  const farm = await startAgentFarm({ agents: FOLLOWERS + 1, profilesPerNode: 0, prefix: 'r', sharedProfiles: { 'anthropic:default': token }, oauthProviders: providers });
  const [owner, ...followers] = farm.nodes;
  const { fleet: file, env } = fleetFor(farm.nodes, { owners: { 'anthropic:*': owner!.name }, renew: { checkEvery: '1s', lifetimes: { anthropic: '4s' } } });
  writeFileSync(path.join(dir, 'fleet.json'), JSON.stringify(file));
  const loaded = loadFleet(path.join(dir, 'fleet.json'), env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const fleetClient = new FleetClient(loaded.value, { timeoutMs: 3_000, concurrency: 32 });
  const renewals = new Renewals({
    fleet: loaded.value,
    fleetClient,
    locks: new NodeLocks(),
    store: new RenewalStore(new Keyv()),
    audit: new AuditLog(new Keyv<AuditRecord>()),
    alerts: { raise: async () => undefined },
    logger: createLogger('bench-renewal', 'silent'),
  });
  const accessIn = (node: (typeof farm.nodes)[number]) => {
    try {
      return (JSON.parse(readFileSync(storePath(node.stateDir!, 'main'), 'utf8')) as { profiles: Record<string, { access: string }> }).profiles['anthropic:default']?.access;
    } catch {
      return undefined; // between a temp file and its rename
    }
  };

  renewals.start();
  const lags: number[] = [];
  const renewedAt: number[] = [];
  let seen = accessIn(owner!);
  const deadline = Date.now() + RENEWALS * 6_000;
  while (lags.length < RENEWALS && Date.now() < deadline) {
    const now = accessIn(owner!);
    if (now && now !== seen) {
      seen = now;
      const started = performance.now();
      renewedAt.push(started);
      const pending = new Set(followers);
      while (pending.size > 0 && performance.now() - started < 10_000) {
        for (const follower of pending) if (accessIn(follower) === now) pending.delete(follower);
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      lags.push(pending.size === 0 ? performance.now() - started : Number.POSITIVE_INFINITY);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await renewals.stop();
  await fleetClient.close();
  await farm.close();
  await server.stop();

  const distinct = new Set(server.presented).size;
  const intervals = renewedAt.slice(1).map((at, index) => at - renewedAt[index]!);
  const meanInterval = intervals.reduce((sum, interval) => sum + interval, 0) / intervals.length;
  console.log(`\nRenewal: the owner's store holds a renewed token → all ${FOLLOWERS} followers hold it (${lags.length} renewals of 4 s tokens, loopback)`);
  console.log('| p50 | p99 | max | target | grants (refresh tokens presented twice) | renewals per token | mean time between renewals |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  // Each grant presents the refresh token of the token it renews: none twice means every token was renewed once, never twice.
  console.log(`| ${percentile(lags, 50).toFixed(0)} ms | ${percentile(lags, 99).toFixed(0)} ms | ${Math.max(...lags).toFixed(0)} ms | p99 < 500 ms | ${server.grants} (${server.presented.length - distinct}; reuses answered ${server.reuses}) | ${(server.grants / Math.max(1, distinct)).toFixed(2)} (target 1) | ${(meanInterval / 1000).toFixed(2)} s = ${(meanInterval / 4_000).toFixed(2)} of the 4 s lifetime (renewed with a third left, less jitter) |`);
}
