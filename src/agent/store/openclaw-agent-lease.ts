import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { processStartTime } from './process-starttime.js';
import { hasTable } from './sqlite-schema.js';
import { LockBusyError } from './sidecar-lock.js';
import type { ExternalLock } from './sqlite-document-store.js';

/*
 * OpenClaw 2026.9 registers every open of an agent database in the shared state database
 * (`agent_database_leases`: lease id, agent id, path, pid, process start time, opened at),
 * so that its maintenance (`doctor --fix`, schema migrations, agent deletion) never
 * rebuilds or moves a database that someone has open; while maintenance runs it holds the
 * `core:agent-database-maintenance` row of `state_leases`, and nobody may open an agent
 * database. Our agent writes an agent database for a moment, and registers that moment
 * the same way (its dist: `openclaw-agent-db-lease-*.mjs`):
 *   - claim: under OpenClaw's state lock and a write transaction on the state database,
 *     refuse while maintenance holds its lease, else insert our lease row;
 *   - release: delete the row and forget OpenClaw's integrity proof for the file
 *     (`agent_integrity_verifications` in `state/openclaw-quarantine.sqlite`), as OpenClaw
 *     does when a lease ends without a clean close, so it verifies the file again rather
 *     than trusting a proof taken before our write.
 * A lease left behind by a crash names a dead pid (or a reused one with another start
 * time), which OpenClaw treats as stale and removes.
 */

const MAINTENANCE_SCOPE = 'core:agent-database-maintenance';
const MAINTENANCE_KEY = 'global';
const QUARANTINE_DATABASE = 'openclaw-quarantine.sqlite';

class AgentDatabaseMaintenanceError extends LockBusyError {
  constructor(databaseFile: string) {
    super(databaseFile, null, 0);
    this.message = `OpenClaw is maintaining its agent databases (openclaw doctor --fix or a migration holds its maintenance lease); ${path.basename(databaseFile)} was not written, retry when it is done`;
  }
}

/**
 * Leases whose release failed (the state database stayed busy), per state database: ended by
 * the next claim there, because a row naming our live pid would hold off OpenClaw's
 * maintenance until we exit. Kept for the process, since stores are found afresh each time.
 */
const unreleased = new Map<string, Set<string>>();

/** Ours for the process's life: read once. */
let ownStartTime: number | null | undefined;

function canonical(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/**
 * The lease around one write of an agent database, as an ExternalLock: acquiring claims
 * the lease (waiting up to waitMs for OpenClaw's state lock), the returned function ends it.
 */
export function openclawAgentLease(stateDatabase: string, agentId: string, agentDatabase: string, stateLock: ExternalLock): ExternalLock {
  const leftover = unreleased.get(stateDatabase) ?? new Set<string>();
  unreleased.set(stateDatabase, leftover);
  const inStateTransaction = async <T>(waitMs: number, work: (db: Database.Database) => T): Promise<T> => {
    const release = await stateLock(waitMs);
    // The state lock goes back however this ends, the open included: held, it stops every
    // OpenClaw process's state writes.
    try {
      const db = new Database(stateDatabase, { fileMustExist: true, timeout: waitMs });
      try {
        const run = db.transaction(() => work(db));
        return run.immediate();
      } finally {
        db.close();
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new LockBusyError(stateDatabase, null, waitMs);
      throw error;
    } finally {
      await release();
    }
  };

  return async (waitMs) => {
    const leaseId = randomUUID();
    const leasePath = path.resolve(agentDatabase);
    await inStateTransaction(waitMs, (db) => {
      const maintenance = hasTable(db, 'state_leases')
        ? db.prepare('SELECT 1 FROM state_leases WHERE scope = ? AND lease_key = ? AND expires_at > ?').get(MAINTENANCE_SCOPE, MAINTENANCE_KEY, Date.now())
        : undefined;
      if (maintenance) throw new AgentDatabaseMaintenanceError(agentDatabase);
      for (const old of leftover) db.prepare('DELETE FROM agent_database_leases WHERE lease_id = ?').run(old);
      leftover.clear();
      db.prepare('INSERT INTO agent_database_leases (lease_id, agent_id, path, owner_pid, owner_start_time, opened_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        leaseId,
        agentId.toLowerCase(),
        leasePath,
        process.pid,
        (ownStartTime === undefined ? (ownStartTime = processStartTime(process.pid)) : ownStartTime),
        Date.now(),
      );
    });
    // The release waits no longer than the claim did: better-sqlite3 waits synchronously, and
    // the agent answers nothing meanwhile. One that cannot get through is ended next time.
    return async () => {
      try {
        await inStateTransaction(waitMs, (db) => {
          db.prepare('DELETE FROM agent_database_leases WHERE lease_id = ?').run(leaseId);
        });
      } catch {
        leftover.add(leaseId);
      }
      try {
        forgetIntegrityProof(path.join(path.dirname(stateDatabase), QUARANTINE_DATABASE), agentDatabase, waitMs);
      } catch {
        // OpenClaw re-verifies an agent database whose lease ended uncleanly anyway; a busy
        // quarantine store only costs it the shortcut, never our committed write.
      }
    };
  };
}

function forgetIntegrityProof(quarantineDatabase: string, agentDatabase: string, waitMs: number): void {
  if (!existsSync(quarantineDatabase)) return;
  const db = new Database(quarantineDatabase, { fileMustExist: true, timeout: waitMs });
  try {
    if (!hasTable(db, 'agent_integrity_verifications')) return;
    const file = statSync(agentDatabase, { bigint: true, throwIfNoEntry: false });
    db.transaction(() => {
      db.prepare('DELETE FROM agent_integrity_verifications WHERE path = ?').run(canonical(agentDatabase));
      if (file) db.prepare('DELETE FROM agent_integrity_verifications WHERE dev = ? AND ino = ?').run(String(file.dev), String(file.ino));
    }).immediate();
  } finally {
    db.close();
  }
}
