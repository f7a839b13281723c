import { statusResponseSchema, type StatusResponse } from '../../protocol/agent-api.js';
import type { NodeResult } from '../../protocol/node-result.js';
import type { FleetClient } from '../fleet-client.js';

export interface FleetStatusReport {
  checkedAt: string;
  results: NodeResult<StatusResponse>[];
}

/** Every node's status (or just one's), each its answer or a typed error. */
export async function fleetStatus(fleet: FleetClient, node?: string): Promise<FleetStatusReport> {
  const checkedAt = new Date().toISOString();
  const results = await fleet.fanOut('GET', '/v1/status', statusResponseSchema, node ? { nodes: [node] } : {});
  return { checkedAt, results };
}
