import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

const LINK_REFUSED = 'tokenops does not follow links in a state dir';

/**
 * Why a write to `file` (with its temp file, its backups beside it in `backupDirName`) could
 * land outside the state dir, or why it is no store file at all (not a regular file), or null. A directory on the way that is a symbolic link would
 * carry all of it elsewhere; so would a backups dir that is a link. The state dir itself may
 * be reached through a link: only links inside it count. Throws what lstat/realpath throw
 * (ENOENT for a file that is not there), for the caller to word.
 */
export async function linkedPathProblem(file: string, stateDir: string, backupDirName: string): Promise<string | null> {
  const info = await lstat(file);
  if (info.isSymbolicLink()) return `is a symbolic link; ${LINK_REFUSED}`;
  if (!info.isFile()) return 'is not a regular file';
  const dir = path.dirname(file);
  const [realDir, realState] = await Promise.all([realpath(dir), realpath(stateDir)]);
  if (realDir !== path.join(realState, path.relative(stateDir, dir))) return `its directory is reached through a symbolic link; ${LINK_REFUSED}`;
  const backups = await lstat(path.join(dir, backupDirName)).catch(() => null);
  if (backups && !backups.isDirectory()) return `${backupDirName} is not a plain directory (a symbolic link?)`;
  return null;
}
