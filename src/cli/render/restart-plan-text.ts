import { formatDuration } from '../../config/duration.js';
import type { RestartPlan, TokenCheck } from '../../domain/restart-plan.js';
import { expiry } from './when.js';

/*
 * The restart plan as the bot shows it, for a terminal: the verdict, the token check with
 * the fixes that run first, the blast radius with the reconnect warning, what will run,
 * and for a forced plan the risk taken. The remedies name CLI commands and flags.
 */

const VERDICT: Record<RestartPlan['verdict'], string> = {
  go: 'GO: every OAuth profile stays valid past the margin.',
  go_after_fixes: 'GO AFTER THE FIXES below: they run first, then the restart.',
  no_go: 'NO-GO: no valid source for some tokens. This plan cannot be confirmed; fix the tokens first, or rerun with --force to restart anyway.',
  forced: 'FORCED: restarting although some tokens will load invalid (see the risk below).',
};

function checkLine(check: TokenCheck, nowMs: number): string {
  const head = `${check.profileId} (${check.agents.join(', ')}) · ${expiry(check.expiresAt, nowMs)}`;
  if (check.staysValid) return `  ok    ${head}`;
  if (check.fix?.kind === 'sync') return `  FIX   ${head} → sync from ${check.fix.from} first`;
  if (check.fix?.kind === 'refresh') return `  FIX   ${head} → refresh on ${check.fix.owner} first${check.fix.thenSyncFrom ? `, then sync from ${check.fix.thenSyncFrom}` : ''}`;
  return `  NO-GO ${head} · ${check.blocker ?? 'no fix'}`;
}

function blastRadiusLine(plan: RestartPlan): string {
  const radius = plan.blastRadius;
  if (!radius.exceedsCapacity) return `  ok    ${radius.agentCount} agents, expected burst ${radius.expectedBurst.low}–${radius.expectedBurst.high} within maxConcurrent ${radius.maxConcurrent}.`;
  const head = `  WARN  ${radius.agentCount} agents reconnect at once: expected burst ${radius.expectedBurst.low}–${radius.expectedBurst.high} against maxConcurrent ${radius.maxConcurrent}.`;
  return plan.capacityChange
    ? `${head} It is raised to ${plan.capacityChange.to} before the restart.`
    : `${head} Suggested: ${radius.suggestedMaxConcurrent} (tokenops capacity ${plan.node} --set ${radius.suggestedMaxConcurrent}, or rerun with --raise-capacity).`;
}

export function renderRestartPlanText(plan: RestartPlan, nowMs: number): string {
  const lines = [`Restart ${plan.node} · plan`, VERDICT[plan.verdict], '', `Token check (valid for ${formatDuration(plan.marginMs)} after the restart):`];
  lines.push(...plan.unreadableStores.map((store) => `  NO-GO store ${store} is unreadable`));
  lines.push(...plan.checks.map((check) => checkLine(check, nowMs)));
  if (plan.checks.length === 0 && plan.unreadableStores.length === 0) lines.push('  no OAuth profiles');
  lines.push('Blast radius:', blastRadiusLine(plan), 'What will run:', ...plan.steps.map((step, index) => `  ${index + 1}. ${step}`));
  if (plan.risks.length > 0) lines.push('Risk (forced):', ...plan.risks.map((risk) => `  - ${risk}`));
  return lines.join('\n');
}
