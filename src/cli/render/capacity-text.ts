import type { CapacityResponse } from '../../protocol/agent-api.js';

/** A node's agents against maxConcurrent, the burst a restart causes, and what to set. */
export function renderCapacityText(response: CapacityResponse): string {
  const { capacity, blastRadius } = response;
  const lines: string[] = [];
  if (response.changed) lines.push(`maxConcurrent on ${response.node}: ${response.changed.from} → ${response.changed.to}. The gateway picks it up on its next restart.`);
  lines.push(`${response.node}: ${capacity.agentCount} agents, maxConcurrent ${capacity.maxConcurrent}${capacity.source === 'defaults' ? ' (OpenClaw default: no openclaw.json value)' : ''}.`);
  lines.push(`A restart reconnects them at once: expected burst ${blastRadius.expectedBurst.low}–${blastRadius.expectedBurst.high}.`);
  lines.push(
    blastRadius.exceedsCapacity
      ? `WARNING: that exceeds maxConcurrent; suggested ${blastRadius.suggestedMaxConcurrent} (tokenops capacity ${response.node} --set ${blastRadius.suggestedMaxConcurrent}).`
      : 'Within capacity.',
  );
  return lines.join('\n');
}
