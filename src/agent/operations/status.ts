import type { StatusResponse } from '../../protocol/agent-api.js';
import type { AgentContext } from '../agent-context.js';
import { probeGateway } from '../gateway-probe.js';
import { readNodeSnapshot } from '../node-snapshot.js';
import { readCapacity } from '../openclaw-config.js';

export async function nodeStatus(context: AgentContext): Promise<StatusResponse> {
  const { env } = context;
  const nowMs = context.now();
  const [snapshot, gateway] = await Promise.all([
    readNodeSnapshot(env.OPENCLAW_STATE_DIR, nowMs, env.TOKENOPS_WARN_BEFORE),
    probeGateway(env.TOKENOPS_GATEWAY_URL),
  ]);
  const capacity = await readCapacity(env.OPENCLAW_STATE_DIR, snapshot.stores.length);
  return {
    node: env.TOKENOPS_NODE,
    checkedAt: new Date(nowMs).toISOString(),
    store: {
      kind: snapshot.kind,
      readable: snapshot.storeStatuses.length > 0 && snapshot.storeStatuses.every((store) => store.readable),
      stores: snapshot.storeStatuses,
    },
    profiles: snapshot.profiles,
    gateway,
    capacity,
  };
}
