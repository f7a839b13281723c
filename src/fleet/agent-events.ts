import { refusedSignature } from '../protocol/refused-signature.js';
import { agentEventSchema, type AgentEvent } from '../protocol/agent-api.js';
import { HEADER, signaturesMatch, signedHeaders, signEvent } from '../protocol/signing.js';
import { AgentCallError, protocolViolations } from './agent-client.js';

/**
 * Reading limits of an event stream (issue 16). An agent's frame is an event of a few
 * hundred bytes, or a heartbeat every 15 s; a stream that breaks these is not the agent
 * speaking, and is dropped (and its node held, see ProtocolViolations) rather than read on.
 */
export const MAX_EVENT_FRAME_BYTES = 64 * 1024;
/** Per minute of stream: 200 replayed events after a reconnect are ~100 KiB. */
export const MAX_EVENT_BYTES_PER_MINUTE = 1024 * 1024;

export interface EventSubscription {
  /** Resolves when the stream ends (agent gone, or `close()`), rejects on a trust failure or a broken limit. */
  done: Promise<void>;
  close(): void;
}

/** A frame over the cap: the stream is cut there. */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
}

/**
 * Splits a server-sent event stream into frames (text up to a blank line, `\n\n`) in one
 * pass: each byte is looked at once, and no more than one frame's bytes are held. A frame
 * that grows past `maxFrameBytes` without ending throws FrameTooLargeError, whatever follows.
 */
export class EventFrameSplitter {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** The last byte held is a `\n` that may start a boundary. */
  private heldEndsLine = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly maxFrameBytes = MAX_EVENT_FRAME_BYTES) {}

  push(chunk: Uint8Array): string[] {
    const frames: string[] = [];
    let start = 0;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) {
      // A `\n` right after another ends a frame; at the chunk's start, the other may be held.
      const afterNewline = at > start ? chunk[at - 1] === 0x0a : start === 0 && this.heldEndsLine;
      if (!afterNewline) continue;
      this.take(chunk.subarray(start, at));
      frames.push(this.decoder.decode(this.joinHeld()));
      start = at + 1;
    }
    if (start < chunk.length) {
      this.take(chunk.subarray(start));
      this.heldEndsLine = chunk[chunk.length - 1] === 0x0a;
    } else {
      this.heldEndsLine = false;
    }
    return frames;
  }

  private take(part: Uint8Array): void {
    this.heldBytes += part.byteLength;
    if (this.heldBytes > this.maxFrameBytes) throw new FrameTooLargeError(`an event frame over ${this.maxFrameBytes / 1024} KiB`);
    if (part.byteLength > 0) this.held.push(part);
  }

  private joinHeld(): Uint8Array {
    const whole = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    return whole;
  }
}

/**
 * Opens an agent's signed event stream (`GET /v1/events`) and hands each verified event to
 * `onEvent`. An event whose signature does not verify ends the stream with an error: the
 * connection is not the agent's. So does a broken reading limit, which also holds the node
 * (no call and no stream to it for a while). Reconnecting is the caller's choice (with backoff).
 *
 * No replay window here: every frame is signed over this stream's request nonce, fresh per
 * connection, and ids must move forward within it (verifyFrame).
 */
