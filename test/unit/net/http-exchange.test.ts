import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureWord, httpExchange, HttpExchangeError } from '../../../src/net/http-exchange.js';
import { ROOT } from '../../support/processes.js';

/*
 * One HTTP exchange over node:http against a real local server that misbehaves on request:
 * every way it can fail is one typed failure, reading stops at the limit, and a kept-alive
 * connection does not hold the process open (the reason it replaced fetch).
 */

type Route = (request: IncomingMessage, response: ServerResponse) => void;
const routes: Record<string, Route> = {
  '/ok': (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"fine":true}'),
  '/echo': (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => response.writeHead(201, { 'x-method': request.method ?? '', 'x-seen': String(request.headers['x-probe']) }).end(body));
  },
  '/silent': () => undefined,
  '/stalls-mid-body': (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('only part of it');
  },
  '/breaks-mid-body': (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write('only part of it', () => response.socket?.destroy());
  },
  '/declares-too-much': (_request, response) => response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end(),
  '/streams-too-much': (_request, response) => {
    response.writeHead(200);
    const chunk = 'x'.repeat(64 * 1024);
    const push = () => {
      if (response.destroyed) return;
      response.write(chunk);
      setImmediate(push);
    };
    push();
  },
  '/redirects': (_request, response) => response.writeHead(302, { location: '/ok' }).end(),
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => (routes[request.url ?? ''] ?? routes['/ok']!)(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

async function failureOf(promise: Promise<unknown>): Promise<HttpExchangeError['failure']> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HttpExchangeError);
  return (error as HttpExchangeError).failure;
}

describe('httpExchange', () => {
  it('the answer: status, headers and the whole body; method, headers and body sent as given', async () => {
    const ok = await httpExchange(`${base}/ok`, { timeoutMs: 2000, maxBytes: 1024 });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json');
    expect(ok.body.toString()).toBe('{"fine":true}');
    const echoed = await httpExchange(`${base}/echo`, { method: 'POST', headers: { 'x-probe': 'yes' }, body: 'hello', timeoutMs: 2000, maxBytes: 1024 });
    expect([echoed.status, echoed.headers['x-method'], echoed.headers['x-seen'], echoed.body.toString()]).toEqual([201, 'POST', 'yes', 'hello']);
  });

  it('a redirect is an answer, not followed', async () => {
    const answer = await httpExchange(`${base}/redirects`, { timeoutMs: 2000, maxBytes: 1024 });
    expect([answer.status, answer.headers.location]).toEqual([302, '/ok']);
  });

  it('no answer in time: a timeout waiting for the answer', async () => {
    expect(await failureOf(httpExchange(`${base}/silent`, { timeoutMs: 150, maxBytes: 1024 }))).toEqual({ kind: 'timeout', stage: 'answer' });
  });

  it('an answer whose body stalls: a timeout waiting for the body', async () => {
    expect(await failureOf(httpExchange(`${base}/stalls-mid-body`, { timeoutMs: 150, maxBytes: 1024 }))).toEqual({ kind: 'timeout', stage: 'body' });
  });

  it('a connection broken mid-body: unreachable while reading the body', async () => {
    expect(await failureOf(httpExchange(`${base}/breaks-mid-body`, { timeoutMs: 2000, maxBytes: 1024 }))).toMatchObject({ kind: 'unreachable', stage: 'body' });
  });

  it('nobody listening: unreachable before the answer, with the socket code', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const failure = await failureOf(httpExchange(`http://127.0.0.1:${port}/`, { timeoutMs: 2000, maxBytes: 1024 }));
    expect(failure).toEqual({ kind: 'unreachable', stage: 'answer', code: 'ECONNREFUSED' });
    expect(failureWord(new HttpExchangeError(failure), 'unreachable')).toBe('ECONNREFUSED');
  });

  it('a body over the limit: declared, refused before reading; streamed, cut off at the limit', async () => {
    expect((await httpExchange(`${base}/declares-too-much`, { timeoutMs: 2000, maxBytes: 1024 })).body).toBe('too_large');
    expect((await httpExchange(`${base}/streams-too-much`, { timeoutMs: 5000, maxBytes: 256 * 1024 })).body).toBe('too_large');
  });

  it('not http(s): refused without a request', async () => {
    await expect(httpExchange('file:///etc/passwd', { timeoutMs: 2000, maxBytes: 1024 })).rejects.toThrow(/not an http\(s\) URL: file:/);
  });

  it('failureWord: timeout, the code, or the fallback', () => {
    expect(failureWord(new HttpExchangeError({ kind: 'timeout', stage: 'body' }), 'x')).toBe('timeout');
    expect(failureWord(new HttpExchangeError({ kind: 'unreachable', stage: 'body' }), 'network_error')).toBe('network_error');
    expect(failureWord(new Error('something else'), 'network_error')).toBe('network_error');
  });

  it('a kept-alive connection does not hold the process open', async () => {
    const script = `
      const { httpExchange } = await import(${JSON.stringify(path.join(ROOT, 'src/net/http-exchange.ts'))});
      const answer = await httpExchange(${JSON.stringify(`${base}/ok`)}, { timeoutMs: 2000, maxBytes: 1024 });
      console.log(answer.status, JSON.stringify(process.getActiveResourcesInfo()));
    `;
    // Not spawnSync: the server answering it runs in this process.
    const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    const [status, resources] = child.stdout.trim().split(' ');
    expect(status).toBe('200');
    expect(JSON.parse(resources!)).not.toContain('TCPSocketWrap');
  });
});
