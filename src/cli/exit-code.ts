/**
 * What `tokenops` exits with, so a script can tell a problem in the fleet from a mistake
 * in the command line.
 */
export const EXIT = {
  ok: 0,
  /** A check failed (a token expired, a node unreachable) or an operation was refused or failed. */
  checkFailed: 1,
  /** The command line or the settings are wrong: unknown subcommand, flag or node, a bad value. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
