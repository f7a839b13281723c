import { connect } from 'node:net';
import { outsideSignedHeaders } from './outside-client.js';

/*
 * HTTP/1.1 written byte by byte on a socket, for requests no well-behaved client would
 * send: any method token, any request target, duplicated or odd headers, a declared length
 * that lies, a chunked body. The answer is parsed just enough to read its status, headers
 * and body; a connection closed without an answer is status 0.
 */

export interface RawRequest {
  method: string;
  target: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
  /** Leave Content-Length out (for chunked bodies, or to send none at all). */
  noContentLength?: boolean;
  /** Sent as is instead of the body (e.g. a hand-made chunked encoding). */
  rawBody?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

/** Gives up after `hangMs` so a hung agent fails the test instead of stalling it. */
export function rawRequest(port: number, request: RawRequest, hangMs = 10_000): Promise<RawResponse> {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (!request.noContentLength && !request.rawBody) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${hangMs} ms to ${request.method} ${request.target.slice(0, 80)}: the agent hangs`));
    }, hangMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The agent may answer (413) and close before the whole body is written: not an error.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    // Never half-close: Node's server drops a request whose client ended its side (no
    // allowHalfOpen), so the answer would be lost. `Connection: close` ends it instead.
    socket.write(head);
    socket.write(request.rawBody ?? body);
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || split < 0) return { status: 0, headers: {}, body: text, json: undefined };
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine?.split(' ')[1] ?? 0), headers, body, json };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** A request signed as the contract says (outside-client.ts), with a JSON content type. */
export function signedRawRequest(keyText: string, method: string, target: string, body: Buffer | string = '', options: { timestamp?: number; nonce?: string } = {}): RawRequest {
  const h = outsideSignedHeaders(keyText, method, target, body, options);
  return {
    method,
    target,
    body,
    headers: [
      ['X-Tokenops-Timestamp', h.timestamp],
      ['X-Tokenops-Nonce', h.nonce],
      ['X-Tokenops-Signature', h.signature],
      ['Content-Type', 'application/json'],
    ],
  };
}
