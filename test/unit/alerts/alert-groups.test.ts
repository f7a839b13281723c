import { describe, expect, it } from 'vitest';
import { fleetWideGroups, generalizeNodeName, GROUP_ABOVE_NODES, groupAction, groupKeyOf } from '../../../src/domain/alert-groups.js';
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

describe('the group message', () => {
  it("names what each node has with the node's name made general where it stands whole, never inside a longer name (pc in pc-a)", () => {
    const alerts = ['pc', 'pc-b', 'pc-c', 'pc-d'].map((node) => alertOf(node, { condition: 'rotation_conflict', profileId: ANTHROPIC, severity: 'critical', summary: `${node} holds a newer ${ANTHROPIC} than its owner pc-a (agent main): someone refreshed outside the owner`, action: 'x' }));
    const text = renderGroupAlert(alerts, groupAction(alerts), 'new');
    expect(text).toContain(`each of them holds a newer ${ANTHROPIC} than its owner pc-a (agent main)`);
  });
});

describe('generalizeNodeName', () => {
  it('keeps what stands before the name (to:, node:) and replaces only the name, wherever it stands whole', () => {
    expect(generalizeNodeName('sync from:pc-a to:pc, then node:pc and pc.', 'pc', 'X')).toBe('sync from:pc-a to:X, then node:X and X.');
  });
});

describe('group keys', () => {
  it('a condition about no account groups under `*`, one about an account under its id', () => {
    expect(groupKeyOf({ condition: 'node_unreachable' })).toBe('node_unreachable/*');
    expect(groupKeyOf({ condition: 'token_expired', profileId: ANTHROPIC })).toBe(`token_expired/${ANTHROPIC}`);
  });
});

describe('one fix for a group', () => {
  const refresh = (node: string) => alertOf(node, { condition: 'token_expiring', profileId: ANTHROPIC, action: `\`/tokens refresh node:${node} profile:${ANTHROPIC}\`; if that fails, log in again on ${node}` });

  it('`node:<node>` becomes `node:<each>` and a lone name "each node"', () => {
    expect(groupAction([refresh('n-1'), refresh('n-2')])).toBe(`\`/tokens refresh node:<each> profile:${ANTHROPIC}\`; if that fails, log in again on each node`);
  });

  it('an action without a node name is the same for all and goes out as it is', () => {
    const action = `\`/tokens refresh node:pc-a profile:${ANTHROPIC}\` on the owner pc-a, then it syncs here`;
    expect(groupAction([alertOf('n-1', { condition: 'token_expiring', action }), alertOf('n-2', { condition: 'token_expiring', action })])).toBe(action);
  });

  it('when the nodes need different fixes, the first critical node\'s own action is the fix', () => {
    const warning = alertOf('n-1', { condition: 'token_expiring', severity: 'warning', action: 'renew on n-1' });
    const critical = alertOf('n-2', { condition: 'token_expiring', severity: 'critical', action: 'log in on n-2' });
    const laterCritical = alertOf('n-3', { condition: 'token_expiring', severity: 'critical', action: 'paste a token on n-3' });
    expect(groupAction([warning, critical, laterCritical])).toBe('log in on n-2');
  });

  it('when they differ and none is critical, the first node\'s action is the fix', () => {
    const first = alertOf('n-1', { condition: 'token_expiring', action: 'renew on n-1' });
    const second = alertOf('n-2', { condition: 'token_expiring', action: 'log in on n-2' });
    expect(groupAction([first, second])).toBe('renew on n-1');
    expect(groupAction([second, first])).toBe('log in on n-2');
  });

  it('a lone difference is enough: three alike and one not is no common fix', () => {
    const others = [refresh('n-1'), refresh('n-2'), refresh('n-3')];
    const odd = alertOf('n-4', { condition: 'token_expiring', severity: 'critical', action: 'log in again on n-4' });
    expect(groupAction([...others, odd])).toBe('log in again on n-4');
  });

  it('no alerts, no fix', () => {
    expect(groupAction([])).toBe('');
  });

  it('a node whose name is part of another name (pc in the owner pc-a) keeps the other name whole', () => {
    // Followers pc, pc-b, pc-c, pc-d; pc-a owns the account. Only the follower's own name is made general.
    const sync = (node: string) => alertOf(node, { condition: 'token_expired', profileId: ANTHROPIC, severity: 'critical', action: `\`/tokens sync from:pc-a to:${node} profile:${ANTHROPIC}\` (owner pc-a holds a fresher one)` });
    const renewing = (node: string) => alertOf(node, { condition: 'token_expiring', profileId: ANTHROPIC, action: `renewal keeps failing on gpu10 (timeout): check gpu10's agent, then \`/tokens refresh node:gpu10 profile:${ANTHROPIC}\` for ${node}` });
    expect(groupAction(['pc', 'pc-b', 'pc-c', 'pc-d'].map(sync))).toBe(`\`/tokens sync from:pc-a to:all profile:${ANTHROPIC}\` (owner pc-a holds a fresher one)`);
    expect(groupAction(['gpu2', 'gpu1'].map(renewing))).toBe(`renewal keeps failing on gpu10 (timeout): check gpu10's agent, then \`/tokens refresh node:gpu10 profile:${ANTHROPIC}\` for each node`);
  });

  it('a name stands whole between dots only at a sentence\'s end: pc.lan is another node than pc and lan, n.1 is not nx1', () => {
    const sync = (from: string) => (node: string) => alertOf(node, { condition: 'token_expired', action: `\`/tokens sync from:${from} to:${node}\`, then log in again on ${node}.` });
    expect(groupAction(['lan', 'wan'].map(sync('pc.lan')))).toBe('`/tokens sync from:pc.lan to:all`, then log in again on each node.');
    expect(groupAction(['pc', 'wan'].map(sync('pc.lan')))).toBe('`/tokens sync from:pc.lan to:all`, then log in again on each node.');
    expect(groupAction(['n.1', 'n-2'].map(sync('nx1')))).toBe('`/tokens sync from:nx1 to:all`, then log in again on each node.');
  });
});
