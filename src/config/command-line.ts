import { parse } from 'shell-quote';
import { z } from 'zod';

/**
 * A command from a setting (`openclaw gateway restart`), split the way a shell would but
 * run without one: operators, globs and substitutions are refused rather than half-honoured.
 */
export const commandLineSchema = z.string().trim().min(1, 'must not be empty').transform((text, ctx) => {
  const argv: string[] = [];
  for (const entry of parse(text, (name) => `$${name}`)) {
    if (typeof entry !== 'string') {
      ctx.addIssue({
        code: 'custom',
        message: 'is run without a shell: operators, redirections and globs are not allowed (wrap them in a script)',
      });
      return z.NEVER;
    }
    argv.push(entry);
  }
  if (argv.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must name a command' });
    return z.NEVER;
  }
  return argv as [string, ...string[]];
});
export type CommandLine = z.infer<typeof commandLineSchema>;
