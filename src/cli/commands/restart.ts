import { formatDuration } from '../../config/duration.js';
import type { RestartPlan } from '../../domain/restart-plan.js';
import { confirmedRestart, restartFailureSummary } from '../../fleet/operations/confirmed-restart.js';
import { noGoPlans } from '../../fleet/operations/restart-audit.js';
import type { CliCommand, CommandResult } from '../cli-command.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-errors.js';
import { margin, nodeOrAll } from '../command-arguments.js';
import type { RestartJson } from '../json/output-shapes.js';
import { planToJson, restartResultToJson } from '../json/to-json.js';
import { parseArguments } from '../parse-arguments.js';
import { renderRestartPlanText } from '../render/restart-plan-text.js';
import { renderRestartResultText } from '../render/restart-result-text.js';
import { askToTypeBack } from '../type-back-confirmation.js';

/*
 * `tokenops restart <node|all>`: the bot's /restart for a terminal. The same plan (token
 * check, fixes, blast radius, steps), then the node's name typed back instead of a ✅; a
 * no-go cannot be confirmed. `all` restarts one node at a time and stops at the first that
 * does not come back. Scripts may skip the question only by saying so twice
 * (--yes --force-noninteractive): a restart is what turned the incident into an outage.
 */

const options = {
  force: { type: 'boolean' },
  'raise-capacity': { type: 'boolean' },
  margin: { type: 'string' },
  yes: { type: 'boolean' },
  'force-noninteractive': { type: 'boolean' },
} as const;

type Outcome = RestartJson['outcome'];

function result(target: string, force: boolean, plans: readonly RestartPlan[], outcome: Outcome, text: string, extra: Partial<RestartJson> = {}): CommandResult<RestartJson> {
  return {
    json: { ok: outcome === 'done', command: 'restart', target, force, outcome, confirmedBy: null, plans: plans.map(planToJson), results: [], untouched: [], ...extra },
    text,
  };
}

async function confirm(context: CliContext, target: string, nodes: readonly string[]): Promise<'confirmed' | 'cancelled' | 'expired'> {
  const timeoutMs = context.env.CONFIRM_TIMEOUT;
  const what = nodes.length > 1 ? `a rolling restart of ${nodes.join(', ')}, one at a time` : `the restart of ${target}`;
  const answer = await askToTypeBack(context.io, `Type "${target}" to run ${what} (anything else cancels; expires in ${formatDuration(timeoutMs)}): `, target, timeoutMs);
  if (answer === 'confirmed') return 'confirmed';
  return answer === 'expired' ? 'expired' : 'cancelled';
}

export const restartCommand: CliCommand = {
  name: 'restart',
  summary: "restart a gateway safely: the plan, the node's name typed back, verified",
  help: `usage: tokenops restart <node|all> [--force] [--raise-capacity] [--margin <duration>] [--json]
       tokenops restart <node|all> --yes --force-noninteractive [...]

Shows the plan (as \`tokenops preflight\`), then asks for the node's name (or "all") to be
typed back on the terminal; only that runs it. Then: the fixes (syncs, refreshes on the
owner), a check that the tokens now stay valid, the capacity raise if asked, the restart
through the agent, the wait for /readyz and the token health after. \`all\` restarts one
node at a time and stops at the first that does not come back ready. Audited.

  --force                  restart even when the token check says no-go (the risk is audited)
  --raise-capacity         raise maxConcurrent to the suggested value first
  --margin <duration>      how long tokens must stay valid after the restart (default 30m)
  --yes --force-noninteractive
                           for scripts: no question (both flags, or neither)

Without a terminal on stdin, and without those two flags, it refuses (exit 2).

exit 0  every node restarted and ready
exit 1  no-go, cancelled (wrong name), expired, a node did not answer, or a restart failed
exit 2  unknown node or option, --yes without --force-noninteractive, or no terminal`,

  async run(argv, context) {
    const { values, positionals } = parseArguments(argv, { options, required: ['node|all'] });
    const [target = ''] = positionals;
    const force = values.force ?? false;
    const unattended = values.yes === true && values['force-noninteractive'] === true;
    if (values.yes && !unattended) throw new UsageError("--yes is accepted only together with --force-noninteractive (for scripts); at a terminal, type the node's name when asked");
    if (values['force-noninteractive'] && !unattended) throw new UsageError('--force-noninteractive goes with --yes');
    if (!unattended && !context.io.stdin.isTTY) {
      throw new UsageError("restart asks for the node's name to be typed back, and stdin is not a terminal: nothing was done. Run it from a terminal, or in a script pass --yes --force-noninteractive");
    }
    const marginMs = margin(values.margin);
    const fleet = context.fleetClient();
    const nodes = nodeOrAll(fleet, target, true);
    const operations = await context.operations();
    const nowMs = context.nowMs();
    const showPlans = (plans: readonly RestartPlan[]) => context.show(`${plans.map((plan) => renderRestartPlanText(plan, nowMs)).join('\n\n')}\n\n`);

    const done = await confirmedRestart(
      { ...operations, fleetClient: fleet },
      { target, nodes, force, raiseCapacity: values['raise-capacity'] ?? false, ...(marginMs ? { marginMs } : {}), actor: context.actor },
      {
        showNoGo: async (plans) => showPlans(plans),
        // A person confirms what they read: the plan is shown before the question (stderr under --json).
        offer: async (plans) => {
          if (!(unattended && context.json)) showPlans(plans);
          return undefined;
        },
        answer: async () => {
          if (unattended) return { result: 'confirmed', by: context.actor, how: 'unattended: --yes --force-noninteractive' };
          const answer = await confirm(context, target, nodes);
          return answer === 'confirmed' ? { result: 'confirmed', by: context.actor, how: 'typed the name back' } : answer === 'cancelled' ? { result: 'cancelled', by: context.actor } : { result: 'expired' };
        },
        progress: async (node, index, step) => context.progress(`${nodes.length > 1 ? `[${index + 1}/${nodes.length}] ` : ''}${node}: ${step}`),
      },
    );
    const { plans } = done;
    switch (done.outcome) {
      case 'no_go':
        return result(target, force, plans, 'no_go', `No-go for ${noGoPlans(plans).map((plan) => plan.node).join(', ')}: nothing to confirm. Nothing was done.`);
      case 'expired':
        return result(target, force, plans, 'expired', `Expired: no answer within ${formatDuration(context.env.CONFIRM_TIMEOUT)}. Nothing was done.`);
      case 'cancelled':
        return result(target, force, plans, 'cancelled', `Cancelled: "${target}" was not typed back. Nothing was done.`);
      default: {
        const failure = restartFailureSummary(done.results, done.untouched);
        const summary = failure ? `FAILED: ${failure}` : `Done: ${done.results.map((execution) => `${execution.node} ready`).join(', ')}.`;
        const text = [...done.results.map((execution) => renderRestartResultText(execution, context.nowMs())), summary].join('\n\n');
        return result(target, force, plans, done.outcome, text, { confirmedBy: unattended ? 'flags' : 'typed_name', results: done.results.map(restartResultToJson), untouched: done.untouched });
      }
    }
  },
};
