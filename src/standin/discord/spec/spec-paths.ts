/**
 * Discord's REST operations as the `discord-api-spec` package publishes them. Its zod module holds a schema
 * per request shape but not which operation takes which; that map exists only in its generated TypeScript
 * (`interface Paths`), so it is read from there. The file is machine-written and regular (two spaces per
 * level), and a unit test holds this reader to the package's own list of paths, so a format change fails
 * loudly instead of checking less.
 */

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** One type in a request body's union: a schema name, maybe an array of it; or null. */
export type BodyType = { schema: string; array: boolean } | { null: true };

export interface SpecOperation {
  /** The spec's template, e.g. `/channels/{channel_id}/messages/{message_id}`. */
  path: string;
  method: HttpMethod;
  /** The query parameters it takes (empty when none). */
  query: string[];
  /** What its body may be: a union of types; `inline` for a shape written in place (not checked); none when it takes no body. */
  body: BodyType[] | 'inline' | 'none';
}

const METHODS = new Set<string>(['get', 'put', 'post', 'delete', 'patch']);

function bodyTypes(text: string): BodyType[] {
  return text
    .split('|')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (part === 'null' ? { null: true as const } : { schema: part.replace(/\[\]$/, ''), array: part.endsWith('[]') }));
}

/** The operations of the `Paths` interface in the package's generated TypeScript. */
export function parseSpecPaths(source: string): SpecOperation[] {
  const lines = source.split('\n');
  const start = lines.indexOf('export interface Paths {');
  if (start < 0) throw new Error('discord-api-spec: no `export interface Paths {` in its TypeScript; has the package changed its format?');
  const operations: SpecOperation[] = [];
  let path: string | null = null;
  let operation: SpecOperation | null = null;
  let inQuery = false;
  let pendingBody: string | null = null;
  for (let i = start + 1; i < lines.length && lines[i] !== '}'; i++) {
    const line = lines[i]!;
    if (pendingBody !== null) {
      pendingBody += ` ${line.trim()}`;
      if (pendingBody.endsWith(';')) {
        operation!.body = bodyTypes(pendingBody.slice(0, -1));
        pendingBody = null;
      }
      continue;
    }
    const pathMatch = /^ {2}"(\/[^"]*)": \{$/.exec(line);
    if (pathMatch) {
      path = pathMatch[1]!;
      continue;
    }
    const methodMatch = /^ {4}([a-z]+): \{$/.exec(line);
    if (methodMatch && path && METHODS.has(methodMatch[1]!)) {
      operation = { path, method: methodMatch[1] as HttpMethod, query: [], body: 'none' };
      operations.push(operation);
      continue;
    }
    if (!operation) continue;
    if (/^ {8}query\?: \{$/.test(line)) {
      inQuery = true;
      continue;
    }
    if (inQuery) {
      const key = /^ {10}([A-Za-z0-9_]+)\??:/.exec(line);
      if (key) operation.query.push(key[1]!);
      else if (/^ {8}\};$/.test(line)) inQuery = false;
      continue;
    }
    const body = /^ {6}requestBody\??:(.*)$/.exec(line);
    if (body) {
      const rest = body[1]!.trim();
      if (rest === '{') operation.body = 'inline';
      else if (rest === 'undefined;') operation.body = 'none';
      else if (rest.endsWith(';')) operation.body = bodyTypes(rest.slice(0, -1));
      else pendingBody = rest;
    }
  }
  return operations;
}
