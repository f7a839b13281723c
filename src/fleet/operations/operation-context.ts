import type { AuditLog } from '../../state/audit-log.js';
import type { OperationJournal } from '../../state/operation-journal.js';
import type { FleetClient } from '../fleet-client.js';
import type { NodeLocks } from '../node-locks.js';

/** What an audited fleet operation needs, whichever front end (bot or CLI) asks for it. */
export interface OperationContext {
  fleetClient: FleetClient;
  /** One mutation per node at a time, within this process. */
  locks: NodeLocks;
  audit: AuditLog;
  /** Mutations written down while they run, so one cut short is reported, never rerun. */
  journal?: OperationJournal;
}
