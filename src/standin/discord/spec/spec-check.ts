import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSpecPaths, type HttpMethod, type SpecOperation } from './spec-paths.js';

/** One problem with a request, at a field's path (empty: the body itself). */
type Issue = { path: PropertyKey[]; message: string };

/** A zod (mini) schema as the spec's module exports it: only what the check calls. */
interface RequestSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: Issue[] } };
}

/** Discord's published REST API: its operations, and the zod schema of each request shape. */
export interface DiscordSpec {
  operations: SpecOperation[];
  schemas: Record<string, unknown>;
}

/** A request the spec refuses: what Discord would answer, and why in words a test failure can show. */
export interface SpecViolation {
  status: 400 | 404 | 405;
  /** `METHOD /path: problem`, for the test that caused it. */
  message: string;
  /** Discord's error body for it. */
  body: { code: number; message: string; errors?: unknown };
}

export interface SpecRequest {
  method: string;
  /** The path after `/api`, with its version: `/v10/channels/1/messages`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body (or multipart's payload_json); undefined when none was sent. */
  json: unknown;
}

let loading: Promise<DiscordSpec> | undefined;

/**
 * The files of the installed `discord-api-spec` package. They are loaded by path: its types entry is
 * TypeScript source, which the project's compiler would otherwise type-check as its own.
 */
export function specFiles(): { types: string; zod: string; list: string } {
  // Its exports map offers no `./package.json` to resolve, so the package is looked for where Node would.
  const dirs = createRequire(import.meta.url).resolve.paths('discord-api-spec') ?? [];
  const root = dirs.map((dir) => path.join(dir, 'discord-api-spec')).find((dir) => existsSync(path.join(dir, 'package.json')));
  if (!root) throw new Error('the local Discord checks requests against the discord-api-spec package, which is not installed: run npm ci');
  const build = path.join(root, 'build');
  return {
    types: path.join(build, 'discord-api-spec.ts'),
    zod: pathToFileURL(path.join(build, 'discord-api-spec.zod.js')).href,
    list: pathToFileURL(path.join(build, 'discord-api-spec.js')).href,
  };
}

/** The spec from the installed `discord-api-spec` package, read once per process (its zod module takes ~0.2 s to load). */
export function discordSpec(): Promise<DiscordSpec> {
  loading ??= (async () => {
    const files = specFiles();
    const operations = parseSpecPaths(readFileSync(files.types, 'utf8'));
    const schemas = (await import(files.zod)) as Record<string, unknown>;
    return { operations, schemas };
  })();
  return loading;
}

const SNOWFLAKE = /^(0|[1-9][0-9]{0,19})$/;

const templateParts = new Map<string, string[]>();
/** A template's segments, split once per process: every request is matched against all 246. */
const partsOf = (template: string) => {
  let parts = templateParts.get(template);
  if (!parts) templateParts.set(template, (parts = template.split('/').slice(1)));
  return parts;
};

/** The operations whose template matches the path, literal segments before parameters (`messages/pins` before `messages/{id}`). */
function matching(operations: SpecOperation[], segments: string[]): Array<{ operation: SpecOperation; params: Record<string, string> }> {
  const found: Array<{ operation: SpecOperation; params: Record<string, string>; literals: number }> = [];
  for (const operation of operations) {
    const parts = partsOf(operation.path);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const fits = parts.every((part, i) => {
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segments[i]!;
        return true;
      }
      literals++;
      return part === segments[i];
    });
    if (fits) found.push({ operation, params, literals });
  }
  return found.sort((a, b) => b.literals - a.literals);
}

