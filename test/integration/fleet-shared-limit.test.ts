import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import type { Fleet } from '../../src/config/fleet-file.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { HEADER, RESPONSE_HEADER, signResponse } from '../../src/protocol/signing.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis-server.js';

/*
 * Bottleneck's clustering mode across bot replicas: two FleetClients (two replicas) on one
 * Redis with the same limiter id and maxConcurrent 1 never have two calls in flight at once,
 * where two local limiters would; a replica that loses Redis in the middle of a call frees its
 * slot after the job's expiration, so the others are not blocked forever.
 */

const hasRedis = redisAvailable();
let redis: RedisServer | undefined;
const closers: Array<() => Promise<unknown>> = [];

/** A slow agent stand-in: answers every call, signed, after `delayMs`, and counts calls in flight. */
interface SlowAgent {
  url: string;
  key: Buffer;
  inFlight: number;
  maxInFlight: number;
  served: number;
  /** Calls not answered at all until released (a replica "dies" in the middle of one). */
  hold: boolean;
  server: Server;
}

/** Calls in flight across several agents at once: what a fleet-wide limit bounds. */
interface InFlight {
  now: number;
  max: number;
}

async function startSlowAgent(delayMs: number, across?: InFlight): Promise<SlowAgent> {
  const key = randomBytes(32);
  const agent: SlowAgent = { url: '', key, inFlight: 0, maxInFlight: 0, served: 0, hold: false, server: undefined as unknown as Server };
  agent.server = createServer((req, res) => {
    agent.inFlight++;
    agent.maxInFlight = Math.max(agent.maxInFlight, agent.inFlight);
    if (across) {
      across.now++;
      across.max = Math.max(across.max, across.now);
    }
    const held = agent.hold;
    const finish = () => {
      agent.inFlight--;
      agent.served++;
      if (across) across.now--;
    };
    if (held) {
      req.socket.once('close', finish);
      return;
    }
    setTimeout(() => {
      const body = Buffer.from(JSON.stringify({ ok: true }));
      const timestamp = Math.floor(Date.now() / 1000);
      const nonce = String(req.headers[HEADER.nonce.toLowerCase()] ?? '');
      res.writeHead(200, { 'content-type': 'application/json', [RESPONSE_HEADER.timestamp]: String(timestamp), [RESPONSE_HEADER.signature]: signResponse(key, nonce, 200, timestamp, body) });
      res.end(body);
      finish();
    }, delayMs);
  });
  await new Promise<void>((resolve) => agent.server.listen(0, '127.0.0.1', resolve));
  agent.url = `http://127.0.0.1:${(agent.server.address() as AddressInfo).port}`;
  closers.push(() => new Promise((resolve) => agent.server.close(resolve)));
  agent.server.on('connection', (socket) => closers.push(async () => socket.destroy()));
  return agent;
}

function fleetOf(agent: SlowAgent): Fleet {
  return { nodes: [{ name: 'slow', url: agent.url, key: agent.key }], file: 'test' } as unknown as Fleet;
}

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis?.stop();
});

const okSchema = z.object({ ok: z.literal(true) });

