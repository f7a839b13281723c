import { scrub } from '../../domain/scrub-secrets.js';
import { foldOAuthCopies } from '../../domain/profile-status.js';
import { restartTimings, type RestartExecution } from '../../fleet/operations/restart-node.js';
import { expiry } from './when.js';

/** One node's restart, after the fact: outcome, timings, token health as re-read. */
export function renderRestartResultText(execution: RestartExecution, nowMs: number): string {
  const ok = execution.outcome === 'ready';
  const restart = execution.restart;
  const lines = [`Restart ${execution.node} · ${ok ? 'done' : 'FAILED'}: ${scrub(execution.message)}`];
  lines.push(`  timings: ${restartTimings(execution).join(' · ')}`);
  if (restart) {
    // One line per token, as the plan has it: 15 agents holding one copy are one line.
    const copies = foldOAuthCopies(restart.profiles);
    lines.push('  token health after:');
    for (const { profile, agents } of copies) {
      lines.push(`    ${profile.health === 'expired' || profile.health === 'invalid' ? 'BAD' : 'ok '} ${profile.profileId} (${agents.join(', ')}) · ${profile.health} · ${expiry(profile.expiresAt, nowMs)}`);
    }
    if (copies.length === 0) lines.push('    no OAuth profiles');
    if (restart.outcome === 'command_failed' && restart.command.outputTail.length > 0) {
      lines.push('  last lines of the restart command:', ...restart.command.outputTail.map((line) => `    | ${scrub(line)}`));
    }
  }
  return lines.join('\n');
}
