import { API_VERSION } from '../../protocol/api-version.js';
import { TOKENOPS_VERSION } from '../../runtime/version.js';
import type { StatusResponse } from '../../protocol/agent-api.js';
import type { AgentContext } from '../agent-context.js';
import { readNodeState } from '../node-state.js';
import { standingRefreshFailures } from './refresh-credentials.js';

export async function nodeStatus(context: AgentContext): Promise<StatusResponse> {
  const { nowMs, snapshot, gateway, capacity } = await readNodeState(context);
  const failures = standingRefreshFailures(context, snapshot.stores);
  return {
    node: context.env.TOKENOPS_NODE,
    checkedAt: new Date(nowMs).toISOString(),
    store: {
      kind: snapshot.kind,
      readable: snapshot.storeStatuses.length > 0 && snapshot.storeStatuses.every((store) => store.readable),
      stores: snapshot.storeStatuses,
    },
    profiles: snapshot.profiles.map((profile) => {
      const refreshError = failures.get(profile.profileId);
      return refreshError ? { ...profile, refreshError } : profile;
    }),
    gateway,
    capacity,
    agent: { version: TOKENOPS_VERSION, api: API_VERSION, restartVia: context.env.TOKENOPS_RESTART_VIA },
  };
}
