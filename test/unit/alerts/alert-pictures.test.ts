import { describe, expect, it } from 'vitest';
import { isExpiryAlert, nodesToPicture, PICTURES_PER_CHECK, type PictureCandidate } from '../../../src/domain/alert-pictures.js';

/*
 * Which messages of one check carry an expiry timeline: those posted or edited about when
 * tokens die, critical first, at most a few, so a burst is not held up drawing.
 */

const candidate = (node: string, over: Partial<PictureCandidate> = {}): PictureCandidate => ({
  node,
  decision: { kind: 'post', reason: 'new' },
  shown: [{ condition: 'token_expiring' }],
  severity: 'warning',
  ...over,
});

describe('nodesToPicture', () => {
  it(`at most ${PICTURES_PER_CHECK} a check, in the check's order`, () => {
    const many = Array.from({ length: 20 }, (_, index) => candidate(`n-${String(index).padStart(2, '0')}`));
    expect(nodesToPicture(many)).toEqual(['n-00', 'n-01', 'n-02', 'n-03', 'n-04', 'n-05']);
    expect(nodesToPicture(many, 2)).toEqual(['n-00', 'n-01']);
    expect(nodesToPicture(many.slice(0, 3))).toEqual(['n-00', 'n-01', 'n-02']);
  });

  it('the critical ones first: they are acted on first', () => {
    const nodes = [candidate('a'), candidate('b', { severity: 'critical', shown: [{ condition: 'token_expired' }] }), candidate('c'), candidate('d', { severity: 'critical' })];
    expect(nodesToPicture(nodes, 3)).toEqual(['b', 'd', 'a']);
    // Each once: the critical ones are not drawn again among the rest.
    expect(nodesToPicture(nodes)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('only messages posted or edited now, about when tokens die', () => {
    const nodes = [
      candidate('posted'),
      candidate('edited', { decision: { kind: 'edit' } }),
      candidate('unchanged', { decision: { kind: 'none' } }),
      candidate('resolved', { decision: { kind: 'resolve' }, shown: [] }),
      candidate('gateway', { shown: [{ condition: 'gateway_not_ready' }] }),
      candidate('mixed', { shown: [{ condition: 'gateway_not_ready' }, { condition: 'token_expired' }] }),
    ];
    expect(nodesToPicture(nodes)).toEqual(['posted', 'edited', 'mixed']);
  });

  it('expiry alerts are the expiring and the expired', () => {
    expect(['token_expiring', 'token_expired', 'refresh_failed', 'node_unreachable', 'gateway_not_ready', 'store_unreadable'].filter((condition) => isExpiryAlert({ condition: condition as never }))).toEqual(['token_expiring', 'token_expired']);
  });
});
