import { refusedSignature } from '../protocol/refused-signature.js';
import { agentEventSchema, type AgentEvent } from '../protocol/agent-api.js';
import { HEADER, signaturesMatch, signedHeaders, signEvent } from '../protocol/signing.js';
import { AgentCallError } from './agent-client.js';

export interface EventSubscription {
  /** Resolves when the stream ends (agent gone, or `close()`), rejects on a trust failure. */
  done: Promise<void>;
  close(): void;
}

/**
 * Opens an agent's signed event stream (`GET /v1/events`) and hands each verified event to
 * `onEvent`. An event whose signature does not verify ends the stream with an error: the
 * connection is not the agent's. Reconnecting is the caller's choice (with backoff).
 */
export async function subscribeAgentEvents(
  baseUrl: string,
  key: Buffer,
  onEvent: (event: AgentEvent, id: string) => void,
  options: { lastEventId?: string; connectTimeoutMs?: number; idleTimeoutMs?: number } = {},
): Promise<EventSubscription> {
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
  if (response.status === 401) {
    const refused = refusedSignature(response.headers.get('date'), Date.now(), 'event stream: ');
    throw new AgentCallError(refused.kind, refused.message, 401);
  }
  if (response.status !== 200 || !response.body) throw new AgentCallError('bad_response', `event stream: HTTP ${response.status}`, response.status);

  const body = response.body;
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let last: EventId | null = options.lastEventId ? parseEventId(options.lastEventId) : null;
    // The agent writes a heartbeat every 15 s: silence much longer means a dead connection
    // that TCP has not noticed (a node that lost power, a dropped VPN).
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      if (!options.idleTimeoutMs) return;
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), options.idleTimeoutMs);
    };
    touch();
    try {
      for await (const chunk of body) {
        touch();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
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
      if (controller.signal.aborted) return;
      if (error instanceof AgentCallError) {
        controller.abort();
        throw error;
      }
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
