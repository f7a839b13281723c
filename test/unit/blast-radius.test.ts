import { describe, expect, it } from 'vitest';
import { blastRadius } from '../../src/domain/blast-radius.js';
import { blastRadiusSchema } from '../../src/protocol/agent-api.js';

describe('blastRadius', () => {
  it("reproduces the incident: 15 agents, maxConcurrent 4 -> burst 8..10, exceeds, suggests 12", () => {
    expect(blastRadius(15, 4)).toEqual({
      agentCount: 15,
      maxConcurrent: 4,
      expectedBurst: { low: 8, high: 10 },
      exceedsCapacity: true,
      suggestedMaxConcurrent: 12,
    });
  });

  it('after the incident fix (maxConcurrent 12) the same node is within capacity', () => {
    const radius = blastRadius(15, 12);
    expect(radius.expectedBurst).toEqual({ low: 8, high: 10 });
    expect(radius.exceedsCapacity).toBe(false);
    expect(radius.suggestedMaxConcurrent).toBeNull();
  });

  it('a small node under capacity gets no suggestion', () => {
    const radius = blastRadius(3, 4);
    expect(radius.expectedBurst.high).toBeLessThanOrEqual(4);
    expect(radius.exceedsCapacity).toBe(false);
    expect(radius.suggestedMaxConcurrent).toBeNull();
  });

  it('a burst exactly at capacity does not exceed it', () => {
    // 6 agents -> high = ceil(6 * 2/3) = 4
    const radius = blastRadius(6, 4);
    expect(radius.expectedBurst.high).toBe(4);
    expect(radius.exceedsCapacity).toBe(false);
    expect(radius.suggestedMaxConcurrent).toBeNull();
  });

  it('one agent more than capacity allows does exceed it and suggests headroom above the peak', () => {
    const radius = blastRadius(7, 4);
    expect(radius.expectedBurst.high).toBe(5);
    expect(radius.exceedsCapacity).toBe(true);
    expect(radius.suggestedMaxConcurrent).toBe(6);
  });

  it('no agents means no burst', () => {
    expect(blastRadius(0, 4)).toMatchObject({ expectedBurst: { low: 0, high: 0 }, exceedsCapacity: false, suggestedMaxConcurrent: null });
  });

  it('keeps low <= high, integer values, and a suggestion above the peak, for a range of sizes', () => {
    for (let agents = 0; agents <= 200; agents++) {
      for (const max of [1, 4, 8, 12, 50]) {
        const radius = blastRadius(agents, max);
        expect(blastRadiusSchema.safeParse(radius).success).toBe(true);
        expect(radius.expectedBurst.low).toBeLessThanOrEqual(radius.expectedBurst.high);
        expect(radius.expectedBurst.high).toBeLessThanOrEqual(agents);
        expect(radius.exceedsCapacity).toBe(radius.expectedBurst.high > max);
        if (radius.exceedsCapacity) {
          expect(radius.suggestedMaxConcurrent).not.toBeNull();
          expect(radius.suggestedMaxConcurrent!).toBeGreaterThan(max);
          expect(radius.suggestedMaxConcurrent!).toBeGreaterThanOrEqual(radius.expectedBurst.high);
        } else {
          expect(radius.suggestedMaxConcurrent).toBeNull();
        }
      }
    }
  });
});
