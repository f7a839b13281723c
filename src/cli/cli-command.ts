import type { CliContext } from './cli-context.js';

/** What a subcommand hands back: the --json document and the text for a person. */
export interface CommandResult<J extends { ok: boolean; command: string } = { ok: boolean; command: string }> {
  /** `ok: false` makes the exit code 1 (a check failed, or the operation was refused or failed). */
  json: J;
  text: string;
}

/** A `tokenops` subcommand: one module under src/cli/commands/. */
export interface CliCommand {
  name: string;
  /** One line for `tokenops --help`. */
  summary: string;
  /** `tokenops <name> --help`: the synopsis, the options, what the exit code means. */
  help: string;
  /** Parses its own arguments (a UsageError for a bad one) and runs. */
  run(argv: readonly string[], context: CliContext): Promise<CommandResult>;
}
