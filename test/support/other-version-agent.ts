import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEADER, RESPONSE_HEADER, signResponse } from '../../src/protocol/signing.js';

/*
 * A real agent answering as another version of tokenops would, on loopback in front of it:
 * every request goes to the agent and every answer comes back, except that its status and
 * health answers are rewritten by `rewrite` (another `agent` version, fields this code does
 * not know) and the status answer signed again with the node's key, as that agent would sign
 * it. What the bot does with an agent of another API is then tested against a real one.
 */

export interface OtherVersionAgent {
  url: string;
  /** The requests that reached the agent behind, `METHOD /path`. */
  passed: string[];
  close(): Promise<void>;
}

export async function startOtherVersionAgent(upstream: string, keyHex: string, rewrite: (answer: Record<string, unknown>) => Record<string, unknown>): Promise<OtherVersionAgent> {
  const key = Buffer.from(keyHex, 'hex');
  const target = new URL(upstream);
  const passed: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    passed.push(`${request.method} ${request.url}`);
    const forwarded = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        let body = Buffer.concat(chunks);
        const headers = { ...answer.headers };
        const route = (request.url ?? '').split('?')[0];
        if ((route === '/v1/status' || route === '/v1/health') && answer.statusCode === 200) {
          body = Buffer.from(JSON.stringify(rewrite(JSON.parse(body.toString('utf8')) as Record<string, unknown>)));
          headers['content-length'] = String(body.length);
          const nonce = request.headers[HEADER.nonce];
          if (typeof nonce === 'string') {
            const timestamp = Math.floor(Date.now() / 1000);
            headers[RESPONSE_HEADER.timestamp] = String(timestamp);
            headers[RESPONSE_HEADER.signature] = signResponse(key, nonce, 200, timestamp, body);
          }
        }
        response.writeHead(answer.statusCode ?? 502, headers);
        response.end(body);
      });
    });
    forwarded.on('error', () => response.writeHead(502).end());
    request.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    passed,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