async function untilAsync(check: () => Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const until = (check: () => boolean, timeoutMs: number, what: string) => untilAsync(async () => check(), timeoutMs, () => what);

test.skipIf(!hasRedis)('two replicas with maxConcurrent 1 on one Redis: never two calls in flight; two local limiters would', async () => {
  const agent = await startSlowAgent(120);
  const id = `test-fanout-${randomBytes(4).toString('hex')}`;
  const replicas = [0, 1].map(() => new FleetClient(fleetOf(agent), { timeoutMs: 3000, concurrency: 1, sharedLimit: { redisUrl: redis!.url, id } }));
  closers.push(...replicas.map((replica) => () => replica.close()));
  const started = Date.now();
  const results = await Promise.all(replicas.flatMap((replica) => [0, 1, 2, 3].map(() => replica.call('slow', 'GET', '/v1/status', okSchema))));
  const elapsed = Date.now() - started;
  expect(results).toHaveLength(8);
  expect(agent.served).toBe(8);
  expect(agent.maxInFlight).toBe(1);
  console.log(`shared limit: 8 calls from 2 replicas, at most ${agent.maxInFlight} in flight, ${elapsed} ms`);

  // The control: each replica's own limiter lets one through each, so two at once.
  const control = await startSlowAgent(120);
  const locals = [0, 1].map(() => new FleetClient(fleetOf(control), { timeoutMs: 3000, concurrency: 1 }));
  closers.push(...locals.map((local) => () => local.close()));
  await Promise.all(locals.flatMap((local) => [0, 1, 2].map(() => local.call('slow', 'GET', '/v1/status', okSchema))));
  expect(control.maxInFlight).toBe(2);
});

test.skipIf(!hasRedis)('fan-out under the shared limit gives every node its answer; the limit follows the latest setting', async () => {
  // One count over all four agents: the limit is fleet-wide, not per agent.
  const across: InFlight = { now: 0, max: 0 };
  const agents = await Promise.all([0, 1, 2, 3].map(() => startSlowAgent(80, across)));
  const fleet = { nodes: agents.map((agent, index) => ({ name: `n${index}`, url: agent.url, key: agent.key })), file: 'test' } as unknown as Fleet;
  const id = `test-fanout-${randomBytes(4).toString('hex')}`;
  const first = new FleetClient(fleet, { timeoutMs: 3000, concurrency: 1, sharedLimit: { redisUrl: redis!.url, id } });
  closers.push(() => first.close());
  await first.fanOut('GET', '/v1/status', okSchema);
  expect(across.max).toBe(1);
  // A replica started later with another TOKENOPS_FANOUT: its setting applies to both.
  const second = new FleetClient(fleet, { timeoutMs: 3000, concurrency: 2, sharedLimit: { redisUrl: redis!.url, id } });
  closers.push(() => second.close());
  // Its setting reaches the shared store (bottleneck's settings hash) before both fan out.
  const store = new Redis(redis!.url);
  closers.push(async () => store.disconnect());
  let stored: string | null = null;
  await untilAsync(async () => (stored = await store.hget(`b_${id}_settings`, 'maxConcurrent')) === '2', 10_000, () => `maxConcurrent 2 in Redis (it says ${stored})`);
  const results = await Promise.all([first.fanOut('GET', '/v1/status', okSchema), second.fanOut('GET', '/v1/status', okSchema)]);
  expect(results.flat().every((result) => result.ok)).toBe(true);
  expect(agents.map((agent) => agent.served)).toEqual([3, 3, 3, 3]);
  // 8 calls of 80 ms from two replicas: without the shared limit up to 8 at once (each
  // replica's fan-out asks all four nodes together), with the first setting 1; the latest
  // setting, 2, across both replicas, reached and never passed.
  console.log(`shared limit after a replica set 2: 8 calls from 2 replicas, at most ${across.max} in flight across the fleet`);
  expect(across.max).toBe(2);
});

test.skipIf(!hasRedis)("a replica that loses Redis mid-call: its slot is freed by the job's expiration, the other replica goes on", async () => {
  const agent = await startSlowAgent(50);
  const id = `test-fanout-${randomBytes(4).toString('hex')}`;
  const timeoutMs = 400;
  const dying = new FleetClient(fleetOf(agent), { timeoutMs, concurrency: 1, sharedLimit: { redisUrl: redis!.url, id } });
  const survivor = new FleetClient(fleetOf(agent), { timeoutMs, concurrency: 1, sharedLimit: { redisUrl: redis!.url, id } });
  closers.push(() => survivor.close(), () => dying.close());
  await survivor.call('slow', 'GET', '/v1/status', okSchema);
  agent.hold = true;
  const stuck = dying.call('slow', 'GET', '/v1/status', okSchema).catch((error: Error) => error);
  await until(() => agent.inFlight === 1, 5_000, "the dying replica's call to reach the agent");
  // Its Redis connection goes away before it can free the slot (as if the process were killed).
  (dying as unknown as { shared: { redis: { disconnect(): void } } }).shared.redis.disconnect();
  agent.hold = false;
  const started = Date.now();
  await survivor.call('slow', 'GET', '/v1/status', okSchema);
  const waited = Date.now() - started;
  // Bounded by the test's timeout only: the figure is printed, not asserted (a loaded machine stretches it).
  console.log(`slot of a replica cut off from Redis freed after ${waited} ms (its job's expiration: ${timeoutMs} + 2000 ms, then the next heartbeat within 1 s)`);
  await stuck;
}, 30_000);

test.skipIf(!hasRedis)('Redis unreachable: a typed error on the node line that names what to check, without the password', async () => {
  const agent = await startSlowAgent(10);
  const client = new FleetClient(fleetOf(agent), { timeoutMs: 300, concurrency: 1, sharedLimit: { redisUrl: 'redis://:hunter2-secret@127.0.0.1:9/0' } });
  closers.push(() => client.close());
  const [result] = await client.fanOut('GET', '/v1/status', okSchema);
  expect(result?.ok).toBe(false);
  if (result?.ok !== false) return;
  expect(result.error).toMatchObject({ kind: 'unreachable', code: 'limiter_unavailable' });
  expect(result.error.message).toMatch(/slow was not asked: the replicas' shared fan-out limit \(Redis at redis:\/\/127\.0\.0\.1:9\/0\) is unavailable.*check that redis-server runs there and TOKENOPS_STATE points at it/);
  expect(result.error.message).not.toContain('hunter2');
  expect(agent.served).toBe(0);
});
