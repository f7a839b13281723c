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
 * as a bad response, whatever it says.
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
    let raw: Buffer;
    try {
      raw = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new AgentCallError('timeout', `answer not complete within ${timeoutMs} ms`);
      throw new AgentCallError('unreachable', 'connection lost while reading the answer');
    }
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
