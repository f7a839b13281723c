import { existsSync } from 'node:fs';
import { loadFleet } from '../config/fleet-file.js';
import { FleetClient } from '../fleet/fleet-client.js';
import { NodeLocks } from '../fleet/node-locks.js';
import type { OperationContext } from '../fleet/operations/operation-context.js';
import { AuditLog, type AuditActor, type AuditRecord } from '../state/audit-log.js';
import { OperationJournal } from '../state/operation-journal.js';
import { isRedisUrl, redisTarget } from '../state/redis-url.js';
import type { StateStore } from '../state/state-store.js';
import type { RenewalMemory } from '../fleet/operations/renewal-view.js';
import { cliActor } from './cli-actor.js';
import { loadCliEnv, type CliEnv } from './cli-env.js';
import { ConfigError } from './cli-errors.js';

/** The streams and environment a run reads and writes (`main` hands in the process's). */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * What a subcommand gets. Settings, the fleet and the audit log are opened on first use,
 * so `keygen` needs no fleet file, `audit` no agents, and a bad setting is reported only
 * to the commands that need it (as a ConfigError: exit 2).
 */
export class CliContext {
  readonly actor: AuditActor;
  private settings: CliEnv | undefined;
  private client: FleetClient | undefined;
  private state: StateStore | undefined;
  private log: AuditLog | undefined;
  private journal: OperationJournal | undefined;
  private locks: NodeLocks | undefined;

  constructor(
    readonly io: CliIO,
    /** `--json`: stdout carries one JSON document and nothing else. */
    readonly json: boolean,
  ) {
    this.actor = cliActor(io.env);
  }

  get env(): CliEnv {
    if (!this.settings) {
      const loaded = loadCliEnv(this.io.env);
      if (!loaded.ok) throw new ConfigError(loaded.problems);
      this.settings = loaded.value;
    }
    return this.settings;
  }

  fleetClient(): FleetClient {
    if (!this.client) {
      const fleet = loadFleet(this.env.TOKENOPS_FLEET, this.io.env);
      if (!fleet.ok) throw new ConfigError(fleet.problems);
      this.client = new FleetClient(fleet.value, { timeoutMs: this.env.TOKENOPS_NODE_TIMEOUT, concurrency: this.env.TOKENOPS_FANOUT });
    }
    return this.client;
  }

  /**
   * The bot's audit log (TOKENOPS_STATE): what the CLI does is recorded beside what the bot
   * does. Loaded on first use: the Redis client alone costs a second at start.
   */
  async audit(): Promise<AuditLog> {
    if (!this.log) {
      const { openStateStore } = await import('../state/state-store.js');
      try {
        this.state = await openStateStore(this.env.TOKENOPS_STATE);
        this.log = new AuditLog(this.state.namespace<AuditRecord>('audit'));
      } catch (error) {
        throw new ConfigError([`TOKENOPS_STATE: the audit log cannot be opened (${(error as Error).message})`]);
      }
    }
    return this.log;
  }

  /**
   * What the bot's renewal remembers, to show when each account renews and by whom; none
   * when the state cannot be opened (the schedule is then worked out from the fleet alone).
   */
  async renewalMemory(): Promise<RenewalMemory | undefined> {
    // A read-only look: no state yet means nothing remembered, and opening one would create it.
    const url = this.env.TOKENOPS_STATE;
    if (url.startsWith('sqlite://') && !existsSync(url.slice('sqlite://'.length))) return undefined;
    try {
      await this.audit();
    } catch {
      return undefined;
    }
    const { RenewalStore } = await import('../state/renewal-store.js');
    return this.state ? new RenewalStore(this.state.namespace<unknown>('renewal')) : undefined;
  }

  /** Where the audit log lives, for messages (a Redis password is left out). */
  get auditLocation(): string {
    const url = this.env.TOKENOPS_STATE;
    return this.state?.location ?? (isRedisUrl(url) ? redisTarget(url).display : url);
  }

  /**
   * For a mutation: the audit log is opened first, so nothing changes that could not be
   * recorded; restarts and syncs are written in the bot's operation journal while they run,
   * so that a CLI killed halfway is reported by the bot, as a bot killed halfway is.
   */
  async operations(): Promise<OperationContext> {
    const audit = await this.audit();
    if (!this.journal && this.state) {
      this.journal = new OperationJournal(this.state.namespace<unknown>('journal'), { heartbeatMs: this.env.TOKENOPS_HEARTBEAT });
      await this.journal.start();
    }
    // The bot's node locks, through the same state: a node with a plan waiting for its ✅ is busy here too.
    this.locks ??= new NodeLocks(this.state ? this.state.nodeLocks() : undefined, { owner: this.journal?.owner ?? `cli:${this.actor.name}` });
    return { fleetClient: this.fleetClient(), locks: this.locks, audit, ...(this.journal ? { journal: this.journal } : {}) };
  }

  nowMs(): number {
    return Date.now();
  }

  /** A line of progress for a long operation: stderr, never in the --json document. */
  progress(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Text a person must read before answering (a plan before its confirmation): stdout, or stderr under --json. */
  show(text: string): void {
    (this.json ? this.io.stderr : this.io.stdout).write(text.endsWith('\n') ? text : `${text}\n`);
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    await this.journal?.stop().catch(() => undefined);
    await this.state?.close().catch(() => undefined);
  }
}
