import { allPassed } from '../../doctor/check-line.js';
import { renderDoctor } from '../../doctor/render-doctor.js';
import { runDoctor } from '../../doctor/run-doctor.js';
import type { CliCommand } from '../cli-command.js';
import type { DoctorJson } from '../json/output-shapes.js';
import { parseArguments } from '../parse-arguments.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: "checks the bot's settings, Discord, every node and the state; says what to fix",
  help: `usage: tokenops doctor [--json]

One checklist from the bot's settings (.env, the fleet file), each line ✅ / ⚠️ / ❌ with the
one thing to do about it:
  Discord  the token, its application, the server, the ops channel, the bot's permissions
           there, the ops role and who holds it, the registered commands
  Fleet    per node: reachable, our key accepted, clock, agent version and API, store,
           gateway ready, maxConcurrent against a restart's burst; per account: an owner
           that holds it, its stand-ins, the next renewal
  State    the state store writable; with Redis, reachable and which bot replica leads
It changes nothing.

exit 0  every check passed (warnings may remain)
exit 1  a check failed
exit 2  a usage error`,

  async run(argv, context) {
    parseArguments(argv, { options: {} });
    const checks = await runDoctor({
      env: context.io.env,
      nowMs: context.nowMs(),
      renewals: () => context.renewalMemory().catch(() => undefined),
      // The bot's command modules, loaded only here: they bring discord.js's builders.
      definitions: async () => {
        const { loadCommands } = await import('../../bot/command-loader.js');
        return [...(await loadCommands()).values()].map((command) => command.data.toJSON());
      },
    });
    const json: DoctorJson = { ok: allPassed(checks), command: 'doctor', checks };
    return { json, text: renderDoctor(checks) };
  },
};
