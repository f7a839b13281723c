/**
 * An error whose message is safe to show in the channel and says what to do: unknown node,
 * a refusal, a node that is busy. Anything else is shown as a reference into the log.
 */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}
