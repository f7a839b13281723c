import { capacityResponseSchema, type CapacityResponse } from '../../protocol/agent-api.js';
import type { AuditActor } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import type { FleetClient } from '../fleet-client.js';
import type { Release } from '../node-locks.js';
import type { OperationContext } from './operation-context.js';

/** A node's agents against maxConcurrent, the expected reconnect burst and a suggestion. */
export async function readCapacity(fleet: FleetClient, node: string): Promise<CapacityResponse> {
  return fleet.call(fleet.node(node).name, 'GET', '/v1/capacity', capacityResponseSchema);
}

/** `maxConcurrent 4 → 12 through the gateway`: a change as the audit log keeps it. */
export function capacityChangeText(changed: { from: number; to: number; via?: 'gateway' | 'cli' | undefined }): string {
  const via = changed.via === 'gateway' ? " through the gateway's admin RPC" : changed.via === 'cli' ? ' through openclaw config set' : '';
  return `maxConcurrent ${changed.from} → ${changed.to}${via}`;
}

/**
 * Sets `agents.defaults.maxConcurrent` through the agent (the gateway's admin RPC, else
 * `openclaw config set`), one mutation on the node at a time, audited whether it worked
 * or not.
 */
export async function setCapacity(context: OperationContext, actor: AuditActor, node: string, maxConcurrent: number): Promise<CapacityResponse> {
  const name = context.fleetClient.node(node).name;
  let release: Release;
  try {
    release = await context.locks.tryAcquire(name, 'capacity change', actor.name);
  } catch (error) {
    // Refused (busy): audited as such, like every refusal.
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
  try {
    // `openclaw config set` may be slow to start: a minute, not the status timeout.
    const response = await context.fleetClient.call(name, 'POST', '/v1/capacity', capacityResponseSchema, { maxConcurrent }, 60_000);
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: 'ok', detail: capacityChangeText(response.changed ?? { from: maxConcurrent, to: maxConcurrent }) });
    return response;
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: 'failed', detail: (error as Error).message });
    throw error;
  } finally {
    await release();
  }
}