export async function subscribeAgentEvents(
  baseUrl: string,
  key: Buffer,
  onEvent: (event: AgentEvent, id: string) => void,
  options: { lastEventId?: string; connectTimeoutMs?: number; idleTimeoutMs?: number } = {},
): Promise<EventSubscription> {
  const held = protocolViolations.check(baseUrl);
  if (held) throw new AgentCallError(held.kind, `event stream not opened: ${held.message}`, undefined, held.code);
  const pathAndQuery = '/v1/events';
  const headers = signedHeaders(key, 'GET', pathAndQuery, '');
  const nonce = headers[HEADER.nonce] ?? '';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.connectTimeoutMs ?? 3000);
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, '')}${pathAndQuery}`, {
      headers: { ...headers, accept: 'text/event-stream', ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
      signal: controller.signal,
    });
  } catch (error) {
    throw new AgentCallError(controller.signal.aborted ? 'timeout' : 'unreachable', `event stream: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (response.status !== 200 || !response.body) {
    // Whatever else it sent is not read.
    void response.body?.cancel().catch(() => undefined);
    if (response.status === 401) {
      const refused = refusedSignature(response.headers.get('date'), Date.now(), 'event stream: ');
      throw new AgentCallError(refused.kind, refused.message, 401);
    }
    throw new AgentCallError('bad_response', `event stream: HTTP ${response.status}`, response.status);
  }

  const body = response.body;
  const done = (async () => {
    const frames = new EventFrameSplitter();
    let last: EventId | null = options.lastEventId ? parseEventId(options.lastEventId) : null;
    let minute = { start: Date.now(), bytes: 0 };
    // The agent writes a heartbeat every 15 s: silence much longer means a dead connection
    // that TCP has not noticed (a node that lost power, a dropped VPN).
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      if (!options.idleTimeoutMs) return;
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), options.idleTimeoutMs);
    };
    const broke = (reason: string) => protocolViolations.mark(baseUrl, `sent ${reason}`);
    touch();
    try {
      for await (const chunk of body) {
        touch();
        const now = Date.now();
        if (now - minute.start >= 60_000) minute = { start: now, bytes: 0 };
        minute.bytes += chunk.byteLength;
        if (minute.bytes > MAX_EVENT_BYTES_PER_MINUTE) throw broke(`over ${MAX_EVENT_BYTES_PER_MINUTE / (1024 * 1024)} MiB of events within a minute`);
        let complete: string[];
        try {
          complete = frames.push(chunk);
        } catch (error) {
          if (error instanceof FrameTooLargeError) throw broke(error.message);
          throw error;
        }
        for (const frame of complete) {
          let id = '';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          const event = verifyFrame(key, nonce, id, data, last);
          last = parseEventId(id);
          onEvent(event, id);
        }
      }
    } catch (error) {
      if (error instanceof AgentCallError) {
        controller.abort();
        throw error;
      }
      if (controller.signal.aborted) return;
      // The connection dropped: the stream simply ends.
    } finally {
      clearTimeout(idle);
    }
  })();
  return { done, close: () => controller.abort() };
}

interface EventId {
  boot: string;
  seq: number;
}

function parseEventId(id: string): EventId | null {
  const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(id);
  return match ? { boot: match[1]!, seq: Number(match[2]) } : null;
}

/** `data:` must be exactly `{"event":<E>,"sig":"v1=<hex>"}`; the signature covers E as sent. */
const FRAME = /^\{"event":(.+),"sig":"(v1=[0-9a-f]{64})"\}$/s;

/**
 * Checks one frame and returns its event, or throws: a frame of any other shape, a bad
 * signature, or an id that does not move forward within one agent boot (a replayed frame)
 * means the stream is not the agent's.
 */
export function verifyFrame(key: Buffer, requestNonce: string, id: string, data: string, last: EventId | null): AgentEvent {
  const untrusted = (why: string) => new AgentCallError('bad_response', `event stream: ${why}`);
  const frame = FRAME.exec(data);
  if (!frame) throw untrusted('malformed frame');
  const [, eventJson = '', sig = ''] = frame;
  if (!signaturesMatch(signEvent(key, requestNonce, id, eventJson), sig)) throw untrusted('event signature does not verify');
  const current = parseEventId(id);
  if (!current) throw untrusted('malformed event id');
  if (last && last.boot === current.boot && current.seq <= last.seq) throw untrusted('event id went backwards (replayed frame)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(eventJson);
  } catch {
    throw untrusted('event is not JSON');
  }
  const event = agentEventSchema.safeParse(parsed);
  if (!event.success) throw untrusted('event does not match its schema');
  return event.data;
}
