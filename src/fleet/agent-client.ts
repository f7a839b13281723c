import type { NodeErrorKind } from '../protocol/node-result.js';
import { refusedSignature } from '../protocol/refused-signature.js';
import { httpExchange, HttpExchangeError, type HttpAnswer, type HttpFailure } from '../net/http-exchange.js';
import { HEADER, RESPONSE_HEADER, signaturesMatch, signedHeaders, signResponse } from '../protocol/signing.js';

/** The same kinds a fan-out reports per node. */
export type AgentCallErrorKind = NodeErrorKind;

/** A failed call to one agent, typed so a front end can say what went wrong in a word. */
export class AgentCallError extends Error {
  override readonly name = 'AgentCallError';
  constructor(
    readonly kind: AgentCallErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/*
 * Reading limits (issue 16): nothing an agent sends is read past these, whoever sent it (an
 * answer's status and headers are not signed, so anyone on the path can send anything).
 * An agent's largest answer, a status of thousands of profiles, is a few hundred KiB, and
 * the sealed bundle of an export must fit an import's 1 MiB body anyway.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** A node that broke a reading limit is not asked again for this long. */
export const VIOLATION_HOLD_MS = 5 * 60_000;

function size(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/**
 * Nodes that broke a reading limit (an answer, an event frame, an event stream's rate), by
 * URL: the calls a fan-out makes and the event stream the leader holds are separate objects
 * that share only the node's URL, and each must know the other's verdict. A marked node is
 * not asked (its calls fail at once, saying why and until when) and its stream is not
 * reopened, until the hold ends: dropped, not waited on.
 */
export class ProtocolViolations {
  private readonly marks = new Map<string, { reason: string; at: number; until: number }>();

  /** Marks the node and returns the error for the call or stream that saw it. */
  mark(baseUrl: string, reason: string, nowMs = Date.now()): AgentCallError {
    const mark = { reason, at: nowMs, until: nowMs + VIOLATION_HOLD_MS };
    this.marks.set(normalizeUrl(baseUrl), mark);
    return violationError(mark);
  }

  /** The error for a node still held, or undefined. */
  check(baseUrl: string, nowMs = Date.now()): AgentCallError | undefined {
    const mark = this.marks.get(normalizeUrl(baseUrl));
    if (!mark) return undefined;
    if (mark.until > nowMs) return violationError(mark);
    this.marks.delete(normalizeUrl(baseUrl));
    return undefined;
  }

  /** Lifts every hold at once (tests that break limits on purpose, one after another). */
  clear(): void {
    this.marks.clear();
  }
}

function violationError(mark: { reason: string; at: number; until: number }): AgentCallError {
  return new AgentCallError('bad_response', `${mark.reason} (at ${clock(mark.at)}); not asked again before ${clock(mark.until)}`, undefined, 'protocol_violation');
}

function normalizeUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** The process's one record of nodes held for breaking a reading limit. */
export const protocolViolations = new ProtocolViolations();

/** A header of an answer, once (a repeated one is not ours: the agent sends each once). */
function headerOf(answer: HttpAnswer, name: string): string | null {
  const value = answer.headers[name];
  return typeof value === 'string' ? value : null;
}

/** What a failed exchange means for a call to an agent, in the words a fan-out reports. */
function callErrorOf(failure: HttpFailure, timeoutMs: number): AgentCallError {
  if (failure.kind === 'timeout') return new AgentCallError('timeout', failure.stage === 'answer' ? `no answer within ${timeoutMs} ms` : `answer not complete within ${timeoutMs} ms`);
  if (failure.stage === 'body') return new AgentCallError('unreachable', 'connection lost while reading the answer');
  return new AgentCallError('unreachable', `cannot connect${failure.code ? ` (${failure.code})` : ''}`);
}

export interface AgentResponse {
  status: number;
  body: unknown;
}

export interface AgentClientOptions {
  baseUrl: string;
  key: Buffer;
  timeoutMs?: number;
}

/**
 * Signed calls to one node agent (DESIGN.md "Agent API"). Every answer to a signed request
 * must carry the agent's response signature over our nonce; one that does not is treated
 * as a bad response, whatever it says. Answers are read to MAX_ANSWER_BYTES at most.
 *
 * No replay window here: each answer is signed over the nonce of the request it answers,
 * fresh and random per call, so an answer captured earlier (before a restart of either
 * side, too) never verifies for a new question.
 */
export class AgentClient {
  readonly baseUrl: string;
  private readonly key: Buffer;
  private readonly timeoutMs: number;

  constructor(options: AgentClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.key = options.key;
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** Raw call: answers any status the agent signed; throws only for transport and trust failures. */
  async call(method: string, pathAndQuery: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<AgentResponse> {
    const held = protocolViolations.check(this.baseUrl);
    if (held) throw held;
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = signedHeaders(this.key, method, pathAndQuery, payload);
    const nonce = headers[HEADER.nonce] ?? '';
    let answer: HttpAnswer;
    try {
      answer = await httpExchange(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { body: payload } : {}),
        timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      if (error instanceof HttpExchangeError) throw callErrorOf(error.failure, timeoutMs);
      throw new AgentCallError('unreachable', `cannot connect (${(error as Error).message})`);
    }
    const raw = answer.body;
    if (raw === 'too_large') throw protocolViolations.mark(this.baseUrl, `sent an answer over ${size(MAX_ANSWER_BYTES)}`);
    const status = answer.status;
    if (status === 401) {
      const refused = refusedSignature(headerOf(answer, 'date'), Date.now());
      throw new AgentCallError(refused.kind, refused.message, 401, 'unauthorized');
    }
    const timestamp = headerOf(answer, RESPONSE_HEADER.timestamp);
    const signature = headerOf(answer, RESPONSE_HEADER.signature);
    if (!timestamp || !signature || !signaturesMatch(signResponse(this.key, nonce, status, Number(timestamp), raw), signature)) {
      throw new AgentCallError('bad_response', `answer (HTTP ${status}) is not signed by the agent's key`, status);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AgentCallError('bad_response', 'answer is not JSON', status);
    }
    return { status, body: json };
  }

  /** A call whose answer must be 2xx; an error body becomes an AgentCallError with its code. */
  async request(method: string, pathAndQuery: string, body?: unknown, timeoutMs?: number): Promise<unknown> {
    const result = await this.call(method, pathAndQuery, body, timeoutMs);
    if (result.status >= 200 && result.status < 300) return result.body;
    const error = (result.body as { error?: { code?: string; message?: string; details?: unknown } }).error;
    throw new AgentCallError('http_error', error?.message ?? `HTTP ${result.status}`, result.status, error?.code, error?.details);
  }
}
