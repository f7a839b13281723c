import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Fleet } from '../../src/config/fleet-file.js';
import { AgentCallError, AgentClient, protocolViolations } from '../../src/fleet/agent-client.js';
import { subscribeAgentEvents } from '../../src/fleet/agent-events.js';
import { FleetClient } from '../../src/fleet/fleet-client.js';
import { fleetStatus } from '../../src/fleet/operations/fleet-status.js';
import { AgentEventSubscriber } from '../../src/jobs/agent-event-subscriber.js';
import { createLogger } from '../../src/logging/logger.js';
import { startHostileNode, type HostileNode } from '../support/hostile-node.js';
import { capturedOutput, killAllSpawned, startAgent, type RunningAgent } from '../support/processes.js';
import { findSecrets } from '../support/secret-scan.js';
import { buildStateDir, HOUR, newNodeKeyHex, oauth } from '../support/state-dir.js';

/*
 * Issue 16, item 5: the bot reads agents without limits. Nodes that break the reading
 * limits, on loopback in front of real agents (test/support/hostile-node.ts): one whose
 * event stream sends bytes with no event boundary (its 200 and headers are not signed, so
 * anyone on the path can), and two whose status answer is larger than any agent's (declared,
 * or chunked and endless). The fleet client and the event subscriber the bot runs are
 * asked while they flood: each offender must be cut off at the limit and named with the
 * reason, the others must keep answering in time, and memory must stay flat.
 */

const MiB = 1024 * 1024;
const agents: RunningAgent[] = [];
const hostile: HostileNode[] = [];
const keys = { pca: newNodeKeyHex(), t440: newNodeKeyHex(), bloat: newNodeKeyHex(), sprawl: newNodeKeyHex() };
let flood: HostileNode;
let bloat: HostileNode;
let sprawl: HostileNode;
let fleet: Fleet;
const key = (hex: string) => Buffer.from(hex, 'hex');

beforeAll(async () => {
  const state = () => buildStateDir({ layout: 'split', agents: { main: { profiles: { 'anthropic:default': oauth('anthropic', 8 * HOUR) } } } });
  const pca = await startAgent({ TOKENOPS_NODE: 'pc-a', TOKENOPS_AGENT_KEY: keys.pca, OPENCLAW_STATE_DIR: state() });
  const t440 = await startAgent({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keys.t440, OPENCLAW_STATE_DIR: state() });
  agents.push(pca, t440);
  // t440's own agent answers everything through it, except its event stream.
  flood = await startHostileNode({ upstream: t440.url, events: 'endless-frame' });
  bloat = await startHostileNode({ status: 'declared' });
  sprawl = await startHostileNode({ status: 'chunked' });
  hostile.push(flood, bloat, sprawl);
  fleet = {
    nodes: [
      { name: 'pc-a', url: pca.url, key: key(keys.pca) },
      { name: 't440', url: flood.url, key: key(keys.t440) },
      { name: 'bloat', url: bloat.url, key: key(keys.bloat) },
      { name: 'sprawl', url: sprawl.url, key: key(keys.sprawl) },
    ],
    file: 'test',
  } as unknown as Fleet;
}, 30_000);

afterAll(async () => {
  for (const node of hostile) await node.close();
  for (const agent of agents) await agent.stop();
  killAllSpawned();
  expect(findSecrets(capturedOutput)).toEqual([]);
});

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

test('an event stream that never ends its frame: dropped at 64 KiB as a bad response naming why, not read on', async () => {
  const before = flood.sent.events;
  const started = performance.now();
  const subscription = await subscribeAgentEvents(flood.url, key(keys.t440), () => undefined);
  const outcome = await Promise.race([subscription.done.then(() => 'the stream ended quietly', (error: unknown) => error), sleep(10_000).then(() => 'still reading after 10 s')]);
  subscription.close();
  const ms = Math.round(performance.now() - started);
  const sent = flood.sent.events - before;
  console.log(`endless event frame: dropped after ${ms} ms; the node got ${mib(sent)} into the socket`);
  expect(outcome).toBeInstanceOf(AgentCallError);
  expect(outcome).toMatchObject({ kind: 'bad_response', message: expect.stringMatching(/^sent an event frame over 64 KiB/) });
  expect(ms).toBeLessThan(2_000);
  expect(sent).toBeLessThan(16 * MiB);
});

