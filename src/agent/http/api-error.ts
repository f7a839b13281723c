/** An error the API answers with its own status and code; the message is shown to the caller. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const UNAUTHORIZED_MESSAGE = 'request is not signed, or its signature, timestamp or nonce is not accepted';
