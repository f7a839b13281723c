import type { Redis } from 'ioredis';

/*
 * Which replica answers an interaction. Discord delivers every gateway event to every
 * session logged in with the bot's token (there is no sharding here), so with two replicas
 * both receive each slash command and autocomplete. Each tries to claim the interaction id
 * with `SET tokenops:interaction:<id> <owner> NX PX 15m` (an interaction token lives 15
 * minutes); the one that wins answers it, the other ignores it.
 *
 * Why a claim per interaction rather than "only the leader answers": commands keep working
 * on every replica while leadership moves (a takeover takes up to the lease time, longer than
 * Discord's 3 s window to acknowledge an interaction), a follower can serve commands while
 * the leader is busy with a sweep of the fleet, and a leader that is losing its Redis
 * connection does not take the commands down with it.
 *
 * Reactions need no claim: a restart plan's ✅/❌ is awaited only by the replica that posted
 * the plan (src/bot/confirmation.ts listens for that one message id).
 */

const INTERACTION_CLAIM_TTL_MS = 15 * 60_000;
/** A claim must not eat into Discord's 3 s acknowledgement window. */
export const CLAIM_TIMEOUT_MS = 1_000;

/** `mine`: answer it; `taken`: another replica does; `unknown`: Redis did not answer (see `error`). */
export type ClaimOutcome = { result: 'mine' } | { result: 'taken'; by: string | null } | { result: 'unknown'; error: string };

export interface InteractionClaims {
  claim(interactionId: string): Promise<ClaimOutcome>;
}

/** One replica (SQLite state): every interaction is its own. */
export const soleClaims: InteractionClaims = {
  claim: async () => ({ result: 'mine' }),
};

export class RedisInteractionClaims implements InteractionClaims {
  constructor(
    private readonly redis: Redis,
    private readonly owner: string,
    private readonly scrub: (text: string) => string = (text) => text,
    private readonly prefix = 'tokenops:interaction:',
  ) {}

  async claim(interactionId: string): Promise<ClaimOutcome> {
    const key = `${this.prefix}${interactionId}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CLAIM_TIMEOUT_MS} ms`)), CLAIM_TIMEOUT_MS);
      });
      const set = await Promise.race([this.redis.set(key, this.owner, 'PX', INTERACTION_CLAIM_TTL_MS, 'NX'), timeout]);
      if (set === 'OK') return { result: 'mine' };
      const by = await Promise.race([this.redis.get(key), timeout]).catch(() => null);
      return by === this.owner ? { result: 'mine' } : { result: 'taken', by };
    } catch (error) {
      return { result: 'unknown', error: this.scrub((error as Error).message) };
    } finally {
      clearTimeout(timer);
    }
  }
}
