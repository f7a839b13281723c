import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadFleet } from '../../src/config/fleet-file.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { NodeLocks } from '../../src/fleet/node-locks.js';
import { prepareRestarts, rollingRestart } from '../../src/fleet/operations/restart-node.js';
import { fleetFor, startAgentFarm } from '../support/agent-farm.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

test('a rolling restart stops at the first node that does not come back, leaving the rest untouched', async () => {
  // Farm agents have the default restart command (`openclaw gateway restart`), which is not
  // installed here: the first node's restart fails, so the second must not be tried.
  const farm = await startAgentFarm({ agents: 2, profilesPerNode: 1, prefix: 'roll' });
  cleanups.push(() => farm.close());
  const { fleet, env } = fleetFor(farm.nodes);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tokenops-roll-')), 'fleet.json');
  writeFileSync(file, JSON.stringify(fleet));
  const loaded = loadFleet(file, env);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const client = new FleetClient(loaded.value, { timeoutMs: 3000, concurrency: 4 });
  cleanups.push(() => client.close());
  const plans = await prepareRestarts(client, client.nodeNames, { force: false, raiseCapacity: false });
  expect(plans.map((plan) => plan.verdict)).toEqual(['go', 'go']);
  const steps: string[] = [];
  const { results, untouched } = await rollingRestart({ fleet: client, locks: new NodeLocks(), actor: { via: 'cli', id: 'test', name: 'test' } }, plans, async (node, index, step) => void steps.push(`${index}:${node}:${step}`));
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({ node: 'roll-000', outcome: 'command_failed', message: expect.stringMatching(/the restart command failed/) });
  expect(results[0]?.restart?.command.outputTail.at(-1)).toBe('openclaw: command not found');
  expect(untouched).toEqual(['roll-001']);
  expect(steps.every((step) => step.startsWith('0:roll-000:'))).toBe(true);
});
