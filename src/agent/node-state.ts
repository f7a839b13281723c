import type { Capacity, GatewayStatus } from '../protocol/agent-api.js';
import type { AgentContext } from './agent-context.js';
import { probeGateway } from './gateway-probe.js';
import { readNodeSnapshot, type NodeSnapshot } from './node-snapshot.js';
import { readCapacity } from './openclaw-config.js';

/** One look at the whole node: its stores, its gateway and its capacity, at one instant. */
export interface NodeState {
  nowMs: number;
  snapshot: NodeSnapshot;
  gateway: GatewayStatus;
  capacity: Capacity;
}

export async function readNodeState(context: AgentContext): Promise<NodeState> {
  const { env } = context;
  const nowMs = context.now();
  const [snapshot, gateway] = await Promise.all([
    readNodeSnapshot(env.OPENCLAW_STATE_DIR, nowMs, env.TOKENOPS_WARN_BEFORE),
    probeGateway(env.TOKENOPS_GATEWAY_URL),
  ]);
  const capacity = await readCapacity(env.OPENCLAW_STATE_DIR, snapshot.stores.length);
  return { nowMs, snapshot, gateway, capacity };
}
