import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AgentEvent } from '../../protocol/agent-api.js';
import { signEvent } from '../../protocol/signing.js';

const HEARTBEAT_MS = 15_000;
const REPLAY_BUFFER = 200;

interface Subscriber {
  response: ServerResponse;
  requestNonce: string;
}

/**
 * Server-sent events to every signed subscriber. Each event is signed over the
 * subscriber's request nonce, so a stream cannot be spliced from another. Ids carry a boot
 * id: a client reconnecting with `Last-Event-ID` from this boot gets what it missed; from
 * an earlier boot it gets nothing replayed, and should re-read status instead.
 */
export class EventStream {
  private readonly bootId = randomBytes(4).toString('hex');
  private sequence = 0;
  private readonly recent: Array<{ id: string; data: string }> = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly key: Buffer) {
    this.heartbeat = setInterval(() => {
      for (const { response } of this.subscribers) response.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(response: ServerResponse, requestNonce: string, lastEventId: string | undefined): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: 2000\n: connected boot=${this.bootId}\n\n`);
    const subscriber = { response, requestNonce };
    const [boot, seq] = (lastEventId ?? '').split('-');
    if (boot === this.bootId && seq) {
      for (const entry of this.recent) if (Number(entry.id.split('-')[1]) > Number(seq)) this.send(subscriber, entry.id, entry.data);
    }
    this.subscribers.add(subscriber);
    response.on('close', () => this.subscribers.delete(subscriber));
  }

  publish(event: AgentEvent): void {
    const id = `${this.bootId}-${++this.sequence}`;
    const data = JSON.stringify(event);
    this.recent.push({ id, data });
    if (this.recent.length > REPLAY_BUFFER) this.recent.shift();
    for (const subscriber of this.subscribers) this.send(subscriber, id, data);
  }

  /** `data:` is `{"event":<event JSON>,"sig":...}`; the signature covers the event JSON as sent. */
  private send(subscriber: Subscriber, id: string, data: string): void {
    const sig = signEvent(this.key, subscriber.requestNonce, id, data);
    subscriber.response.write(`id: ${id}\ndata: {"event":${data},"sig":"${sig}"}\n\n`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const { response } of this.subscribers) response.end();
    this.subscribers.clear();
  }
}
