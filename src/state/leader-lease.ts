import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';

/*
 * One leader among the bot replicas that share a Redis: the replica holding a lease key runs
 * the scheduled jobs (alert checks, automatic sync, the agents' event streams, the expiry of
 * leftover restart plans), so two replicas never post the same alert or run the same sync.
 *
 * - acquire: `SET key owner NX PX ttl` (the owner id is unique per process: host, pid, random);
 * - renew, every ttl/3 while leading: a script that extends the key only if it still names us
 *   (compare-and-renew), so a leader that paused past its lease cannot extend the next one's;
 * - release, at shutdown: a script that deletes the key only if it still names us
 *   (compare-and-delete), so a late release never frees another replica's lease.
 *
 * A leader counts itself leader only until its last confirmed SET or renewal *was sent* plus
 * the ttl, less a small allowance for clock drift (Redlock's 1 % + 2 ms): if Redis stops
 * answering, it steps down on its own clock before the key can expire and be taken by another
 * replica. A follower asks again when the holder's lease runs out (PTTL), so a dead leader is
 * replaced within the lease time. The decisions are pure functions below; the class does I/O.
 */

const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

// ------------------------------------------------------------------ pure decisions

export interface LeaseState {
  leader: boolean;
  /** Local clock (ms): acting as leader is safe until then. 0 when not leading. */
  validUntil: number;
}

export const NOT_LEADING: LeaseState = { leader: false, validUntil: 0 };

export type LeaseOutcome =
  /** Our SET NX (acquired) or compare-and-renew (renewed) succeeded; `sentAt` is when it was sent. */
  | { kind: 'acquired' | 'renewed'; sentAt: number }
  /** Another replica holds the lease; `holderTtlMs` is its PTTL (-2: gone meanwhile, -1: no expiry). */
  | { kind: 'held'; holderTtlMs: number }
  /** Our renewal found the key gone or naming someone else. */
  | { kind: 'lost' }
  /** Redis did not answer (or failed): nothing is known. */
  | { kind: 'failed'; error: LeaseError }
  /** A look at the local clock only. */
  | { kind: 'tick' }
  /** We deleted our lease (shutdown). */
  | { kind: 'released' };

export interface LeaseStep {
  state: LeaseState;
  /** Set when leadership changed. */
  change: { leader: boolean; reason: string } | null;
}

/** Redlock's allowance for clock drift between this process and Redis: 1 % of the ttl plus 2 ms. */
export function driftAllowanceMs(ttlMs: number): number {
  return Math.ceil(ttlMs * 0.01) + 2;
}

/** Until when a lease confirmed by a command sent at `sentAt` may be acted on, on the local clock. */
export function leaseValidUntil(sentAt: number, ttlMs: number): number {
  return sentAt + ttlMs - driftAllowanceMs(ttlMs);
}

function stepDown(state: LeaseState, reason: string): LeaseStep {
  return { state: NOT_LEADING, change: state.leader ? { leader: false, reason } : null };
}

/** The next state after an attempt's outcome (or a clock tick), and whether leadership changed. */
export function nextLeaseState(state: LeaseState, outcome: LeaseOutcome, nowMs: number, ttlMs: number): LeaseStep {
  switch (outcome.kind) {
    case 'acquired':
    case 'renewed': {
      const validUntil = leaseValidUntil(outcome.sentAt, ttlMs);
      // The answer came so late that the lease may already have run out: not safe to lead on it.
      if (validUntil <= nowMs) return stepDown(state, 'Redis confirmed the lease only after it could have expired');
      return { state: { leader: true, validUntil }, change: state.leader ? null : { leader: true, reason: outcome.kind === 'acquired' ? 'lease acquired' : 'lease was still ours' } };
    }
    case 'held':
      return stepDown(state, 'another replica holds the lease');
    case 'lost':
      return stepDown(state, 'the lease was no longer ours at renewal (it expired, and may have been taken)');
    case 'failed':
      if (state.leader && nowMs < state.validUntil) return { state, change: null };
      return stepDown(state, `the lease could not be renewed in time: ${outcome.error.message}`);
    case 'tick':
      if (state.leader && nowMs >= state.validUntil) return stepDown(state, 'the lease time ran out without a confirmed renewal');
      return { state, change: null };
    case 'released':
      return stepDown(state, 'lease released at shutdown');
  }
}

