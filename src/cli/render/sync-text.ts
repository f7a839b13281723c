import type { ProfilePlan } from '../../protocol/agent-api.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { foldPlans } from '../../domain/sync-plan.js';
import { skipReasonText, updatedProfiles, type SyncReport } from '../../fleet/operations/sync-report.js';
import { plainMessage } from './plain-message.js';
import { when } from './when.js';

/*
 * A sync report for a terminal: what the source sent, then each target (failed first,
 * then changed, then the rest) with a line per profile, its stores folded when they agree.
 */

function expiryText(iso: string | null, nowMs: number): string {
  return iso ? when(iso, nowMs) : 'no expiry';
}

function profileLines(plans: Array<{ agentId: string; plan: ProfilePlan }>, dryRun: boolean, nowMs: number): string[] {
  const groups = foldPlans(plans);
  // What changed first, then what was kept.
  const ordered = groups.sort((a, b) => Number(b.plan.action === 'update') - Number(a.plan.action === 'update') || a.plan.profileId.localeCompare(b.plan.profileId));
  return ordered.map(({ plan, agents }) => {
    if (plan.action === 'update') {
      return `  ${dryRun ? 'would update' : 'updated'} ${plan.profileId} in ${agents.join(', ')}: ${expiryText(plan.fromExpiresAt, nowMs)} → ${expiryText(plan.toExpiresAt, nowMs)}${plan.reason === 'forced' ? ' (forced)' : ''}`;
    }
    return `  kept ${plan.profileId} in ${agents.join(', ')}: ${plan.detail ? scrub(plan.detail) : skipReasonText(plan.reason)}`;
  });
}

function targetLines(report: SyncReport, target: SyncReport['targets'][number], nowMs: number): { lines: string[]; failed: boolean; changed: boolean } {
  if (!target.ok) {
    const what = target.error.code === 'busy' ? 'BUSY' : target.error.kind === 'unreachable' || target.error.kind === 'timeout' ? 'UNREACHABLE' : 'FAILED';
    return { lines: [`${target.node}: ${what} · ${plainMessage(target.error.message, nowMs)}`], failed: true, changed: false };
  }
  const stores = target.value.stores;
  const updated = updatedProfiles(target.value).length;
  const refused = stores.filter((store) => store.outcome === 'refused');
  const head = updated === 0 ? `${target.node}: nothing to change` : `${target.node}: ${report.dryRun ? 'would update' : 'updated'} ${updated} profile${updated === 1 ? '' : 's'}`;
  const lines = [head, ...profileLines(stores.flatMap((store) => store.profiles.map((plan) => ({ agentId: store.agentId, plan }))), report.dryRun, nowMs)];
  for (const store of refused) lines.push(`  REFUSED ${store.path}: ${scrub(store.reason ?? 'refused')} (nothing written there)`);
  if (target.value.notHeld.length > 0) lines.push(`  not held here (a sync never adds a profile): ${target.value.notHeld.join(', ')}`);
  return { lines, failed: refused.length > 0, changed: updated > 0 };
}

export function renderSyncText(report: SyncReport, nowMs: number): string {
  const names = report.targets.map((target) => target.node);
  const lines = [`Sync ${report.from} → ${names.length === 1 ? names[0] : `all (${names.length} nodes)`}${report.dryRun ? ' · dry run, nothing written' : ''}`];
  lines.push(`From ${report.from}: ${report.exported.map((profile) => `${profile.profileId} (${expiryText(profile.expiresAt, nowMs)})`).join(', ') || 'nothing'}`);
  for (const skip of report.skippedAtSource) lines.push(`  not sent: ${skip.profileId}: ${plainMessage(skip.reason, nowMs)}`);
  const targets = report.targets.map((target) => targetLines(report, target, nowMs)).sort((a, b) => Number(b.failed) - Number(a.failed) || Number(b.changed) - Number(a.changed));
  for (const target of targets) lines.push(...target.lines);
  return lines.join('\n');
}
