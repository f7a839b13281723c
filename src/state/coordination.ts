import { EventEmitter } from 'node:events';
import type { Logger } from '../logging/logger.js';
import type { Redis } from 'ioredis';
import { ioredis } from './ioredis.js';
import { RedisInteractionClaims, soleClaims, type InteractionClaims } from './interaction-claims.js';
import { LeaderLease, newLeaseOwner, type LeadershipChange } from './leader-lease.js';
import { isRedisUrl, redisTarget } from './redis-url.js';

/*
 * How bot replicas share the work, chosen by TOKENOPS_STATE:
 * - SQLite (one replica): this process is always the leader, answers every interaction, and
 *   a request for an alert check goes straight to its own checks. No Redis involved.
 * - Redis (several replicas): a lease elects the leader (src/state/leader-lease.ts), a claim
 *   per interaction id picks the replica that answers (src/state/interaction-claims.ts), and
 *   a follower's request for an alert check is published for the leader.
 * Keys are per state store (one Redis database = one fleet's state), not per fleet file, so
 * replicas in the middle of a rolling config change still agree on one leader.
 */

export const LEADER_KEY = 'tokenops:leader';
const ALERT_CHECK_CHANNEL = 'tokenops:alert-check';

export interface Leadership {
  readonly owner: string;
  readonly isLeader: boolean;
  on(event: 'change', listener: (change: LeadershipChange) => void): unknown;
  start(): void;
  stop(): Promise<void>;
}

export interface Coordination {
  readonly mode: 'single' | 'replicas';
  readonly leadership: Leadership;
  readonly claims: InteractionClaims;
  /** A follower's "check the alerts soon" (after a command found something), delivered to the leader. */
  requestAlertCheck(): Promise<void>;
  onAlertCheckRequest(listener: () => void): void;
  /** Stops the lease loop and releases the lease (compare-and-delete), then disconnects. */
  close(): Promise<void>;
}

/** The only replica: leader from `start()` until `stop()`. */
class SoleLeader extends EventEmitter<{ change: [LeadershipChange] }> implements Leadership {
  readonly owner = newLeaseOwner();
  private leading = false;

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.leading) return;
    this.leading = true;
    this.emit('change', { leader: true, reason: 'single replica (SQLite state): always the leader', owner: this.owner });
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.emit('change', { leader: false, reason: 'stopping', owner: this.owner });
  }
}

export interface CoordinationOptions {
  /** TOKENOPS_LEADER_LEASE. */
  leaseMs: number;
  logger: Logger;
}

export function openCoordination(stateUrl: string, options: CoordinationOptions): Coordination {
  if (!isRedisUrl(stateUrl)) {
    const leadership = new SoleLeader();
    const requests = new EventEmitter<{ check: [] }>();
    return {
      mode: 'single',
      leadership,
      claims: soleClaims,
      requestAlertCheck: async () => void requests.emit('check'),
      onAlertCheckRequest: (listener) => void requests.on('check', listener),
      close: () => leadership.stop(),
    };
  }
  const target = redisTarget(stateUrl);
  const { logger } = options;
  // Fail fast rather than queue: a lease command that waits longer than a renewal interval is useless.
  const redis = new (ioredis().Redis)(target.url, { commandTimeout: Math.max(200, Math.min(2_000, Math.floor(options.leaseMs / 3))), maxRetriesPerRequest: 1, connectionName: 'tokenops-coordination' });
  let lastError = '';
  const onError = (error: Error) => {
    const message = target.scrub(error.message);
    if (message !== lastError) logger.warn({ redis: target.display, err: message }, 'Redis connection error (leader lease, interaction claims)');
    lastError = message;
  };
  redis.on('error', onError);
  redis.on('ready', () => {
    lastError = '';
  });
  const lease = new LeaderLease({ redis, key: LEADER_KEY, ttlMs: options.leaseMs, logger, where: target.display, scrub: target.scrub });
  const claims = new RedisInteractionClaims(redis, lease.owner, target.scrub);
  let subscriber: Redis | undefined;
  return {
    mode: 'replicas',
    leadership: lease,
    claims,
    async requestAlertCheck() {
      await redis.publish(ALERT_CHECK_CHANNEL, lease.owner).catch((error: Error) => logger.warn({ err: target.scrub(error.message) }, 'could not ask the leader for an alert check; its next scheduled check will see it'));
    },
    onAlertCheckRequest(listener) {
      if (!subscriber) {
        subscriber = redis.duplicate({ connectionName: 'tokenops-coordination-sub', commandTimeout: undefined });
        subscriber.on('error', onError);
        void subscriber.subscribe(ALERT_CHECK_CHANNEL).catch((error: Error) => logger.warn({ err: target.scrub(error.message) }, 'could not subscribe to alert-check requests'));
      }
      subscriber.on('message', (channel) => {
        if (channel === ALERT_CHECK_CHANNEL) listener();
      });
    },
    async close() {
      await lease.stop();
      subscriber?.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
