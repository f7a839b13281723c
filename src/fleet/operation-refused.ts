/**
 * A fleet operation refused before it changed anything, with a message a person can act on
 * (shown as is in Discord and the CLI): same node twice, a source whose token is expired,
 * a node busy with another mutation, a refresh asked of a follower.
 */
export class OperationRefusedError extends Error {
  override readonly name = 'OperationRefusedError';
}
