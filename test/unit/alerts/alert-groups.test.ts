import { describe, expect, it } from 'vitest';
import { fleetWideGroups, GROUP_ABOVE_NODES, groupAction, groupKeyOf } from '../../../src/domain/alert-groups.js';
import { renderGroupAlert } from '../../../src/bot/render/alert-message.js';
import { ANTHROPIC, alertOf } from './alert-fixtures.js';

/*
 * A fleet-wide problem is one message: the same condition of the same account on more than
 * a few nodes is grouped, with one fix.
 */

const expiring = (node: string) =>
  alertOf(node, { condition: 'token_expiring', profileId: ANTHROPIC, severity: 'warning', summary: `${ANTHROPIC} expires <t:1771000000:R>`, action: `\`/tokens sync from:pc-a to:${node} profile:${ANTHROPIC}\` (owner pc-a holds a fresher one)` });

describe('fleet-wide groups', () => {
  it(`more than ${GROUP_ABOVE_NODES} nodes with one condition of one account are one group; a few stay per node`, () => {
    const many = Array.from({ length: 100 }, (_, index) => [expiring(`n-${String(index).padStart(3, '0')}`)]);
    const groups = fleetWideGroups(many);
    expect([...groups.keys()]).toEqual([groupKeyOf({ condition: 'token_expiring', profileId: ANTHROPIC })]);
    expect(groups.get(`token_expiring/${ANTHROPIC}`)).toHaveLength(100);
    expect(fleetWideGroups(many.slice(0, GROUP_ABOVE_NODES)).size).toBe(0);
  });

  it('pending alerts (a first failed check) do not count: they are not shown', () => {
    const nodes = Array.from({ length: 5 }, (_, index) => [alertOf(`n-${index}`, { condition: 'node_unreachable', pending: true })]);
    expect(fleetWideGroups(nodes).size).toBe(0);
  });

  it('one fix for all: `to:<node>` becomes `to:all`', () => {
    expect(groupAction([expiring('n-1'), expiring('n-2')])).toBe(`\`/tokens sync from:pc-a to:all profile:${ANTHROPIC}\` (owner pc-a holds a fresher one)`);
  });

  it('the message names every node that fits and counts the rest, within Discord\'s 2000 characters', () => {
    const alerts = Array.from({ length: 100 }, (_, index) => expiring(`node-with-a-long-name-${String(index).padStart(3, '0')}`));
    const text = renderGroupAlert(alerts, groupAction(alerts), 'new');
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toMatch(/^🟡 \*\*100 nodes\*\*: token expiring of `anthropic:default`/);
    expect(text).toContain('node-with-a-long-name-000');
    expect(text).toMatch(/and \d+ more/);
    expect(text).toContain('to:all');
  });
});