/** Discord's 50035 body: each problem under its field's path, as `{ a: { 0: { b: { _errors: [...] } } } }`. */
function invalidFormBody(issues: Issue[]) {
  const errors: Record<string, any> = {};
  for (const issue of issues) {
    let node = errors;
    for (const key of issue.path) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code: 'BASE_TYPE_INVALID', message: issue.message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
}

/** The issues of the union member that fits best; none when one fits. */
function bodyIssues(spec: DiscordSpec, operation: SpecOperation, json: unknown): Issue[] {
  if (operation.body === 'inline') return [];
  if (operation.body === 'none') {
    const empty = json === undefined || (typeof json === 'object' && json !== null && Object.keys(json).length === 0);
    return empty ? [] : [{ path: [], message: 'this operation takes no body' }];
  }
  let best: Issue[] | null = null;
  for (const type of operation.body) {
    if ('null' in type) {
      if (json === null) return [];
      continue;
    }
    const schema = spec.schemas[`${type.schema}Schema`] as RequestSchema | undefined;
    if (!schema) return []; // a shape the zod module does not carry: nothing to check against
    let issues: Issue[];
    if (type.array) {
      if (!Array.isArray(json)) issues = [{ path: [], message: 'expected an array' }];
      else issues = json.flatMap((item, index) => {
        const result = schema.safeParse(item);
        return result.success ? [] : result.error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] }));
      });
    } else {
      const result = schema.safeParse(json ?? {});
      issues = result.success ? [] : result.error.issues;
    }
    if (issues.length === 0) return [];
    if (!best || rank(issues) < rank(best)) best = issues;
  }
  return best ?? [];
}

/** A member whose `type` is the body's (its issues are elsewhere) fits better than one of another type, then fewer issues. */
const rank = (issues: Issue[]) => (issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'type') ? 1_000_000 : 0) + issues.length;

/**
 * The path with an interaction's token replaced by `<token>`, wherever Discord puts one (after
 * `webhooks/{id}/` or `interactions/{id}/`), whether or not the route is one of Discord's.
 */
export function withoutTokens(requestPath: string): string {
  return requestPath.replace(/\/(webhooks|interactions)\/([^/]+)\/[^/?]+/, '/$1/$2/<token>');
}

const describeIssue = (issue: Issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`;

/**
 * What Discord's published spec says of a request: nothing when it is one Discord takes; else the refusal
 * (404 for a route Discord does not have, 405 for a method it does not take there, 400 50035 for a
 * query parameter it does not know, an id that is not a snowflake, or a body its schema refuses).
 */
export function specViolation(spec: DiscordSpec, request: SpecRequest): SpecViolation | null {
  const method = request.method.toLowerCase();
  const segments = request.path.split('/').slice(1);
  // The message goes to logs and test failures: an interaction's token is a credential for 15 minutes.
  const where = `${request.method} ${withoutTokens(request.path)}`;
  if (segments[0] !== 'v10') return { status: 404, message: `${where}: not under /v10, the API version tokenops speaks`, body: { code: 0, message: '404: Not Found' } };
  const candidates = matching(spec.operations, segments.slice(1));
  if (candidates.length === 0) return { status: 404, message: `${where}: Discord's API has no such route`, body: { code: 0, message: '404: Not Found' } };
  const match = candidates.find((candidate) => candidate.operation.method === (method as HttpMethod));
  if (!match) {
    const allowed = [...new Set(candidates.map((candidate) => candidate.operation.method.toUpperCase()))].join(', ');
    return { status: 405, message: `${where}: ${candidates[0]!.operation.path} takes ${allowed}, not ${request.method}`, body: { code: 0, message: '405: Method Not Allowed' } };
  }
  const { operation, params } = match;
  const issues: Issue[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (name.endsWith('_id') && !SNOWFLAKE.test(value)) issues.push({ path: [name], message: `Value "${value}" is not snowflake.` });
  }
  for (const key of new Set(request.query.keys())) {
    if (!operation.query.includes(key)) issues.push({ path: [key], message: `${operation.path} takes no query parameter ${key}${operation.query.length ? ` (it takes ${operation.query.join(', ')})` : ''}` });
  }
  issues.push(...bodyIssues(spec, operation, request.json));
  if (issues.length === 0) return null;
  return {
    status: 400,
    message: `${where} (${request.method} ${operation.path}): ${issues.slice(0, 5).map(describeIssue).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
    body: invalidFormBody(issues),
  };
}
