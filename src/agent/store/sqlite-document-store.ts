import path from 'node:path';
import Database from 'better-sqlite3';
import { formatIssues } from '../../config/format-issues.js';
import { authProfilesDocumentSchema } from '../../domain/profile.js';
import type { StoreKind } from '../../protocol/agent-api.js';
import { isBackupOf, pruneBackups, removeAbandonedTempFiles, writeBackup } from './atomic-file.js';
import { diskFullOr, StoreInvalidError, type CredentialStore, type ProfilesMutation, type StoreRead, type UpdateOptions, type UpdateOutcome } from './credential-store.js';
import { MAX_STORE_BYTES, parseJsonQuietly, rewriteProblem, tooLargeReason } from './json-text.js';
import { BACKUP_DIR } from './auth-profiles-json-store.js';
import { linkedPathProblem } from './linked-paths.js';
import { LockBusyError } from './sidecar-lock.js';
import { hasTable } from './sqlite-schema.js';

/*
 * OpenClaw's SQLite-era credential stores: the same `{version, profiles}` document, kept
 * as compact JSON in one row of a key/value table. 2026.6.5 keeps it per agent
 * (`openclaw-agent.sqlite`, table `auth_profile_store`, row `primary`); 2026.9 also in the
 * shared state database (`state/openclaw.sqlite`, table `config_machine_state`, row
 * `authProfiles.store`). OpenClaw writes inside `BEGIN IMMEDIATE` with a busy timeout and
 * takes no lock file; so do we: the transaction is the lock, every other row and column is
 * left as it was, and the row's update time is bumped as OpenClaw bumps it. The database
 * stays in WAL mode.
 */

export interface SqliteRowLocation {
  kind: StoreKind;
  table: string;
  keyColumn: string;
  valueColumn: string;
  updatedColumn: string;
  key: string;
}

export const AGENT_SQLITE: SqliteRowLocation = { kind: 'openclaw-agent-sqlite', table: 'auth_profile_store', keyColumn: 'store_key', valueColumn: 'store_json', updatedColumn: 'updated_at', key: 'primary' };
export const STATE_SQLITE: SqliteRowLocation = { kind: 'openclaw-state-sqlite', table: 'config_machine_state', keyColumn: 'state_key', valueColumn: 'value_json', updatedColumn: 'updated_at_ms', key: 'authProfiles.store' };

/**
 * What OpenClaw takes around a write besides the transaction (its cross-process state lock,
 * an agent-database lease); acquiring returns the release, which must not throw.
 */
export type ExternalLock = (waitMs: number) => Promise<() => void | Promise<void>>;

export class SqliteDocumentStore implements CredentialStore {
  readonly kind: StoreKind;
  readonly displayPath: string;
  readonly directory: string;

  constructor(
    readonly agentId: string,
    readonly file: string,
    private readonly stateDir: string,
    private readonly location: SqliteRowLocation,
    private readonly externalLock?: ExternalLock,
  ) {
    this.kind = location.kind;
    this.displayPath = `${path.relative(stateDir, file)}#${location.table}/${location.key}`;
    this.directory = path.dirname(file);
  }

  private open(readonly: boolean, busyMs: number): Database.Database {
    const db = new Database(this.file, { readonly, fileMustExist: true, timeout: busyMs });
    return db;
  }

  private async checkFile(): Promise<string | null> {
    try {
      // A linked agent or state dir, or backups dir, would carry the write (and backups of
      // the tokens) out of the state dir.
      return await linkedPathProblem(this.file, this.stateDir, BACKUP_DIR);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'database is missing' : `cannot be read (${(error as NodeJS.ErrnoException).code})`;
    }
  }

  /** The row's value as stored: text normally, but SQLite lets a non-STRICT column hold anything. */
  private selectRow(db: Database.Database): unknown {
    const { table, keyColumn, valueColumn, key } = this.location;
    // OpenClaw creates its tables when it first opens the database: none yet means empty.
    if (!hasTable(db, table)) return undefined;
    const row = db.prepare(`SELECT ${valueColumn} AS value FROM ${table} WHERE ${keyColumn} = ?`).get(key) as { value: unknown } | undefined;
    return row?.value;
  }

