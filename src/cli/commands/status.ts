import type { FleetView } from '../../domain/fleet-view.js';
import { fleetStatusView } from '../../fleet/operations/fleet-status.js';
import type { CliCommand } from '../cli-command.js';
import type { StatusJson } from '../json/output-shapes.js';
import { statusToJson } from '../json/to-json.js';
import { parseArguments } from '../parse-arguments.js';
import { renderStatusText } from '../render/status-text.js';

/**
 * What makes `status` exit 1: what would break or already broke the gateway's agents. An
 * expiring token, a missing copy or a token that differs from the owner's is shown, but
 * is a warning (the bot's alerts handle those on their schedule).
 */
function failedChecks(view: FleetView): string[] {
  const failures: string[] = [];
  for (const node of view.nodes) {
    if (!node.reachable) {
      failures.push(`${node.name}: the agent did not answer (${node.error?.kind ?? 'no answer'})`);
      continue;
    }
    if (!node.gateway?.ready) failures.push(`${node.name}: gateway ${node.gateway?.reachable ? 'not ready' : 'unreachable'}`);
    for (const store of node.unreadableStores) failures.push(`${node.name}: store of agent ${store.agentId} unreadable`);
    for (const cell of node.profiles) {
      if (cell.health === 'expired' || cell.health === 'invalid') failures.push(`${node.name}: ${cell.profileId} ${cell.health === 'expired' ? 'expired' : 'malformed'}`);
    }
  }
  return failures;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'token health on every node (or one), gateways and capacity',
  help: `usage: tokenops status [<node>] [--json]

Asks every node's agent at once and shows each node (worst first) with its profiles:
health and expiry, the owner, token letters (same letter on two nodes = same token) and
tokens that differ from the owner's. With <node>, only that node is shown (the others are
still asked, to compare tokens).

exit 0  every node answered, every gateway is ready, no token expired or malformed
exit 1  a check failed (listed at the end, and in "failures" under --json)
exit 2  unknown node, or bad settings`,

  async run(argv, context) {
    const { positionals } = parseArguments(argv, { options: {}, optional: ['node'] });
    const node = positionals[0];
    const nowMs = context.nowMs();
    const renewals = await context.renewalMemory();
    const view = await fleetStatusView(context.fleetClient(), { ...(node ? { node } : {}), nowMs, ...(renewals ? { renewals } : {}) });
    const failures = failedChecks(view);
    const json: StatusJson = { ok: failures.length === 0, command: 'status', ...statusToJson(view, failures) };
    const verdict = failures.length === 0 ? 'All checks passed.' : `${failures.length} check${failures.length === 1 ? '' : 's'} failed:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`;
    return { json, text: `${renderStatusText(view, nowMs)}\n\n${verdict}` };
  },
};
