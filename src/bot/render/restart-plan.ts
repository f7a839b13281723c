import type { APIEmbed } from 'discord.js';
import type { RestartPlan, TokenCheck } from '../../domain/restart-plan.js';
import { formatDuration } from '../../config/duration.js';
import { restartTimings, type RestartExecution } from '../../fleet/operations/restart-node.js';
import { foldOAuthCopies } from '../../domain/profile-status.js';
import { expiryWords, isResetExpiry, resetExpiryWords } from '../../domain/expiry-horizon.js';
import { LIMITS, code, relativeTime, truncate } from './discord-format.js';

const VERDICT = {
  go: { color: 0x2ecc71, text: '✅ **Go**: every OAuth profile stays valid past the margin.' },
  go_after_fixes: { color: 0xf1c40f, text: '🔧 **Go after the fixes below**: they run first, then the restart.' },
  no_go: { color: 0xe74c3c, text: '⛔ **No-go**: no valid source for some tokens. This plan cannot be confirmed; fix the tokens first, or rerun with `force:true` to restart anyway.' },
  forced: { color: 0xe74c3c, text: '⚠️ **Forced**: restarting although some tokens will load invalid (see the risk below).' },
} as const;

function checkLine(check: TokenCheck): string {
  const agents = check.agents.length > 1 ? ` (${check.agents.join(', ')})` : ` (${check.agents[0]})`;
  const expiresMs = check.expiresAt ? Date.parse(check.expiresAt) : null;
  const when = expiresMs !== null ? expiryWords(expiresMs, expiresMs <= Date.now()) : 'no expiry';
  if (check.staysValid) return `✅ ${code(check.profileId)}${agents} · ${when}`;
  if (check.fix?.kind === 'sync') return `❌ ${code(check.profileId)}${agents} · ${when} → **sync from ${check.fix.from} first**`;
  if (check.fix?.kind === 'refresh') return `❌ ${code(check.profileId)}${agents} · ${when} → **refresh on ${check.fix.owner} first**${check.fix.thenSyncFrom ? `, then sync from ${check.fix.thenSyncFrom}` : ''}`;
  return `⛔ ${code(check.profileId)}${agents} · ${when} · ${check.blocker ?? 'no fix'}`;
}

export function renderRestartPlan(plan: RestartPlan): APIEmbed {
  const radius = plan.blastRadius;
  const blast = radius.exceedsCapacity
    ? `⚠️ ${radius.agentCount} agents reconnect at once: expected burst ${radius.expectedBurst.low}–${radius.expectedBurst.high} against maxConcurrent ${radius.maxConcurrent}. ` +
      (plan.capacityChange
        ? `It is raised to ${plan.capacityChange.to} before the restart.`
        : `Suggested: ${radius.suggestedMaxConcurrent} — \`/capacity node:${plan.node} max_concurrent:${radius.suggestedMaxConcurrent}\`, or rerun with \`raise_capacity:true\`.`)
    : `✅ ${radius.agentCount} agents, expected burst ${radius.expectedBurst.low}–${radius.expectedBurst.high} within maxConcurrent ${radius.maxConcurrent}.`;
  const fields = [
    { name: `Token check (valid for ${formatDuration(plan.marginMs)} after the restart)`, value: truncate([...plan.unreadableStores.map((store) => `⛔ store ${code(store)} is unreadable`), ...plan.checks.map(checkLine)].join('\n') || 'no OAuth profiles', LIMITS.fieldValue) },
    { name: 'Blast radius', value: truncate(blast, LIMITS.fieldValue) },
    { name: 'What will run', value: truncate(plan.steps.map((step, index) => `${index + 1}. ${step}`).join('\n'), LIMITS.fieldValue) },
  ];
  if (plan.risks.length > 0) fields.push({ name: 'Risk (forced)', value: truncate(plan.risks.map((risk) => `• ${risk}`).join('\n'), LIMITS.fieldValue) });
  return { title: `Restart ${plan.node} · plan`, description: VERDICT[plan.verdict].text, color: VERDICT[plan.verdict].color, fields };
}

/** After a restart a token's health is said already: its time, or that a tool reset it. */
function afterWhen(expiresAt: string): string {
  const expiresMs = Date.parse(expiresAt);
  return isResetExpiry(expiresMs) ? resetExpiryWords(expiresMs) : relativeTime(expiresAt);
}

export function renderRestartResult(execution: RestartExecution): APIEmbed {
  const ok = execution.outcome === 'ready';
  const restart = execution.restart;
  const fields = [{ name: 'Timings', value: restartTimings(execution).join(' · ') }];
  if (restart) {
    // One line per token, as the plan has it: 15 agents holding one copy are one line.
    const health = foldOAuthCopies(restart.profiles).map(
      ({ profile, agents }) => `${profile.health === 'expired' || profile.health === 'invalid' ? '❌' : '✅'} ${code(profile.profileId)} (${agents.join(', ')}) · ${profile.health}${profile.expiresAt ? ` · ${afterWhen(profile.expiresAt)}` : ''}`,
    );
    fields.push({ name: 'Token health after', value: truncate(health.join('\n') || 'no OAuth profiles', LIMITS.fieldValue) });
    if (restart.outcome === 'command_failed' && restart.command.outputTail.length > 0) {
      fields.push({ name: 'Last lines of the restart command', value: truncate(`\`\`\`\n${restart.command.outputTail.join('\n').replaceAll('```', "'''")}\n\`\`\``, LIMITS.fieldValue) });
    }
  }
  return {
    title: `Restart ${execution.node} · ${ok ? 'done' : 'failed'}`,
    description: `${ok ? '✅' : '❌'} ${execution.message}${ok ? '' : execution.outcome === 'fix_failed' ? '' : '. Tokens on disk are as the fixes left them.'}`,
    color: ok ? 0x2ecc71 : 0xe74c3c,
    fields,
  };
}
