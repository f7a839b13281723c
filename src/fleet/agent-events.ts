import { signedEventSchema, type AgentEvent } from '../protocol/agent-api.js';
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
  options: { lastEventId?: string; connectTimeoutMs?: number } = {},
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
  if (response.status === 401) throw new AgentCallError('unauthorized', 'event stream: the agent refused our signature', 401);
  if (response.status !== 200 || !response.body) throw new AgentCallError('bad_response', `event stream: HTTP ${response.status}`, response.status);

  const body = response.body;
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
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
          const parsed = signedEventSchema.safeParse(JSON.parse(data));
          if (!parsed.success) throw new AgentCallError('bad_response', 'event stream: malformed event');
          // The signature covers the event JSON exactly as the agent wrote it.
          const eventJson = data.slice('{"event":'.length, data.lastIndexOf(',"sig":'));
          if (!signaturesMatch(signEvent(key, nonce, id, eventJson), parsed.data.sig)) {
            throw new AgentCallError('bad_response', 'event stream: event signature does not verify');
          }
          onEvent(parsed.data.event, id);
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof AgentCallError) {
        controller.abort();
        throw error;
      }
      // The connection dropped: the stream simply ends.
    }
  })();
  return { done, close: () => controller.abort() };
}
