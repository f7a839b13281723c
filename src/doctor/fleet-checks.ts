import type { Fleet } from '../config/fleet-file.js';
import { blastRadius } from '../domain/blast-radius.js';
import type { FleetView } from '../domain/fleet-view.js';
import { ownersOf } from '../domain/ownership.js';
import type { AccountSchedule } from '../domain/renewal-plan.js';
import type { StatusResponse } from '../protocol/agent-api.js';
import { writeRefusal } from '../protocol/api-version.js';
import type { NodeResult } from '../protocol/node-result.js';
import { fail, pass, warn, type CheckLine } from './check-line.js';

/*
 * The doctor's fleet checks, pure: every node's status answer (or its typed error), the
 * fleet view and renewal's schedule in; per node and per account, what works and the one
 * thing to do about what does not.
 */

const F = 'fleet' as const;
/** A node's clock this far from ours is worth a word before it is far enough (300 s) to break signatures. */
const SKEW_WARN_MS = 60_000;
const STORE_ERA: Record<StatusResponse['store']['kind'], string> = {
  'auth-profiles-json': 'auth-profiles.json files (OpenClaw up to 2026.6)',
  'openclaw-agent-sqlite': "each agent's SQLite store (OpenClaw 2026.7–8)",
  'openclaw-state-sqlite': 'the state SQLite database (OpenClaw 2026.9 on)',
};

export interface FleetFacts {
  fleet: Pick<Fleet, 'nodes' | 'owners'>;
  results: readonly NodeResult<StatusResponse>[];
  view: FleetView;
  schedules: readonly AccountSchedule[];
  nowMs: number;
  /** This tokenops's version. */
  ours: string;
}

export function judgeFleet(facts: FleetFacts): CheckLine[] {
  return [...facts.results.flatMap((result) => judgeNode(facts, result)), ...judgeAccounts(facts)];
}

function judgeNode(facts: FleetFacts, result: NodeResult<StatusResponse>): CheckLine[] {
  const node = facts.fleet.nodes.find((candidate) => candidate.name === result.node);
  const name = result.node;
  if (!result.ok) {
    const { kind, message } = result.error;
    if (kind === 'unauthorized') return [fail(F, `${name} key`, `the agent refuses our signature: ${message}`, `set the variable the fleet file names for ${name} (its keyEnv) to ${name}'s TOKENOPS_AGENT_KEY: the same 64 hex characters on both hosts`)];
    if (kind === 'clock_skew') return [fail(F, `${name} clock`, message, `turn on time sync on ${name} and here (timedatectl set-ntp true)`)];
    if (kind === 'timeout' || kind === 'unreachable') return [fail(F, name, `no answer at ${node?.url ?? 'its URL'} (${kind}: ${message})`, `start tokenops-agent on ${name} (systemctl --user status tokenops-agent) and check its url in the fleet file`)];
    return [fail(F, name, `${kind}: ${message}`, `see the agent's log on ${name}`)];
  }
  const status = result.value;
  const lines: CheckLine[] = [];
  const refusal = writeRefusal(name, status.agent, facts.ours);
  const agent = status.agent ? `tokenops ${status.agent.version} (API ${status.agent.api})` : 'a tokenops from before agents said their version (API 1)';
  if (refusal) lines.push(fail(F, `${name} agent`, refusal, refusal.includes('upgrade the bot') ? 'upgrade this checkout (git pull && npm ci)' : `upgrade tokenops on ${name}`));
  else if (status.agent?.version !== facts.ours) lines.push(warn(F, `${name} agent`, `reachable, key accepted; runs ${agent}, this is ${facts.ours}`, `upgrade tokenops on ${name} when you can (git pull && npm ci in its checkout, restart tokenops-agent)`));
  else lines.push(pass(F, `${name} agent`, `reachable, key accepted, ${agent}`));

  const skewMs = Date.parse(status.checkedAt) - facts.nowMs;
  if (Math.abs(skewMs) > SKEW_WARN_MS) lines.push(warn(F, `${name} clock`, `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} this host (signatures fail past 300 s)`, `turn on time sync on ${name} (timedatectl set-ntp true)`));
  else lines.push(pass(F, `${name} clock`, `within ${Math.max(1, Math.round(Math.abs(skewMs) / 1000))} s of this host`));

  const unreadable = (status.store.stores ?? []).filter((store) => !store.readable);
  if (!status.store.readable) lines.push(fail(F, `${name} store`, `${STORE_ERA[status.store.kind]}: ${unreadable.length > 0 ? unreadable.map((store) => `${store.agentId}: ${store.reason ?? 'unreadable'}`).join('; ') : 'no credential store found'}`, `see \`tokenops status ${name}\`; fix the file OpenClaw wrote (or log in again) on ${name}`));
  else lines.push(pass(F, `${name} store`, `${STORE_ERA[status.store.kind]}, ${(status.store.stores ?? []).length} readable`));

  if (status.gateway.ready) lines.push(pass(F, `${name} gateway`, 'ready'));
  else lines.push(fail(F, `${name} gateway`, `${status.gateway.reachable ? 'not ready' : 'unreachable'} (${status.gateway.detail ?? 'no detail'})`, `see \`tokenops status ${name}\`; once its tokens are good, \`tokenops restart ${name}\``));

  const radius = blastRadius(status.capacity.agentCount, status.capacity.maxConcurrent);
  if (radius.exceedsCapacity) lines.push(warn(F, `${name} capacity`, `${radius.agentCount} agents against maxConcurrent ${radius.maxConcurrent}: a restart's reconnect burst of ${radius.expectedBurst.low}–${radius.expectedBurst.high} exceeds it`, `\`tokenops capacity ${name} --set ${radius.suggestedMaxConcurrent}\``));
  else lines.push(pass(F, `${name} capacity`, `${radius.agentCount} agents, maxConcurrent ${radius.maxConcurrent}: a restart's burst of ${radius.expectedBurst.low}–${radius.expectedBurst.high} fits`));
  return lines;
}

