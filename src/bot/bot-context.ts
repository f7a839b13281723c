import type { BotEnv } from '../config/bot-env.js';
import type { Fleet } from '../config/fleet-file.js';
import type { AlertSink } from '../alerts/alert-sink.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import type { NodeLocks } from '../fleet/node-locks.js';
import type { Logger } from '../logging/logger.js';
import type { Client } from 'discord.js';
import type { AlertStore } from '../state/alert-store.js';
import type { RenewalMemory } from '../fleet/operations/renewal-view.js';
import type { AuditLog } from '../state/audit-log.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { PendingPlans } from '../state/pending-plans.js';
import type { StateStore } from '../state/state-store.js';

/** What every command handler gets: settings, the fleet and its client, state, a log, a clock. */
export interface BotContext {
  env: BotEnv;
  fleet: Fleet;
  fleetClient: FleetClient;
  /** One mutation per node at a time, on the bot's side. */
  locks: NodeLocks;
  alerts: AlertSink;
  alertStore: AlertStore;
  /** What renewal remembers: `tokens status` shows when each account renews and by whom. */
  renewals: RenewalMemory;
  state: StateStore;
  audit: AuditLog;
  pendingPlans: PendingPlans;
  /** Restarts and syncs while they run: one cut short by a crash is reported, never rerun. */
  journal?: OperationJournal;
  /** The Discord client, for what outlives one reply (reactions on a plan). */
  client: Client;
  logger: Logger;
  now: () => number;
}
