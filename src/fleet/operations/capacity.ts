import { capacityResponseSchema, type CapacityChange, type CapacityResponse, type CapacityVia } from '../../protocol/agent-api.js';
import type { AuditActor } from '../../state/audit-log.js';
import { AUDIT_ACTIONS } from '../../state/audit-actions.js';
import type { FleetClient } from '../fleet-client.js';
import type { Release } from '../node-locks.js';
import type { OperationContext } from './operation-context.js';

/** A node's agents against maxConcurrent, the expected reconnect burst and a suggestion. */
export async function readCapacity(fleet: FleetClient, node: string): Promise<CapacityResponse> {
  return fleet.call(fleet.node(node).name, 'GET', '/v1/capacity', capacityResponseSchema);
}

/** What made a capacity change, in words: the audit log's and the demo's. */
export const CAPACITY_VIA_WORDS: Record<CapacityVia, string> = { gateway: "the gateway's admin RPC", cli: 'openclaw config set' };

/** `maxConcurrent 4 → 12 through the gateway's admin RPC`: a change as the audit log keeps it. */
export function capacityChangeText(changed: CapacityChange): string {
  return `maxConcurrent ${changed.from} → ${changed.to}${changed.via ? ` through ${CAPACITY_VIA_WORDS[changed.via]}` : ''}`;
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
    // An agent that says nothing of the change (older than the field) is recorded with what was asked.
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: 'ok', detail: response.changed ? capacityChangeText(response.changed) : `maxConcurrent set to ${maxConcurrent}` });
    return response;
  } catch (error) {
    await context.audit.record({ actor, action: AUDIT_ACTIONS.capacitySet, target: name, outcome: 'failed', detail: (error as Error).message });
    throw error;
  } finally {
    await release();
  }
}
