import { refreshResponseSchema, statusResponseSchema, type RefreshResponse } from '../../protocol/agent-api.js';
import { ownerOf } from '../../domain/ownership.js';
import { AgentCallError } from '../agent-client.js';
import type { FleetClient } from '../fleet-client.js';
import type { NodeLocks } from '../node-locks.js';
import { OperationRefusedError } from '../operation-refused.js';

export interface RefreshRequest {
  node: string;
  /** One profile; every account the node owns when absent. */
  profile?: string;
  by: string;
}

/**
 * A refresh happens on the owner only: providers rotate refresh tokens, so a second node
 * refreshing the same account spends a token the owner still holds (`refresh_token_reused`)
 * and may get the whole family revoked. A follower is told who the owner is.
 */
export async function refreshOnOwner(fleet: FleetClient, locks: NodeLocks, request: RefreshRequest): Promise<RefreshResponse> {
  const node = fleet.node(request.node).name;
  const owners = fleet.fleet.owners;
  let profiles: string[];
  if (request.profile) {
    const owner = ownerOf(request.profile, owners);
    if (!owner) throw new OperationRefusedError(`${request.profile} has no owner in the fleet file (owners), so no node refreshes it by command. Add an owner pattern first.`);
    if (owner !== node) {
      throw new OperationRefusedError(`${node} does not own ${request.profile}: only ${owner} refreshes it (the owner), ${node} receives it by sync. Use /tokens refresh node:${owner}.`, { kind: 'not_owner', node, profileId: request.profile, owner });
    }
    profiles = [request.profile];
  } else {
    let status;
    try {
      status = await fleet.call(node, 'GET', '/v1/status', statusResponseSchema);
    } catch (error) {
      if (error instanceof AgentCallError) throw new OperationRefusedError(`${node} did not answer (${error.kind}: ${error.message}).`);
      throw error;
    }
    profiles = [...new Set(status.profiles.filter((profile) => profile.type === 'oauth' && ownerOf(profile.profileId, owners) === node).map((profile) => profile.profileId))];
    if (profiles.length === 0) throw new OperationRefusedError(`${node} owns no OAuth account it holds (see owners in the fleet file): nothing to refresh.`);
  }

  const release = await locks.tryAcquire(node, 'tokens refresh', request.by);
  try {
    return await fleet.call(node, 'POST', '/v1/refresh', refreshResponseSchema, { profiles }, 90_000);
  } catch (error) {
    if (error instanceof AgentCallError && error.code === 'busy') throw new OperationRefusedError(`${node} is busy with another operation: ${error.message}`);
    if (error instanceof AgentCallError) throw new OperationRefusedError(`${node} could not refresh (${error.kind}: ${error.message}).`);
    throw error;
  } finally {
    await release();
  }
}
