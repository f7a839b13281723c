import { createRequire } from 'node:module';
import type * as IoredisModule from 'ioredis';

/**
 * ioredis, loaded when a Redis client is first made: only a bot whose TOKENOPS_STATE is a
 * Redis URL pays for it (the CLI and a single bot on SQLite never load it). `require`, not
 * `import()`, because the clients are made in constructors; ioredis is CommonJS, so this is
 * the very module an `import` would give.
 */
export function ioredis(): typeof IoredisModule {
  return createRequire(import.meta.url)('ioredis') as typeof IoredisModule;
}
