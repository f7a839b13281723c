import { formatDuration } from '../../config/duration.js';
import { scrub } from '../../domain/scrub-secrets.js';
import type { RestartExecution } from '../../fleet/operations/restart-node.js';
import { expiry } from './when.js';

/** One node's restart, after the fact: outcome, timings, token health as re-read. */
export function renderRestartResultText(execution: RestartExecution, nowMs: number): string {
  const ok = execution.outcome === 'ready';
  const restart = execution.restart;
  const lines = [`Restart ${execution.node} · ${ok ? 'done' : 'FAILED'}: ${scrub(execution.message)}`];
  const timings = [`fixes ${formatDuration(execution.fixMs)}`];
  if (restart) {
    timings.push(`restart command ${formatDuration(restart.command.durationMs)}`);
    if (restart.readyAfterMs !== null) timings.push(`ready after ${formatDuration(restart.readyAfterMs)}`);
    timings.push(`total ${formatDuration(execution.fixMs + restart.totalMs)}`);
  }
  lines.push(`  timings: ${timings.join(' · ')}`);
  if (restart) {
    // One line per token, as the plan has it: 15 agents holding one copy are one line.
    const copies = new Map<string, { profile: (typeof restart.profiles)[number]; agents: string[] }>();
    for (const profile of restart.profiles.filter((candidate) => candidate.type === 'oauth')) {
      const key = `${profile.profileId}\0${profile.health}\0${profile.expiresAt ?? ''}`;
      const copy = copies.get(key) ?? { profile, agents: [] };
      copy.agents.push(profile.agentId);
      copies.set(key, copy);
    }
    lines.push('  token health after:');
    for (const { profile, agents } of copies.values()) {
      lines.push(`    ${profile.health === 'expired' || profile.health === 'invalid' ? 'BAD' : 'ok '} ${profile.profileId} (${agents.join(', ')}) · ${profile.health} · ${expiry(profile.expiresAt, nowMs)}`);
    }
    if (copies.size === 0) lines.push('    no OAuth profiles');
    if (restart.outcome === 'command_failed' && restart.command.outputTail.length > 0) {
      lines.push('  last lines of the restart command:', ...restart.command.outputTail.map((line) => `    | ${scrub(line)}`));
    }
  }
  return lines.join('\n');
}