/** A follower's wait before its next attempt: just after the holder's lease runs out, and at least every `renewEveryMs`. */
export function followerDelayMs(holderTtlMs: number | null, renewEveryMs: number): number {
  if (holderTtlMs === null || holderTtlMs === -1) return renewEveryMs;
  if (holderTtlMs < 0) return 10;
  return Math.max(10, Math.min(renewEveryMs, holderTtlMs + 5));
}

// ------------------------------------------------------------------ errors

/** Redis did not confirm a lease operation: unreachable, too slow, or refusing (auth, read-only replica). */
export class LeaseError extends Error {
  override readonly name = 'LeaseError';
  constructor(
    readonly kind: 'unreachable' | 'timeout' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

function toLeaseError(error: unknown, where: string, scrub: (text: string) => string): LeaseError {
  const raw = scrub((error as Error)?.message ?? String(error));
  if (/timed out/i.test(raw)) return new LeaseError('timeout', `Redis at ${where} did not answer in time (${raw}); is it overloaded or unreachable?`);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EPIPE|ETIMEDOUT|closed|writeable|max retries/i.test(raw)) {
    return new LeaseError('unreachable', `Redis at ${where} cannot be reached (${raw}); check that redis-server runs there and TOKENOPS_STATE points at it`);
  }
  return new LeaseError('refused', `Redis at ${where} refused a lease command (${raw}); check TOKENOPS_STATE's credentials and that it is a writable primary`);
}

// ------------------------------------------------------------------ the lease

export interface LeadershipChange {
  leader: boolean;
  reason: string;
  owner: string;
}

export interface LeaderLeaseOptions {
  redis: Redis;
  key: string;
  ttlMs: number;
  /** Default ttl/3. */
  renewEveryMs?: number;
  /** Unique per process; default `host:pid:random`. */
  owner?: string;
  /** A monotonic clock in ms (default performance.now): only the local validity uses it. */
  now?: () => number;
  logger?: Logger;
  /** Where Redis is, for messages (no password). */
  where?: string;
  /** Removes secrets (the Redis password) from error text. */
  scrub?: (text: string) => string;
}

export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * The lease as a small state machine over one Redis key. `start()` runs the acquire/renew
 * loop; `change` fires on every gain or loss of leadership; `stop()` ends the loop and
 * releases the lease (compare-and-delete). `attempt()`, `release()` and `holder()` are
 * single steps, for tests and tools.
 */
export class LeaderLease extends EventEmitter<{ change: [LeadershipChange] }> {
  readonly owner: string;
  readonly key: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  private readonly redis: Redis;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;
  private readonly where: string;
  private readonly scrub: (text: string) => string;
  private state: LeaseState = NOT_LEADING;
  private holderTtlMs: number | null = null;
  private failing = false;
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private inFlight: Promise<boolean> | null = null;
  private started = false;
  private stopped = false;

  constructor(options: LeaderLeaseOptions) {
    super();
    if (!(options.ttlMs >= 30)) throw new RangeError(`lease ttl must be at least 30 ms (got ${options.ttlMs})`);
    this.redis = options.redis;
    this.key = options.key;
    this.ttlMs = options.ttlMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(10, Math.floor(options.ttlMs / 3));
    this.owner = options.owner ?? newLeaseOwner();
    this.now = options.now ?? (() => performance.now());
    this.logger = options.logger;
    this.where = options.where ?? 'redis';
    this.scrub = options.scrub ?? ((text) => text);
  }

  /** Leading right now: the lease is ours and its time has not run out on the local clock. */
  get isLeader(): boolean {
    return this.state.leader && this.now() < this.state.validUntil;
  }

