import { buildFleetView, selectNodes, type FleetView } from '../../domain/fleet-view.js';
import { statusResponseSchema, type StatusResponse } from '../../protocol/agent-api.js';
import type { NodeResult } from '../../protocol/node-result.js';
import type { Fleet } from '../../config/fleet-file.js';
import type { FleetClient } from '../fleet-client.js';
import { withRenewalSchedule, type RenewalMemory } from './renewal-view.js';

export interface FleetStatusReport {
  checkedAt: string;
  results: NodeResult<StatusResponse>[];
}

/** Every node's status (or only some's), each its answer or a typed error. */
export async function fleetStatus(fleet: FleetClient, nodes?: readonly string[]): Promise<FleetStatusReport> {
  const checkedAt = new Date().toISOString();
  const results = await fleet.fanOut('GET', '/v1/status', statusResponseSchema, nodes ? { nodes: [...nodes] } : {});
  return { checkedAt, results };
}

/** The status answers as the fleet file reads them: its owners, its warning threshold. No renewal laid over. */
export function fleetViewOf(fleet: Pick<Fleet, 'owners' | 'alerts'>, report: FleetStatusReport, nowMs: number): FleetView {
  return buildFleetView(report.checkedAt, report.results, { owners: fleet.owners, warnBeforeMs: fleet.alerts.warnBefore, nowMs });
}

/**
 * The fleet view `tokens status` shows, with the fleet file's owners and warning threshold.
 * The whole fleet is asked even for one node: token letters, owner checks and `missing`
 * need the others. An unknown node throws UnknownNodeError before anyone is asked.
 */
export async function fleetStatusView(fleet: FleetClient, options: { node?: string; nowMs: number; among?: readonly string[]; renewals?: RenewalMemory }): Promise<FleetView> {
  if (options.node) fleet.node(options.node);
  // `among`: only these nodes are asked, and the view is theirs alone (token letters and
  // `missing` among them): a picture of a few nodes need not wait on a silent one elsewhere.
  const report = await fleetStatus(fleet, options.among);
  const { view } = await withRenewalSchedule(fleetViewOf(fleet.fleet, report, options.nowMs), fleet.fleet, options.renewals, options.nowMs);
  return options.node ? selectNodes(view, [options.node]) : view;
}