test('an event stream of well-formed frames, far more than any agent sends: dropped past 1 MiB within a minute', async () => {
  const chatty = await startHostileNode({ events: 'heartbeat-flood' });
  hostile.push(chatty);
  const started = performance.now();
  const subscription = await subscribeAgentEvents(chatty.url, key(keys.t440), () => undefined);
  const outcome = await Promise.race([subscription.done.then(() => 'the stream ended quietly', (error: unknown) => error), sleep(10_000).then(() => 'still reading after 10 s')]);
  subscription.close();
  console.log(`heartbeat flood: dropped after ${Math.round(performance.now() - started)} ms; the node got ${mib(chatty.sent.events)} into the socket`);
  expect(outcome).toMatchObject({ kind: 'bad_response', code: 'protocol_violation', message: expect.stringMatching(/^sent over 1 MiB of events within a minute/) });
  expect(chatty.sent.events).toBeLessThan(16 * MiB);
  // Held: the stream is not reopened, and nothing is sent.
  await expect(subscribeAgentEvents(chatty.url, key(keys.t440), () => undefined)).rejects.toMatchObject({ code: 'protocol_violation', message: expect.stringMatching(/^event stream not opened: sent over 1 MiB of events within a minute \(at .*\); not asked again before/) });
  expect(chatty.connections.events).toBe(1);
});

test.each([
  ['declared', () => bloat, keys.bloat],
  ['chunked, never ending', () => sprawl, keys.sprawl],
])('a status answer over 4 MiB (%s): refused as a bad response without reading the rest', async (_label, node, keyHex) => {
  const before = node().sent.status;
  const client = new AgentClient({ baseUrl: node().url, key: key(keyHex), timeoutMs: 10_000 });
  const started = performance.now();
  const error = await client.call('GET', '/v1/status').catch((caught: unknown) => caught);
  const ms = Math.round(performance.now() - started);
  const sent = node().sent.status - before;
  console.log(`status answer over 4 MiB (${_label}): refused after ${ms} ms; the node got ${mib(sent)} into the socket`);
  expect(error).toBeInstanceOf(AgentCallError);
  expect(error).toMatchObject({ kind: 'bad_response', code: 'protocol_violation', message: expect.stringMatching(/^sent an answer over 4 MiB/) });
  expect(ms).toBeLessThan(2_000);
  expect(sent).toBeLessThan(16 * MiB);
  // Marked: the next call is not sent at all, and says why and until when.
  const sentBefore = node().sent.status;
  const again = await client.call('GET', '/v1/status').catch((caught: unknown) => caught);
  expect(again).toMatchObject({ kind: 'bad_response', code: 'protocol_violation', message: expect.stringMatching(/^sent an answer over 4 MiB \(at \d\d:\d\d:\d\d UTC\); not asked again before \d\d:\d\d:\d\d UTC$/) });
  expect(node().sent.status).toBe(sentBefore);
});

test('the fleet while they flood: status answers in time, memory stays flat, each offender is named with its reason', async () => {
  const client = new FleetClient(fleet, { timeoutMs: 3_000, concurrency: 8 });
  // Reconnecting fast, so the flood comes back as often as it can.
  const subscriber = new AgentEventSubscriber(fleet.nodes, createLogger('test', 'silent'), { baseMs: 50, capMs: 500 });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const latencies: number[] = [];
  const connections = flood.connections.events;
  subscriber.start();
  try {
    // Each round lifts every hold first: the offenders are read again, up to their limits,
    // while the subscriber reconnects to the flood. The fleet is asked meanwhile.
    for (const started = Date.now(); Date.now() - started < 6_000; ) {
      protocolViolations.clear();
      const asked = performance.now();
      await fleetStatus(client);
      latencies.push(Math.round(performance.now() - asked));
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      await sleep(100);
    }
    // Then as the bot sees it: the event stream broke the limit again, and the node is held.
    await sleep(1_000);
    const last = await fleetStatus(client);
    const byNode = Object.fromEntries(last.results.map((result) => [result.node, result]));
    latencies.sort((a, b) => a - b);
    const growth = rssPeak - rssBefore;
    console.log(
      `fleet status during the flood: ${latencies.length} asked, median ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies.at(-1)} ms; ` +
        `memory +${mib(growth)} at peak; the flood got ${mib(flood.sent.events)} into ${flood.connections.events - connections} connections; ` +
        `t440: ${byNode.t440?.ok ? 'ok' : byNode.t440?.error.message}`,
    );
    expect(latencies.at(-1)).toBeLessThan(2_000);
    expect(growth).toBeLessThan(100 * MiB);
    expect(flood.connections.events - connections).toBeGreaterThan(5);
    expect(byNode['pc-a']).toMatchObject({ ok: true });
    expect(byNode.t440).toMatchObject({ ok: false, error: { kind: 'bad_response', code: 'protocol_violation', message: expect.stringMatching(/^sent an event frame over 64 KiB \(at .*\); not asked again before/) } });
    for (const name of ['bloat', 'sprawl']) expect(byNode[name]).toMatchObject({ ok: false, error: { kind: 'bad_response', message: expect.stringMatching(/^sent an answer over 4 MiB/) } });
    // Dropped, not waited on: a marked node costs no request at all.
    expect(byNode.t440!.ms).toBeLessThan(50);
  } finally {
    subscriber.stop();
    await client.close();
  }
}, 60_000);
