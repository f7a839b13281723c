import type { BlastRadius } from '../protocol/agent-api.js';

/*
 * The incident's rule of thumb: when a gateway restarts, its agents reconnect together, and
 * 8–10 of 15 were active at the peak. The low and high ends scale with that ratio; the
 * suggestion leaves 20 % headroom above the high end (15 agents → peak 8–10 → 12).
 */
const PEAK_LOW_RATIO = 8 / 15;
const PEAK_HIGH_RATIO = 2 / 3;
const HEADROOM = 1.2;

export function blastRadius(agentCount: number, maxConcurrent: number): BlastRadius {
  const low = Math.round(agentCount * PEAK_LOW_RATIO);
  const high = Math.ceil(agentCount * PEAK_HIGH_RATIO);
  const exceedsCapacity = high > maxConcurrent;
  return {
    agentCount,
    maxConcurrent,
    expectedBurst: { low, high },
    exceedsCapacity,
    suggestedMaxConcurrent: exceedsCapacity ? Math.ceil(high * HEADROOM) : null,
  };
}
