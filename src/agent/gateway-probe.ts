import type { GatewayStatus } from '../protocol/agent-api.js';

/** Asks the gateway's unauthenticated `/readyz`: reachable if it answers at all, ready on 200. */
export async function probeGateway(baseUrl: string, timeoutMs = 1500): Promise<GatewayStatus> {
  const url = new URL('readyz', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = await response.text().catch(() => '');
    const uptimeMs = uptimeOf(body);
    return { url: baseUrl, reachable: true, ready: response.status === 200, detail: `readyz ${response.status}`, ...(uptimeMs === undefined ? {} : { uptimeMs }) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const detail = (error as Error).name === 'TimeoutError' ? 'timeout' : (cause ?? 'unreachable');
    return { url: baseUrl, reachable: false, ready: false, detail };
  }
}

function uptimeOf(body: string): number | undefined {
  try {
    const value = (JSON.parse(body.slice(0, 4096)) as { uptimeMs?: unknown }).uptimeMs;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
