/*
 * The names the audit log gives what it records. They are stored (the log keeps them for
 * good, `/audit` and `tokenops audit` print them) and read back: the bot's counters and the
 * expiry timeline's markers pick records by them, and a bot restart reports an interrupted
 * operation under the name its journal entry was given. Written once here so that no writer
 * and reader can drift apart. Never reword one: records already stored keep the old words.
 */
export const AUDIT_ACTIONS = {
  sync: 'tokens sync',
  syncAfterRefresh: 'tokens sync (after refresh)',
  syncDryRun: 'tokens sync (dry run)',
  refresh: 'tokens refresh',
  restart: 'restart',
  restartPlan: 'restart plan',
  restartConfirmation: 'restart confirmation',
  capacitySet: 'capacity set',
  /** The owner (or a stand-in) renewed an account before it expired, on its own schedule. */
  renewal: 'renewal',
  /** Who renews an account changed: a stand-in took over from an owner down, or the owner took it back. */
  renewalOwner: 'renewal owner',
} as const;

/** The records of a sync that wrote (or tried to): by a person, after a refresh, or the scheduler's. A dry run is a plan. */
export const SYNC_ACTIONS: readonly string[] = [AUDIT_ACTIONS.sync, AUDIT_ACTIONS.syncAfterRefresh];
