import { planRestarts } from '../../fleet/operations/restart-node.js';
import type { CliCommand } from '../cli-command.js';
import { margin, nodeOrAll } from '../command-arguments.js';
import type { PreflightJson } from '../json/output-shapes.js';
import { planToJson } from '../json/to-json.js';
import { parseArguments } from '../parse-arguments.js';
import { plainMessage } from '../render/plain-message.js';
import { renderRestartPlanText } from '../render/restart-plan-text.js';

export const preflightCommand: CliCommand = {
  name: 'preflight',
  summary: 'the restart plan for a node (or all) without restarting anything',
  help: `usage: tokenops preflight <node|all> [--margin <duration>] [--raise-capacity] [--json]

Shows what \`tokenops restart\` would do, and changes nothing: whether every OAuth profile
stays valid for the margin after a restart (default 30m), the fix that would run first for
those that do not (a sync from a node with a valid copy, the owner's first, or a refresh on
the owner), the blast radius (agents reconnecting against maxConcurrent, and a suggested
value), and the steps in order.

  --margin <duration>  how long tokens must stay valid after the restart (e.g. 45m, 2h)
  --raise-capacity     plan the raise of maxConcurrent to the suggested value first

exit 0  go: the restart needs no fix
exit 1  a token needs a fix first, there is no valid source (no-go), or a node did not answer
exit 2  unknown node or option`,

  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options: { margin: { type: 'string' }, 'raise-capacity': { type: 'boolean' } }, required: ['node|all'] });
    const [target = ''] = positionals;
    const marginMs = margin(values.margin);
    const fleet = context.fleetClient();
    const nodes = nodeOrAll(fleet, target, true);
    const nowMs = context.nowMs();
    const results = await planRestarts(fleet, nodes, { force: false, raiseCapacity: values['raise-capacity'] ?? false, ...(marginMs ? { marginMs } : {}) });
    const plans = results.flatMap((result) => (result.ok ? [result.plan] : []));
    const unanswered = results.flatMap((result) => (result.ok ? [] : [{ node: result.node, reason: plainMessage(result.reason, nowMs) }]));
    const notGo = plans.filter((plan) => plan.verdict !== 'go');
    const json: PreflightJson = { ok: notGo.length === 0 && unanswered.length === 0, command: 'preflight', target, plans: plans.map(planToJson), unanswered };
    const verdict = json.ok
      ? `Preflight: go for ${plans.map((plan) => plan.node).join(', ')}.`
      : `Preflight: ${[...notGo.map((plan) => `${plan.node} ${plan.verdict === 'no_go' ? 'is a no-go' : 'needs the fixes above first (tokenops restart runs them)'}`), ...unanswered.map((entry) => `${entry.node} did not answer`)].join('; ')}.`;
    const text = [...plans.map((plan) => renderRestartPlanText(plan, nowMs)), ...unanswered.map((entry) => `${entry.node}: ${entry.reason}`), verdict].join('\n\n');
    return { json, text };
  },
};
