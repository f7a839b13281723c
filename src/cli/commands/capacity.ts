import { AgentCallError } from '../../fleet/agent-client.js';
import { readCapacity, setCapacity } from '../../fleet/operations/capacity.js';
import type { CapacityResponse } from '../../protocol/agent-api.js';
import type { CliCommand } from '../cli-command.js';
import { nodeOrAll } from '../command-arguments.js';
import type { CapacityJson } from '../json/output-shapes.js';
import { parseArguments, wholeNumber } from '../parse-arguments.js';
import { renderCapacityText } from '../render/capacity-text.js';

/** The agent's error names no node; a person reading it needs to know which one. */
async function onNode<T>(node: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AgentCallError) throw new AgentCallError(error.kind, `${node}: ${error.message}`, error.status, error.code, error.details);
    throw error;
  }
}

export const capacityCommand: CliCommand = {
  name: 'capacity',
  summary: "a node's agents against maxConcurrent; set it with --set",
  help: `usage: tokenops capacity <node> [--set <n>] [--json]

Shows the node's agents against agents.defaults.maxConcurrent and the reconnect burst a
restart causes (the incident's rule of thumb: 15 agents → a peak of 8–10 → 12), with a
suggested value. --set changes it through the agent (openclaw config set); the gateway
picks it up on its next restart. Audited.

exit 0  within capacity (or set)
exit 1  the burst exceeds maxConcurrent, the node did not answer, or the change failed
exit 2  unknown node, or --set not a whole number from 1 to 1000`,

  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { set: { type: 'string' } }, required: ['node'] });
    const [node = ''] = positionals;
    const value = values.set === undefined ? undefined : wholeNumber('set', values.set, 1, 1000);
    const fleet = context.fleetClient();
    nodeOrAll(fleet, node, false);
    let response: CapacityResponse;
    if (value === undefined) response = await onNode(node, readCapacity(fleet, node));
    else response = await onNode(node, setCapacity(await context.operations(), context.actor, node, value));
    const json: CapacityJson = {
      ok: value !== undefined || !response.blastRadius.exceedsCapacity,
      command: 'capacity',
      node: response.node,
      capacity: { maxConcurrent: response.capacity.maxConcurrent, agentCount: response.capacity.agentCount, source: response.capacity.source ?? null },
      blastRadius: response.blastRadius,
      changed: response.changed ?? null,
    };
    return { json, text: renderCapacityText(response) };
  },
};
