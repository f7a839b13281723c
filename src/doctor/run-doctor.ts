import { botEnvSchema, loadBotEnv } from '../config/bot-env.js';
import { loadFleet } from '../config/fleet-file.js';
import { formatIssues } from '../config/format-issues.js';
import { presentOnly } from '../config/agent-env.js';
import { FleetClient } from '../fleet/fleet-client.js';
import { fleetStatus, fleetViewOf } from '../fleet/operations/fleet-status.js';
import { withRenewalSchedule, type RenewalMemory } from '../fleet/operations/renewal-view.js';
import { TOKENOPS_VERSION } from '../runtime/version.js';
import { fail, type CheckLine } from './check-line.js';
import { gatherDiscord, judgeDiscord, type CommandShape } from './discord-checks.js';
import { DiscordRest } from './discord-rest.js';
import { judgeFleet } from './fleet-checks.js';
import { stateChecks } from './state-checks.js';

/*
 * `tokenops doctor`: the bot's settings (.env, the fleet file), then Discord, every node and
 * the state, each as checklist lines. It changes nothing (a Redis probe key aside, deleted
 * at once). A setting that cannot be read is a failed line, not a crash: the checks that do
 * not need it still run.
 */

export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  nowMs: number;
  /** What the bot remembers of renewal (read-only; none before the bot's first start). */
  renewals: () => Promise<RenewalMemory | undefined>;
  /** This version's command definitions (the bot's commands/). */
  definitions: () => Promise<CommandShape[]>;
}

const settingsFix = 'set it in .env (see .env.example and docs/install-bot.md)';

export async function runDoctor(deps: DoctorDeps): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const bot = loadBotEnv(deps.env);
  if (!bot.ok) lines.push(...bot.problems.map((problem) => fail('settings', 'bot settings', problem, settingsFix)));
  // The fleet and the state need only their own settings.
  const local = botEnvSchema.pick({ TOKENOPS_FLEET: true, TOKENOPS_STATE: true, TOKENOPS_NODE_TIMEOUT: true, TOKENOPS_FANOUT: true }).safeParse(presentOnly(deps.env));
  if (!local.success && bot.ok) lines.push(...formatIssues(local.error.issues).map((problem) => fail('settings', 'bot settings', problem, settingsFix)));

  if (bot.ok) {
    const facts = await gatherDiscord(new DiscordRest(bot.value.DISCORD_API_BASE, bot.value.DISCORD_TOKEN), bot.value);
    lines.push(...judgeDiscord(facts, bot.value, await deps.definitions()));
  }
  if (local.success) {
    // The state first: renewal's memory is read from it only when it answers.
    const state = await stateChecks(local.data.TOKENOPS_STATE);
    const stateAnswers = state.every((line) => line.status !== 'fail');
    const fleet = loadFleet(local.data.TOKENOPS_FLEET, deps.env);
    if (!fleet.ok) lines.push(...fleet.problems.map((problem) => fail('settings', 'fleet file', problem, `fix ${local.data.TOKENOPS_FLEET} (see fleet.example.json)`)));
    else {
      const client = new FleetClient(fleet.value, { timeoutMs: local.data.TOKENOPS_NODE_TIMEOUT, concurrency: local.data.TOKENOPS_FANOUT });
      try {
        const report = await fleetStatus(client);
        const { view, schedules } = await withRenewalSchedule(fleetViewOf(fleet.value, report, deps.nowMs), fleet.value, stateAnswers ? await deps.renewals() : undefined, deps.nowMs);
        lines.push(...judgeFleet({ fleet: fleet.value, results: report.results, view, schedules, nowMs: deps.nowMs, ours: TOKENOPS_VERSION }));
      } finally {
        await client.close();
      }
    }
    lines.push(...state);
  }
  return lines;
}
