import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestGatewayRestart } from '../../../src/agent/gateway-admin-rpc.js';

const CONFIG = '/srv/openclaw/openclaw.json';
let server: Server | undefined;
afterEach(() => void server?.close());

/** A gateway whose admin RPC answers config.get for CONFIG and gateway.restart.request with `payload`. */
async function gateway(payload: unknown): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += String(chunk)));
    request.on('end', () => {
      const { method } = JSON.parse(text) as { method: string };
      asked.push(method);
      response.end(JSON.stringify({ ok: true, payload: method === 'config.get' ? { hash: 'h1', path: CONFIG } : payload }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

describe("asking a gateway to restart through its admin RPC", () => {
  it('checks the gateway is this node\'s, then asks; the answer\'s status is passed on', async () => {
    const { url, asked } = await gateway({ ok: true, status: 'deferred' });
    expect(await requestGatewayRestart({ url }, CONFIG, 'tokenops: confirmed restart')).toEqual({ ok: true, status: 'deferred' });
    expect(asked).toEqual(['config.get', 'gateway.restart.request']);
  });

  it("another node's gateway is not asked", async () => {
    const { url, asked } = await gateway({ ok: true, status: 'scheduled' });
    const answer = await requestGatewayRestart({ url }, '/srv/other/openclaw.json', 'r');
    expect(answer).toMatchObject({ ok: false, reason: expect.stringMatching(/runs on \/srv\/openclaw\/openclaw\.json, not this agent's/) });
    expect(asked).toEqual(['config.get']);
  });

  it('a status that is not a word (the agent logs it) is "unknown"', async () => {
    const { url } = await gateway({ ok: true, status: 'sk-ant-oat01-AAAA BBBB\nforged log line' });
    expect(await requestGatewayRestart({ url }, CONFIG, 'r')).toEqual({ ok: true, status: 'unknown' });
  });
});
