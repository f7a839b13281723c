/**
 * Why a refusal happened, for the refusals whose remedy a front end names in its own words
 * (a slash command in Discord, a subcommand in the CLI). The message stays the bot's.
 */
type Refusal =
  | { kind: 'not_owner'; node: string; profileId: string; owner: string }
  | { kind: 'nothing_to_sync'; source: string; skipped: ReadonlyArray<{ profileId: string; reason: string }> };

/**
 * A fleet operation refused before it changed anything, with a message a person can act on
 * (shown as is in Discord): same node twice, a source whose token is expired, a node busy
 * with another mutation, a refresh asked of a follower.
 */
export class OperationRefusedError extends Error {
  override readonly name = 'OperationRefusedError';
  constructor(
    message: string,
    readonly refusal?: Refusal,
  ) {
    super(message);
  }
}
