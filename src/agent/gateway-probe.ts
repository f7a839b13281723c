import { failureWord, httpExchange } from '../net/http-exchange.js';
import type { GatewayStatus } from '../protocol/agent-api.js';

/** Asks the gateway's unauthenticated `/readyz`: reachable if it answers at all, ready on 200. */
export async function probeGateway(baseUrl: string, timeoutMs = 1500): Promise<GatewayStatus> {
  const url = new URL('readyz', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  try {
    const answer = await httpExchange(url, { timeoutMs, maxBytes: 4096 });
    const uptimeMs = answer.body === 'too_large' ? undefined : uptimeOf(answer.body.toString('utf8'));
    return { url: baseUrl, reachable: true, ready: answer.status === 200, detail: `readyz ${answer.status}`, ...(uptimeMs === undefined ? {} : { uptimeMs }) };
  } catch (error) {
    const detail = failureWord(error, 'unreachable');
    return { url: baseUrl, reachable: false, ready: false, detail };
  }
}

function uptimeOf(body: string): number | undefined {
  try {
    const value = (JSON.parse(body) as { uptimeMs?: unknown }).uptimeMs;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
