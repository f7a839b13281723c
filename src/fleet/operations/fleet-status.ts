import { buildFleetView, selectNodes, type FleetView } from '../../domain/fleet-view.js';
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

/**
 * The fleet view `tokens status` shows, with the fleet file's owners and warning threshold.
 * The whole fleet is asked even for one node: token letters, owner checks and `missing`
 * need the others. An unknown node throws UnknownNodeError before anyone is asked.
 */
export async function fleetStatusView(fleet: FleetClient, options: { node?: string; nowMs: number }): Promise<FleetView> {
  if (options.node) fleet.node(options.node);
  const report = await fleetStatus(fleet);
  const view = buildFleetView(report.checkedAt, report.results, { owners: fleet.fleet.owners, warnBeforeMs: fleet.fleet.alerts.warnBefore, nowMs: options.nowMs });
  return options.node ? selectNodes(view, [options.node]) : view;
}
