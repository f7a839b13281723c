import { open } from 'node:fs/promises';
import path from 'node:path';
import { formatIssues } from '../../config/format-issues.js';
import { authProfilesDocumentSchema } from '../../domain/profile.js';
import { isBackupOf, pruneBackups, removeAbandonedTempFiles, writeBackup, writeFileDurably } from './atomic-file.js';
import { diskFullOr, StoreInvalidError, type CredentialStore, type ProfilesMutation, type StoreRead, type UpdateOptions, type UpdateOutcome } from './credential-store.js';
import { MAX_STORE_BYTES, parseJsonQuietly, rewriteProblem, serializeLikeOpenClaw, tooLargeReason } from './json-text.js';
import { linkedPathProblem } from './linked-paths.js';
import { acquireSidecarLock } from './sidecar-lock.js';

export const AUTH_PROFILES_FILE = 'auth-profiles.json';
/** State fields that lived at the top level of auth-profiles.json before 2026-04. */
const LEGACY_STATE_FIELDS = ['order', 'lastGood', 'usageStats'];
export const BACKUP_DIR = '.tokenops-backups';

type Parsed = { ok: true; document: Record<string, unknown> & { profiles: Record<string, unknown> } } | { ok: false; reason: string };

/** `agents/<id>/agent/auth-profiles.json`, OpenClaw up to 2026.6.1, in either field layout. */
export class AuthProfilesJsonStore implements CredentialStore {
  readonly kind = 'auth-profiles-json' as const;
  readonly displayPath: string;
  readonly directory: string;

  constructor(
    readonly agentId: string,
    readonly file: string,
    private readonly stateDir: string,
  ) {
    this.displayPath = path.relative(stateDir, file);
    this.directory = path.dirname(file);
  }

  private async readText(): Promise<{ ok: true; text: string; bytes: Buffer } | { ok: false; reason: string }> {
    try {
      // A link, or a linked agent or backups dir, would carry the write (and backups of the
      // tokens) out of the state dir.
      const linked = await linkedPathProblem(this.file, this.stateDir, BACKUP_DIR);
      if (linked) return { ok: false, reason: linked };
      const handle = await open(this.file, 'r');
      let bytes: Buffer;
      try {
        const { size } = await handle.stat();
        if (size > MAX_STORE_BYTES) return { ok: false, reason: tooLargeReason(size) };
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
      return { ok: true, text: bytes.toString('utf8'), bytes };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, reason: 'file is missing' };
      if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'permission denied' };
      return { ok: false, reason: `cannot be read (${code ?? 'unknown error'})` };
    }
  }

  private parse(text: string): Parsed {
    const json = parseJsonQuietly(text);
    if (!json.ok) return json;
    const document = authProfilesDocumentSchema.safeParse(json.value);
    if (!document.success) return { ok: false, reason: formatIssues(document.error.issues).join('; ') };
    const problem = rewriteProblem(text);
    if (problem) return { ok: false, reason: problem };
    // Keep the parsed JSON itself, not zod's copy: key order and every unknown field survive.
    return { ok: true, document: json.value as Record<string, unknown> & { profiles: Record<string, unknown> } };
  }

  /** Legacy when state fields sit at the top level; OpenClaw moves them out on its next save. */
  private layout(document: Record<string, unknown>): 'legacy' | 'split' {
    return LEGACY_STATE_FIELDS.some((field) => field in document) ? 'legacy' : 'split';
  }

  async read(): Promise<StoreRead> {
    const text = await this.readText();
    if (!text.ok) return text;
    const parsed = this.parse(text.text);
    if (!parsed.ok) return parsed;
    return { ok: true, profiles: parsed.document.profiles, layout: this.layout(parsed.document) };
  }

  /*
   * Lock, then read again: what was read before the lock may be stale, since OpenClaw or a
   * refresh may have written in between. auth-state.json is never touched.
   */
  async update<R>(mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>> {
    try {
      return await this.lockedUpdate(mutate, options);
    } catch (error) {
      throw diskFullOr(this.displayPath, error);
    }
  }

  private async lockedUpdate<R>(mutate: ProfilesMutation<R>, options: UpdateOptions): Promise<UpdateOutcome<R>> {
    const lock = await acquireSidecarLock(this.file, options.lockWaitMs);
    try {
      const text = await this.readText();
      if (!text.ok) throw new StoreInvalidError(this.displayPath, text.reason);
      const parsed = this.parse(text.text);
      if (!parsed.ok) throw new StoreInvalidError(this.displayPath, parsed.reason);
      const dir = path.dirname(this.file);
      const backupDir = path.join(dir, BACKUP_DIR);
      if (!options.dryRun) {
        // Holding the lock: whatever temp files are here, their writers are dead.
        await removeAbandonedTempFiles(dir, (name) => name === AUTH_PROFILES_FILE);
        await removeAbandonedTempFiles(backupDir, (name) => isBackupOf(AUTH_PROFILES_FILE, name));
      }
      const { write, result } = await mutate(parsed.document.profiles);
      if (!write || options.dryRun) return { result, written: false };
      const backup = await writeBackup(backupDir, AUTH_PROFILES_FILE, text.bytes, Date.now());
      await writeFileDurably(this.file, serializeLikeOpenClaw(parsed.document));
      await pruneBackups(backupDir, AUTH_PROFILES_FILE, options.backupsKeep);
      return { result, written: true, backup: path.relative(this.stateDir, backup) };
    } finally {
      await lock.release();
    }
  }
}
