import { AuditLog, type AuditRecord } from '../../src/state/audit-log.js';
import { openStateStore } from '../../src/state/state-store.js';

/** The latest audit records a bot (or the CLI) wrote to the state at `stateUrl`, newest first, read through a connection of the test's own. */
export async function auditRecords(stateUrl: string, limit = 500): Promise<AuditRecord[]> {
  const state = await openStateStore(stateUrl);
  try {
    return await new AuditLog(state.namespace<AuditRecord>('audit')).latest(limit);
  } finally {
    await state.close();
  }
}