  /** One step: renew when leading, else try to acquire. Resolves with whether this process leads. */
  attempt(): Promise<boolean> {
    this.inFlight ??= (async () => {
      const outcome = this.state.leader ? await this.renewOnce() : await this.acquireOnce();
      this.apply(outcome);
      return this.isLeader;
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Compare-and-delete: frees the lease only if it still names this process. */
  async release(): Promise<boolean> {
    try {
      const deleted = Number(await this.redis.eval(RELEASE_SCRIPT, 1, this.key, this.owner)) === 1;
      this.apply({ kind: 'released' });
      return deleted;
    } catch (error) {
      this.apply({ kind: 'released' });
      throw toLeaseError(error, this.where, this.scrub);
    }
  }

  /** Who holds the lease now (an owner id), or null. */
  async holder(): Promise<string | null> {
    try {
      return await this.redis.get(this.key);
    } catch (error) {
      throw toLeaseError(error, this.where, this.scrub);
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const loop = async (): Promise<void> => {
      this.timer = null;
      if (this.stopped) return;
      await this.attempt();
      if (this.stopped) return;
      const delay = this.state.leader ? this.renewEveryMs : followerDelayMs(this.holderTtlMs, this.renewEveryMs);
      this.timer = setTimeout(() => void loop(), delay);
      this.timer.unref();
    };
    void loop();
  }

  /** Ends the loop; releases the lease unless `release: false` (a test simulating a dead holder). */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight?.catch(() => undefined);
    if (options.release === false) return;
    try {
      await this.release();
    } catch (error) {
      // The key expires on its own within the ttl; say so, without the URL's password.
      this.logger?.warn({ key: this.key, err: (error as Error).message }, 'could not release the leader lease; it expires on its own');
    } finally {
      if (this.expiry) clearTimeout(this.expiry);
      this.expiry = null;
    }
  }

  private async acquireOnce(): Promise<LeaseOutcome> {
    const sentAt = this.now();
    try {
      if ((await this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX')) === 'OK') return this.succeeded({ kind: 'acquired', sentAt });
      // Still ours (a renewal whose answer was lost)? Then it is renewed; else learn when the holder's runs out.
      const renewSentAt = this.now();
      if (await this.compareAndRenew()) return this.succeeded({ kind: 'renewed', sentAt: renewSentAt });
      this.holderTtlMs = await this.redis.pttl(this.key);
      return this.succeeded({ kind: 'held', holderTtlMs: this.holderTtlMs });
    } catch (error) {
      return this.failed(error);
    }
  }

  private async renewOnce(): Promise<LeaseOutcome> {
    const sentAt = this.now();
    try {
      return this.succeeded((await this.compareAndRenew()) ? { kind: 'renewed', sentAt } : { kind: 'lost' });
    } catch (error) {
      return this.failed(error);
    }
  }

  private async compareAndRenew(): Promise<boolean> {
    return Number(await this.redis.eval(RENEW_SCRIPT, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }

  private succeeded(outcome: LeaseOutcome): LeaseOutcome {
    if (this.failing) this.logger?.info({ key: this.key }, 'leader lease: Redis answers again');
    this.failing = false;
    return outcome;
  }

  private failed(error: unknown): LeaseOutcome {
    const leaseError = toLeaseError(error, this.where, this.scrub);
    // One line when it starts failing, not one per attempt.
    if (!this.failing) this.logger?.warn({ key: this.key, kind: leaseError.kind, err: leaseError.message }, 'leader lease: Redis did not answer');
    this.failing = true;
    this.holderTtlMs = null;
    return { kind: 'failed', error: leaseError };
  }

  private apply(outcome: LeaseOutcome): void {
    const step = nextLeaseState(this.state, outcome, this.now(), this.ttlMs);
    this.state = step.state;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    if (this.state.leader) {
      // Step down on our own clock if no renewal is confirmed in time.
      this.expiry = setTimeout(() => this.apply({ kind: 'tick' }), Math.max(0, Math.ceil(this.state.validUntil - this.now())) + 1);
      this.expiry.unref();
    }
    if (!step.change) return;
    const change: LeadershipChange = { ...step.change, owner: this.owner };
    const fields = { owner: this.owner, key: this.key, leaseMs: this.ttlMs, reason: change.reason };
    if (change.leader) this.logger?.info(fields, 'leadership acquired: this replica runs the scheduled jobs');
    else if (outcome.kind === 'released') this.logger?.info(fields, 'leadership released');
    else this.logger?.warn(fields, 'leadership lost: the scheduled jobs stop on this replica');
    this.emit('change', change);
  }
}
