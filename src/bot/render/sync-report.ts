import type { APIEmbed } from 'discord.js';
import type { ProfilePlan } from '../../protocol/agent-api.js';
import { syncOutcome, type SyncReport } from '../../fleet/operations/sync-tokens.js';
import { LIMITS, code, relativeTime, scrub, truncate } from './discord-format.js';

const SKIP_WORDS: Record<string, string> = {
  unchanged: 'already the same token',
  target_newer: 'target already holds a newer one',
  not_newer: 'not newer than what the target holds',
  incoming_expired: 'source copy expired',
  type_mismatch: 'a different profile type on the target',
};

const OUTCOME_COLOR = { ok: 0x2ecc71, planned: 0x5865f2, partial: 0xf1c40f, failed: 0xe74c3c } as const;

function expiry(iso: string | null): string {
  return iso ? relativeTime(iso) : 'no expiry';
}

/** One line per profile on a target, its stores folded together when they agree. */
function profileLines(plans: Array<{ agentId: string; plan: ProfilePlan }>, dryRun: boolean): string[] {
  const groups = new Map<string, { plan: ProfilePlan; agents: string[] }>();
  for (const { agentId, plan } of plans) {
    const key = `${plan.profileId}\0${plan.action}\0${plan.reason}`;
    const group = groups.get(key) ?? { plan, agents: [] };
    group.agents.push(agentId);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ plan, agents }) => {
    if (plan.action === 'update') {
      const forced = plan.reason === 'forced' ? ' · ⚠️ forced' : '';
      return `${dryRun ? '📝' : '✅'} ${code(plan.profileId)} → ${agents.join(', ')} · ${expiry(plan.fromExpiresAt)} → ${expiry(plan.toExpiresAt)}${forced}`;
    }
    return `⏭ ${code(plan.profileId)} (${agents.join(', ')}): ${SKIP_WORDS[plan.reason] ?? plan.reason}`;
  });
}

export function renderSyncReport(report: SyncReport): APIEmbed {
  const targets = report.targets.map((target) => target.node);
  const title = `Sync ${report.from} → ${targets.length === 1 ? targets[0] : `all (${targets.join(', ')})`}${report.dryRun ? ' · dry run, nothing written' : ''}`;
  const description = [
    `From ${report.from}: ${report.exported.map((profile) => `${code(profile.profileId)} ${expiry(profile.expiresAt)}`).join(', ') || 'nothing'}`,
    ...report.skippedAtSource.map((skip) => `⏭ ${code(skip.profileId)} not sent: ${scrub(skip.reason)}`),
  ].join('\n');
  const fields = report.targets.map((target) => {
    if (!target.ok) {
      const icon = target.error.code === 'busy' ? '⛔' : '📵';
      return { name: truncate(`${icon} ${target.node} · ${target.error.code === 'busy' ? 'busy' : target.error.kind}`, LIMITS.fieldName), value: truncate(scrub(target.error.message), LIMITS.fieldValue) };
    }
    const result = target.value;
    const plans = result.stores.flatMap((store) => store.profiles.map((plan) => ({ agentId: store.agentId, plan })));
    const updates = new Set(plans.filter(({ plan }) => plan.action === 'update').map(({ plan }) => plan.profileId));
    const lines = profileLines(plans, report.dryRun);
    for (const store of result.stores.filter((candidate) => candidate.outcome === 'refused')) lines.push(`⛔ ${code(store.path)}: ${scrub(store.reason ?? 'refused')}`);
    if (result.notHeld.length > 0) lines.push(`➖ not held here (sync never adds a profile): ${result.notHeld.map(code).join(', ')}`);
    const head = updates.size === 0 ? `➖ ${target.node} · nothing to change` : `${report.dryRun ? '📝' : '✅'} ${target.node} · ${report.dryRun ? 'would update' : 'updated'} ${updates.size} profile${updates.size === 1 ? '' : 's'}`;
    return { name: truncate(head, LIMITS.fieldName), value: truncate(lines.join('\n') || 'no matching profiles', LIMITS.fieldValue) };
  });
  return {
    title: truncate(title, LIMITS.title),
    description: truncate(description, LIMITS.description),
    color: OUTCOME_COLOR[syncOutcome(report)],
    fields: fields.slice(0, LIMITS.fields),
  };
}

/** One line for audit records and channel notes: what changed where. */
export function summarizeSync(report: SyncReport): string {
  return report.targets
    .map((target) => {
      if (!target.ok) return `${target.node}: ${target.error.code === 'busy' ? 'busy' : target.error.kind}`;
      const updated = new Set(target.value.stores.flatMap((store) => store.profiles.filter((plan) => plan.action === 'update').map((plan) => plan.profileId)));
      return `${target.node}: ${updated.size === 0 ? 'nothing to change' : `${report.dryRun ? 'would update' : 'updated'} ${[...updated].join(', ')}`}`;
    })
    .join('; ');
}
