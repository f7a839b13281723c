import type { PreflightResponse } from '../../protocol/agent-api.js';
import { blastRadius } from '../../domain/blast-radius.js';
import { DEFAULT_RESTART_MARGIN_MS, preflightReasons, preflightVerdicts } from '../../domain/preflight.js';
import type { AgentContext } from '../agent-context.js';
import { readNodeState } from '../node-state.js';

/** Would a restart now come back healthy, and how hard will the agents reconnect? */
export async function preflight(context: AgentContext, marginMs = DEFAULT_RESTART_MARGIN_MS): Promise<PreflightResponse> {
  const { nowMs, snapshot, gateway, capacity } = await readNodeState(context);
  const verdicts = preflightVerdicts(snapshot.profiles, nowMs, marginMs);
  const unreadable = snapshot.storeStatuses.filter((store) => !store.readable).map((store) => store.path);
  const reasons = preflightReasons(verdicts, unreadable);
  return {
    node: context.env.TOKENOPS_NODE,
    checkedAt: new Date(nowMs).toISOString(),
    marginMs,
    go: reasons.length === 0,
    reasons,
    profiles: verdicts,
    blastRadius: blastRadius(capacity.agentCount, capacity.maxConcurrent),
    gateway,
  };
}
