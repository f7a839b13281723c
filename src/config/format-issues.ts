import type { z } from 'zod';

/**
 * One readable line per problem, prefixed with where it is (`TOKENOPS_LISTEN: ...`,
 * `fleet.json: nodes[1].url: Invalid URL`). Values are never echoed: a setting may be a key.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    const head = [prefix, where].filter(Boolean).join(': ');
    const message = issue.code === 'invalid_key' && issue.issues.length > 0 ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
    return head ? `${head}: ${message}` : message;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
