import { scrub } from '../domain/scrub-secrets.js';
import { AgentCallError } from '../fleet/agent-client.js';
import { UnknownNodeError } from '../fleet/fleet-client.js';
import { OperationRefusedError } from '../fleet/operation-refused.js';
import { ConfigError, UsageError } from './cli-errors.js';
import { EXIT, type ExitCode } from './exit-code.js';
import type { FailureJson } from './json/output-shapes.js';
import { refusalText } from './render/refusal-text.js';

export interface Failure {
  exitCode: ExitCode;
  json: FailureJson;
  /** For stderr, one problem a line. */
  lines: string[];
}

/**
 * Every error a run can end with, as an exit code and a message: the command line and the
 * settings are 2, a refusal or a node that failed is 1, and anything unexpected is 1 with
 * its message scrubbed (it may quote an agent).
 */
export function describeFailure(command: string | null, error: unknown, nowMs: number): Failure {
  const prefix = `tokenops${command ? ` ${command}` : ''}`;
  const fail = (exitCode: ExitCode, kind: FailureJson['error']['kind'], message: string, extra: { code?: string; lines?: string[] } = {}): Failure => ({
    exitCode,
    json: { ok: false, command, error: { kind, message, ...(extra.code ? { code: extra.code } : {}) } },
    lines: extra.lines ?? [`${prefix}: ${message}`],
  });
  if (error instanceof UsageError) {
    return fail(EXIT.usage, 'usage', error.message, { lines: [`${prefix}: ${error.message}`, `(see: ${prefix} --help)`] });
  }
  if (error instanceof UnknownNodeError) return fail(EXIT.usage, 'usage', error.message);
  if (error instanceof ConfigError) return fail(EXIT.usage, 'config', error.message, { lines: error.problems.map((problem) => `tokenops: ${problem}`) });
  if (error instanceof OperationRefusedError) return fail(EXIT.checkFailed, 'refused', refusalText(error, nowMs), error.refusal ? { code: error.refusal.kind } : {});
  if (error instanceof AgentCallError) return fail(EXIT.checkFailed, error.kind, scrub(error.message), error.code ? { code: error.code } : {});
  return fail(EXIT.checkFailed, 'internal', `failed: ${scrub((error as Error)?.message ?? String(error))}`);
}
