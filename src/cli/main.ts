import { loadDotEnv } from '../config/dotenv.js';
import type { CliCommand } from './cli-command.js';
import { CliContext, type CliIO } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { auditCommand } from './commands/audit.js';
import { capacityCommand } from './commands/capacity.js';
import { keygenCommand } from './commands/keygen.js';
import { preflightCommand } from './commands/preflight.js';
import { refreshCommand } from './commands/refresh.js';
import { restartCommand } from './commands/restart.js';
import { statusCommand } from './commands/status.js';
import { doctorCommand } from './commands/doctor.js';
import { syncCommand } from './commands/sync.js';
import { EXIT, type ExitCode } from './exit-code.js';
import { describeFailure } from './failure.js';

/*
 * `tokenops`: the break-glass CLI, for when Discord (or the bot) is down. The same fleet
 * file, settings, fleet operations, rules and audit log as the bot; text for a person by
 * default, one JSON document with --json; exit 0 ok, 1 a check failed, 2 a usage error.
 */

const COMMANDS: readonly CliCommand[] = [statusCommand, syncCommand, refreshCommand, preflightCommand, restartCommand, capacityCommand, auditCommand, doctorCommand, keygenCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `usage: tokenops <command> [arguments] [--json]

${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Every command takes --json (one JSON document on stdout) and --help. Progress goes to stderr.
Exit codes: 0 ok, 1 a check failed or an operation was refused or failed, 2 usage error.
Settings as for the bot (environment or ./.env): TOKENOPS_FLEET (fleet file, ./fleet.json),
the node keys it names, TOKENOPS_STATE (audit log), CONFIRM_TIMEOUT, TOKENOPS_NODE_TIMEOUT,
TOKENOPS_FANOUT. No Discord setting is needed.
`;
}

/** The arguments before `--`: only those can be flags. */
function flagsOf(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

const GLOBAL_FLAGS = ['--json', '--help', '-h'];

export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const flags = flagsOf(argv);
  const json = flags.includes('--json');
  const help = flags.includes('--help') || flags.includes('-h');
  // Only the global flags may come before the command.
  let at = 0;
  while (at < argv.length && GLOBAL_FLAGS.includes(argv[at]!)) at++;
  const name = argv[at];
  const command = COMMANDS.find((candidate) => candidate.name === name);
  const context = new CliContext(io, json);
  try {
    if (name === 'help' || (name === undefined && help)) {
      const topic = COMMANDS.find((candidate) => candidate.name === argv[at + 1]);
      io.stdout.write(topic ? `${topic.help}\n` : overview());
      return EXIT.ok;
    }
    const names = COMMANDS.map((candidate) => candidate.name).join(', ');
    if (name === undefined) throw new UsageError(`missing the command: one of ${names}`);
    if (name.startsWith('-')) throw new UsageError(`${name} goes after the command (tokenops <command> ${name} …)`);
    if (!command) throw new UsageError(`unknown command "${name}": one of ${names}`);
    if (help) {
      io.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    const outcome = await command.run(argv.slice(at + 1), context);
    io.stdout.write(json ? `${JSON.stringify(outcome.json, null, 2)}\n` : `${outcome.text}\n`);
    return outcome.json.ok ? EXIT.ok : EXIT.checkFailed;
  } catch (error) {
    const failure = describeFailure(command?.name ?? null, error, context.nowMs());
    if (json) io.stdout.write(`${JSON.stringify(failure.json, null, 2)}\n`);
    io.stderr.write(`${failure.lines.join('\n')}\n`);
    return failure.exitCode;
  } finally {
    await context.close();
  }
}

// A reader that went away (`tokenops status | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
loadDotEnv();
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
