import { formatDuration } from '../../config/duration.js';
import type { RestartPlan } from '../../domain/restart-plan.js';
import type { Release } from '../../fleet/node-locks.js';
import { noGoPlans, restartAudit, restartTarget } from '../../fleet/operations/restart-audit.js';
import { prepareRestarts, rollingRestart } from '../../fleet/operations/restart-node.js';
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
    const actor = context.actor;
    const label = restartTarget(target, force);
    const nowMs = context.nowMs();

    // One mutation per node, from the plan to the end, as in the bot.
    let release: Release;
    try {
      release = operations.locks.tryAcquireAll(nodes, `restart (${actor.name}'s plan)`, actor.name);
    } catch (error) {
      await operations.audit.record(restartAudit.refused(actor, label, (error as Error).message));
      throw error;
    }
    try {
      const plans = await prepareRestarts(fleet, nodes, { force, raiseCapacity: values['raise-capacity'] ?? false, ...(marginMs ? { marginMs } : {}) });
      // A person confirms what they read: the plan is shown before the question (stderr under --json).
      if (!(unattended && context.json)) context.show(`${plans.map((plan) => renderRestartPlanText(plan, nowMs)).join('\n\n')}\n\n`);
      const noGo = noGoPlans(plans);
      if (noGo.length > 0) {
        await operations.audit.record(restartAudit.noGo(actor, label, plans));
        return result(target, force, plans, 'no_go', `No-go for ${noGo.map((plan) => plan.node).join(', ')}: nothing to confirm. Nothing was done.`);
      }
      await operations.audit.record(restartAudit.planned(actor, label, plans));
      if (!unattended) {
        const answer = await confirm(context, target, nodes);
        if (answer === 'expired') {
          await operations.audit.record(restartAudit.expired(actor, label));
          return result(target, force, plans, 'expired', `Expired: no answer within ${formatDuration(context.env.CONFIRM_TIMEOUT)}. Nothing was done.`);
        }
        if (answer === 'cancelled') {
          await operations.audit.record(restartAudit.cancelled(actor, label, actor.name));
          return result(target, force, plans, 'cancelled', `Cancelled: "${target}" was not typed back. Nothing was done.`);
        }
      }
      const confirmedBy = unattended ? 'flags' : 'typed_name';
      await operations.audit.record(restartAudit.confirmed(actor, label, plans, { planBy: actor.name, force, how: unattended ? 'unattended: --yes --force-noninteractive' : 'typed the name back' }));

      const journalled = operations.journal ? { journal: operations.journal, actor, target: label } : undefined;
      const { results, untouched } = await rollingRestart(
        fleet,
        operations.locks,
        plans,
        actor.name,
        async (node, index, step) => context.progress(`${plans.length > 1 ? `[${index + 1}/${plans.length}] ` : ''}${node}: ${step}`),
        journalled,
      );
      for (const [index, execution] of results.entries()) await operations.audit.record(restartAudit.executed(actor, execution, plans[index]));
      const failed = results.find((execution) => execution.outcome !== 'ready');
      const summary = failed
        ? `FAILED: ${failed.node}: ${failed.message}.${untouched.length > 0 ? ` Stopped: ${untouched.join(', ')} left as ${untouched.length === 1 ? 'it was' : 'they were'}.` : ''}`
        : `Done: ${results.map((execution) => `${execution.node} ready`).join(', ')}.`;
      const text = [...results.map((execution) => renderRestartResultText(execution, context.nowMs())), summary].join('\n\n');
      return result(target, force, plans, failed ? 'failed' : 'done', text, { confirmedBy, results: results.map(restartResultToJson), untouched });
    } finally {
      release();
    }
  },
};