function judgeAccounts(facts: FleetFacts): CheckLine[] {
  const lines: CheckLine[] = [];
  const accounts = [...new Set(facts.view.nodes.flatMap((node) => node.profiles.filter((cell) => cell.type === 'oauth').map((cell) => cell.profileId)))].sort();
  const holds = (node: string, profileId: string) => facts.view.nodes.find((candidate) => candidate.name === node)?.profiles.some((cell) => cell.profileId === profileId && cell.health !== 'missing') ?? false;
  const reachable = (node: string) => facts.view.nodes.find((candidate) => candidate.name === node)?.reachable ?? false;
  for (const profileId of accounts) {
    const [owner, ...standIns] = ownersOf(profileId, facts.fleet.owners);
    if (!owner) {
      lines.push(warn(F, `${profileId} owner`, 'no owner: nobody refreshes it, every copy dies at its expiry', `add a pattern for it to \`owners\` in the fleet file (the node that logged in)`));
      continue;
    }
    if (!reachable(owner)) lines.push(warn(F, `${profileId} owner`, `${owner} (not reachable: not checked)`, `see ${owner} above`));
    else if (!holds(owner, profileId)) lines.push(fail(F, `${profileId} owner`, `${owner} does not hold it, so it cannot refresh it`, `log in on ${owner}, or sync it there: \`tokenops sync <a node holding it> ${owner} --profile ${profileId}\``));
    else lines.push(pass(F, `${profileId} owner`, `${owner} holds it`));
    for (const standIn of standIns) {
      if (reachable(standIn) && !holds(standIn, profileId)) lines.push(warn(F, `${profileId} stand-in`, `${standIn} does not hold it, so it cannot renew it while ${owner} is down`, `\`tokenops sync ${owner} ${standIn} --profile ${profileId}\``));
    }
    const schedule = facts.schedules.find((candidate) => candidate.profileId === profileId);
    if (schedule?.renewer && schedule.dueAtMs !== null) lines.push(pass(F, `${profileId} renewal`, `next at ${new Date(schedule.dueAtMs).toISOString().slice(0, 16).replace('T', ' ')}Z on ${schedule.renewer}${schedule.standIn ? ' (stand-in)' : ''}`));
    else lines.push(warn(F, `${profileId} renewal`, `nothing renews it${schedule?.reason ? `: ${schedule.reason}` : ''}`, 'see `tokenops status`; renewal needs the owner reachable and holding a refresh token'));
  }
  return lines;
}
