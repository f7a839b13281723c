import { refreshResponseSchema, type RefreshResult } from '../../protocol/agent-api.js';
import { AgentCallError } from '../agent-client.js';
import type { RenewalStep } from '../../domain/renewal-plan.js';
import type { FleetClient } from '../fleet-client.js';
import type { NodeLocks, Release } from '../node-locks.js';
import { OperationRefusedError } from '../operation-refused.js';

/** How a renewal ended, in the words renewal acts on. */
export type RenewalOutcome =
  /** The node holds a fresh token now: renewed here, or by someone a moment before. */
  | { kind: 'renewed'; result: RefreshResult; byUs: boolean }
  /** Only a new login helps (the refresh token is dead, or the node cannot refresh at all). */
  | { kind: 'failed_for_good'; error: string }
  /** Try again later: a timeout, a 5xx, the network, a busy node. */
  | { kind: 'failed_for_now'; error: string }
  /** The node's copy is not the account's current token (or it holds none): not refreshed there. */
  | { kind: 'not_there'; error: string };

/** What renewal does next, from the agent's word on the one profile. */
function outcomeOf(result: RefreshResult): RenewalOutcome {
  switch (result.outcome) {
    case 'refreshed':
      return { kind: 'renewed', result, byUs: true };
    case 'already_refreshed':
      return { kind: 'renewed', result, byUs: false };
    case 'terminal':
      return { kind: 'failed_for_good', error: result.error ?? 'invalid_grant' };
    case 'no_refresh_token':
      return { kind: 'failed_for_good', error: 'no_refresh_token' };
    case 'no_provider':
      return { kind: 'failed_for_good', error: 'no_provider' };
    case 'failed':
      return { kind: 'failed_for_now', error: result.error ?? 'failed' };
    case 'stale_copy':
    case 'not_held':
      return { kind: 'not_there', error: result.outcome };
  }
}

/** A renewal can wait this long for the node's lock (another sync or a restart on it). */
const LOCK_WAIT_MS = 30_000;
/** The agent waits on OpenClaw's lock and tries the provider three times: give it time. */
const CALL_TIMEOUT_MS = 90_000;

/**
 * One renewal on one node: the refresh-token grant under OpenClaw's store lock, on the
 * condition that the store still holds the token renewal planned for, and that it is still
 * due (checked there, under the lock). Never throws for what a node answers: every answer is
 * one of the outcomes above.
 */
export async function renewAccount(fleet: FleetClient, locks: NodeLocks, step: Extract<RenewalStep, { kind: 'renew' }>, by: string): Promise<RenewalOutcome> {
  let release: Release | undefined;
  try {
    release = await locks.acquire(step.node, 'renewal', by, LOCK_WAIT_MS);
    const response = await fleet.call(
      step.node,
      'POST',
      '/v1/refresh',
      refreshResponseSchema,
      { profiles: [step.profileId], onlyIf: { fingerprint: step.fingerprint, expiresBefore: new Date(step.ifExpiresBeforeMs).toISOString() } },
      CALL_TIMEOUT_MS,
    );
    const result = response.results.find((candidate) => candidate.profileId === step.profileId);
    if (!result) return { kind: 'failed_for_now', error: 'no_result' };
    return outcomeOf(result);
  } catch (error) {
    if (error instanceof OperationRefusedError) return { kind: 'failed_for_now', error: 'busy' };
    if (error instanceof AgentCallError) return { kind: 'failed_for_now', error: error.code ?? error.kind };
    throw error;
  } finally {
    await release?.();
  }
}
