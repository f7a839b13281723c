import type { APIEmbed } from 'discord.js';
import type { ProfilePlan } from '../../protocol/agent-api.js';
import { scrub } from '../../domain/scrub-secrets.js';
import { foldPlans } from '../../domain/sync-plan.js';
import { skipReasonText, syncOutcome, type SyncReport } from '../../fleet/operations/sync-report.js';
import { LIMITS, code, relativeTime, truncate, wholeLines } from './discord-format.js';

const OUTCOME_COLOR = { ok: 0x2ecc71, planned: 0x5865f2, partial: 0xf1c40f, failed: 0xe74c3c } as const;

function expiry(iso: string | null): string {
  return iso ? relativeTime(iso) : 'no expiry';
}

/** One line per profile on a target, its stores folded together when they agree. */
function profileLines(plans: Array<{ agentId: string; plan: ProfilePlan }>, dryRun: boolean): string[] {
  const groups = foldPlans(plans);
  return groups.map(({ plan, agents }) => {
    if (plan.action === 'update') {
      const forced = plan.reason === 'forced' ? ' · ⚠️ forced' : '';
      return `${dryRun ? '📝' : '✅'} ${code(plan.profileId)} → ${agents.join(', ')} · ${expiry(plan.fromExpiresAt)} → ${expiry(plan.toExpiresAt)}${forced}`;
    }
    return `⏭ ${code(plan.profileId)} (${agents.join(', ')}): ${plan.detail ? scrub(plan.detail) : skipReasonText(plan.reason)}`;
  });
}

type Field = { name: string; value: string; failed: boolean; changed: boolean; short: string };

function targetField(report: SyncReport, target: SyncReport['targets'][number]): Field {
  if (!target.ok) {
    const offline = target.error.kind === 'unreachable' || target.error.kind === 'timeout';
    const label = target.error.code === 'busy' ? '⛔ busy' : offline ? `📵 ${target.error.kind}` : `⚠️ ${target.error.code ?? target.error.kind}`;
    const name = truncate(`${label.split(' ')[0]} ${target.node} · ${label.split(' ').slice(1).join(' ')}`, LIMITS.fieldName);
    return { name, value: truncate(scrub(target.error.message), LIMITS.fieldValue), failed: true, changed: false, short: `${target.node}: ${label}` };
  }
  const result = target.value;
  const plans = result.stores.flatMap((store) => store.profiles.map((plan) => ({ agentId: store.agentId, plan })));
  const updates = new Set(plans.filter(({ plan }) => plan.action === 'update').map(({ plan }) => plan.profileId));
  const lines = profileLines(plans, report.dryRun);
  const refused = result.stores.filter((candidate) => candidate.outcome === 'refused');
  for (const store of refused) lines.push(`⛔ ${code(store.path)}: ${scrub(store.reason ?? 'refused')}`);
  if (result.notHeld.length > 0) lines.push(`➖ not held here (sync never adds a profile): ${result.notHeld.map(code).join(', ')}`);
  const head = updates.size === 0 ? `➖ ${target.node} · nothing to change` : `${report.dryRun ? '📝' : '✅'} ${target.node} · ${report.dryRun ? 'would update' : 'updated'} ${updates.size} profile${updates.size === 1 ? '' : 's'}`;
  return { name: truncate(head, LIMITS.fieldName), value: wholeLines(lines.length > 0 ? lines : ['no matching profiles'], LIMITS.fieldValue), failed: refused.length > 0, changed: updates.size > 0, short: head };
}

/**
 * The report as one embed within `budget` characters (Discord counts all embeds of a message
 * against 6000): failed targets first, then changed ones, then the rest; when it does not
 * fit, targets shrink to their one-line head, and what still does not fit is counted in a
 * last field, so no target disappears without a word.
 */
export function renderSyncReport(report: SyncReport, budget: number = LIMITS.messageEmbedChars): APIEmbed {
  const targets = report.targets.map((target) => target.node);
  const title = truncate(`Sync ${report.from} → ${targets.length === 1 ? targets[0] : `all (${targets.length} nodes)`}${report.dryRun ? ' · dry run, nothing written' : ''}`, LIMITS.title);
  const description = wholeLines(
    [
      `From ${report.from}: ${report.exported.map((profile) => `${code(profile.profileId)} ${expiry(profile.expiresAt)}`).join(', ') || 'nothing'}`,
      ...report.skippedAtSource.map((skip) => `⏭ ${code(skip.profileId)} not sent: ${scrub(skip.reason)}`),
    ],
    Math.min(LIMITS.description, Math.floor(budget / 4)),
  );
  const all = report.targets.map((target) => targetField(report, target)).sort((a, b) => Number(b.failed) - Number(a.failed) || Number(b.changed) - Number(a.changed));
  let room = budget - title.length - description.length - 200;
  const fields: Array<{ name: string; value: string }> = [];
  const rest: Field[] = [];
  for (const [index, field] of all.entries()) {
    // Keep a field's room for the fold line when more targets follow.
    const full = field.name.length + field.value.length;
    const left = all.length - index;
    if (fields.length < LIMITS.fields - 1 && full <= room - (left - 1) * 80) {
      fields.push({ name: field.name, value: field.value });
      room -= full;
    } else if (fields.length < LIMITS.fields - 1 && field.short.length + 2 <= room - (left - 1) * 80) {
      fields.push({ name: field.name, value: '(shortened: no room for the details)' });
      room -= field.name.length + 40;
    } else rest.push(field);
  }
  if (rest.length > 0) {
    const failed = rest.filter((field) => field.failed).length;
    const changed = rest.filter((field) => field.changed).length;
    fields.push({
      name: `… ${rest.length} more target${rest.length === 1 ? '' : 's'}`,
      value: truncate(`${failed} failed, ${changed} changed, ${rest.length - failed - changed} nothing to change: ${rest.map((field) => field.short).join('; ')}`, Math.max(60, Math.min(LIMITS.fieldValue, room))),
    });
  }
  return { title, description, color: OUTCOME_COLOR[syncOutcome(report)], fields };
}
