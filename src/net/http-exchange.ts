import http from 'node:http';
import https from 'node:https';

/*
 * One HTTP request and its whole answer, over node:http: the calls tokenops makes to its
 * agents, an agent to its gateway and to a provider's token endpoint. Not fetch: Node's
 * fetch is undici with a WebAssembly HTTP parser, whose compile takes ~50 ms on first use
 * and holds the process's exit a further 150–220 ms while V8 finishes it in the background;
 * that was most of `tokenops status`'s wall time. node:http parses in C, already loaded.
 */

export type HttpFailure =
  /** No answer (status line and headers) within the time. */
  | { kind: 'timeout'; stage: 'answer' }
  /** The answer began but its body did not end within the time. */
  | { kind: 'timeout'; stage: 'body' }
  /** No connection, or it broke before the answer began (`code`: ECONNREFUSED, ENOTFOUND…). */
  | { kind: 'unreachable'; stage: 'answer'; code?: string }
  /** The connection broke while the body was read. */
  | { kind: 'unreachable'; stage: 'body'; code?: string };

export class HttpExchangeError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(failure.kind === 'timeout' ? `timed out waiting for the ${failure.stage}` : `connection failed before the ${failure.stage === 'answer' ? 'answer' : 'end of the body'}${failure.code ? ` (${failure.code})` : ''}`);
    this.name = 'HttpExchangeError';
  }
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, or 'too_large' when it passed `maxBytes` (declared or as read: reading stops there). */
  body: Buffer | 'too_large';
}

export interface HttpExchangeOptions {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** For the whole exchange: connecting, the answer and its body. */
  timeoutMs: number;
  maxBytes: number;
}

// Connections kept for the next call: the bot asks the same agents every few minutes. Idle
// ones do not hold a process open (node:http unrefs a free socket).
const keptAlive = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** One exchange; rejects only with HttpExchangeError (or a TypeError for a URL that is not http(s)). */
export function httpExchange(url: string | URL, options: HttpExchangeOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new TypeError(`not an http(s) URL: ${target.protocol}`));
  const secure = target.protocol === 'https:';
  const transport = secure ? https : http;
  return new Promise((resolve, reject) => {
    let stage: 'answer' | 'body' = 'answer';
    let settled = false;
    const settle = (outcome: { answer: HttpAnswer } | { failure: HttpFailure }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(new HttpExchangeError(outcome.failure));
    };
    const timer = setTimeout(() => {
      settle({ failure: { kind: 'timeout', stage } });
      request.destroy();
    }, options.timeoutMs);
    const request = transport.request(target, { method: options.method ?? 'GET', headers: options.headers, agent: secure ? keptAlive['https:'] : keptAlive['http:'] }, (response) => {
      stage = 'body';
      const answer = (body: Buffer | 'too_large'): HttpAnswer => ({ status: response.statusCode ?? 0, headers: response.headers, body });
      if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
        settle({ answer: answer('too_large') });
        response.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > options.maxBytes) {
          settle({ answer: answer('too_large') });
          response.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => settle({ answer: answer(Buffer.concat(chunks, length)) }));
      // Closed without its end: the connection broke mid-body.
      response.on('close', () => settle({ failure: { kind: 'unreachable', stage: 'body' } }));
      response.on('error', () => undefined);
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle({ failure: { kind: 'unreachable', stage, ...(error.code ? { code: error.code } : {}) } }));
    request.end(options.body);
  });
}

/** A failed exchange in one word, for reports that carry no sentence: 'timeout', the socket's code (ECONNREFUSED…), else `fallback`. */
export function failureWord(error: unknown, fallback: string): string {
  if (!(error instanceof HttpExchangeError)) return fallback;
  const { failure } = error;
  return failure.kind === 'timeout' ? 'timeout' : (failure.code ?? fallback);
}