  private parse(text: unknown): { ok: true; document: Record<string, unknown> & { profiles: Record<string, unknown> } } | { ok: false; reason: string } {
    // No row yet: an empty store, as OpenClaw starts.
    if (text === undefined) return { ok: true, document: { version: 1, profiles: {} } };
    // A BLOB or a number in the row (SQLite's columns take anything unless STRICT).
    if (typeof text !== 'string') return { ok: false, reason: `the ${this.location.valueColumn} column holds ${text === null ? 'NULL' : Buffer.isBuffer(text) ? 'a BLOB' : `a ${typeof text}`}, not JSON text` };
    const size = Buffer.byteLength(text);
    if (size > MAX_STORE_BYTES) return { ok: false, reason: tooLargeReason(size) };
    const json = parseJsonQuietly(text);
    if (!json.ok) return json;
    const parsed = authProfilesDocumentSchema.safeParse(json.value);
    if (!parsed.success) return { ok: false, reason: formatIssues(parsed.error.issues).join('; ') };
    const problem = rewriteProblem(text);
    if (problem) return { ok: false, reason: problem };
    return { ok: true, document: json.value as Record<string, unknown> & { profiles: Record<string, unknown> } };
  }

  async read(): Promise<StoreRead> {
    const problem = await this.checkFile();
    if (problem) return { ok: false, reason: problem };
    let db: Database.Database | undefined;
    try {
      db = this.open(true, 2000);
      const parsed = this.parse(this.selectRow(db));
      return parsed.ok ? { ok: true, profiles: parsed.document.profiles, layout: null } : parsed;
    } catch (error) {
      return { ok: false, reason: `database cannot be read (${(error as { code?: string }).code ?? 'error'})` };
    } finally {
      db?.close();
    }
  }

  async update<R>(mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>> {
    try {
      return await this.transactionalUpdate(mutate, options);
    } catch (error) {
      throw diskFullOr(this.displayPath, error);
    }
  }

  private async transactionalUpdate<R>(mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>> {
    const problem = await this.checkFile();
    if (problem) throw new StoreInvalidError(this.displayPath, problem);
    const release = this.externalLock ? await this.externalLock(options.lockWaitMs) : undefined;
    // Whatever fails from here on, OpenClaw's lock or lease is given back: a lease row naming
    // our live pid would hold off its maintenance until the agent exits.
    try {
      return await this.writeInTransaction(this.openForWrite(options.lockWaitMs), mutate, options);
    } finally {
      await release?.();
    }
  }

  /** Gone, or unopenable, since the check (moved by OpenClaw's doctor, removed by a person). */
  private openForWrite(busyMs: number): Database.Database {
    try {
      return this.open(false, busyMs);
    } catch (error) {
      throw new StoreInvalidError(this.displayPath, `database cannot be opened (${(error as { code?: string }).code ?? 'error'})`);
    }
  }

  private async writeInTransaction<R>(db: Database.Database, mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>> {
    try {
      db.pragma('journal_mode = WAL');
      // The write lock first, then the read: nobody writes between our read and our write.
      db.exec('BEGIN IMMEDIATE');
      const before = this.selectRow(db);
      const parsed = this.parse(before);
      if (!parsed.ok) throw new StoreInvalidError(this.displayPath, parsed.reason);
      const { write, result } = await mutate(parsed.document.profiles);
      if (!write || options.dryRun) {
        db.exec('ROLLBACK');
        return { result, written: false };
      }
      let backup: string | undefined;
      if (before !== undefined) {
        const backupDir = path.join(path.dirname(this.file), BACKUP_DIR);
        const base = `${path.basename(this.file)}.${this.location.table}.${this.location.key}`;
        // Inside the write transaction: no other writer of this row's backups is running.
        await removeAbandonedTempFiles(backupDir, (name) => isBackupOf(base, name));
        backup = await writeBackup(backupDir, base, before as string, Date.now());
        await pruneBackups(backupDir, base, options.backupsKeep);
      }
      const { table, keyColumn, valueColumn, updatedColumn, key } = this.location;
      db.prepare(
        `INSERT INTO ${table} (${keyColumn}, ${valueColumn}, ${updatedColumn}) VALUES (?, ?, ?) ON CONFLICT(${keyColumn}) DO UPDATE SET ${valueColumn} = excluded.${valueColumn}, ${updatedColumn} = excluded.${updatedColumn}`,
      ).run(key, JSON.stringify(parsed.document), Date.now());
      db.exec('COMMIT');
      return { result, written: true, ...(backup ? { backup: path.relative(this.stateDir, backup) } : {}) };
    } catch (error) {
      // SQLite may have rolled back already (a full disk, an I/O error): ask it, not a flag.
      if (db.inTransaction) db.exec('ROLLBACK');
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new LockBusyError(this.displayPath, null, options.lockWaitMs);
      throw error;
    } finally {
      db.close();
    }
  }
}
