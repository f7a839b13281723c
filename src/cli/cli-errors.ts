/** The command line is wrong; the message says what and how to get it right. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The settings (environment, fleet file, state store) are wrong: one line per problem. Exit 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}
