import type { NodeErrorKind } from '../protocol/node-result.js';
import { refusedSignature } from '../protocol/refused-signature.js';
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

/**
 * The body of an answer, read to `limit` bytes and no further: a declared length over it is
 * refused before anything is read, and a body that runs past it is cut off there. Never
 * waits for the rest (the connection is dropped).
 */
export async function readCapped(response: Response, limit: number): Promise<Buffer | 'too_large'> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limit) {
    void response.body?.cancel().catch(() => undefined);
    return 'too_large';
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      void reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
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
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        body: payload || undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new AgentCallError('timeout', `no answer within ${timeoutMs} ms`);
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new AgentCallError('unreachable', `cannot connect${code ? ` (${code})` : ''}`);
    }
    let raw: Buffer | 'too_large';
    try {
      raw = await readCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new AgentCallError('timeout', `answer not complete within ${timeoutMs} ms`);
      throw new AgentCallError('unreachable', 'connection lost while reading the answer');
    }
    if (raw === 'too_large') throw protocolViolations.mark(this.baseUrl, `sent an answer over ${size(MAX_ANSWER_BYTES)}`);
    if (response.status === 401) {
      const refused = refusedSignature(response.headers.get('date'), Date.now());
      throw new AgentCallError(refused.kind, refused.message, 401, 'unauthorized');
    }
    const timestamp = response.headers.get(RESPONSE_HEADER.timestamp);
    const signature = response.headers.get(RESPONSE_HEADER.signature);
    if (!timestamp || !signature || !signaturesMatch(signResponse(this.key, nonce, response.status, Number(timestamp), raw), signature)) {
      throw new AgentCallError('bad_response', `answer (HTTP ${response.status}) is not signed by the agent's key`, response.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AgentCallError('bad_response', 'answer is not JSON', response.status);
    }
    return { status: response.status, body: json };
  }

  /** A call whose answer must be 2xx; an error body becomes an AgentCallError with its code. */
  async request(method: string, pathAndQuery: string, body?: unknown, timeoutMs?: number): Promise<unknown> {
    const result = await this.call(method, pathAndQuery, body, timeoutMs);
    if (result.status >= 200 && result.status < 300) return result.body;
    const error = (result.body as { error?: { code?: string; message?: string; details?: unknown } }).error;
    throw new AgentCallError('http_error', error?.message ?? `HTTP ${result.status}`, result.status, error?.code, error?.details);
  }
}
