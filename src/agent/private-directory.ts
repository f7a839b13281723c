import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync } from 'node:fs';

/*
 * A directory only this user may change: the state-lock directory in /tmp, the agent's own
 * folder in the state dir. Made 0700 when missing; judged through a descriptor of the
 * directory itself, so a link in its place is never followed; another user's directory is
 * refused; ours with a looser mode is made 0700. What is wrong comes back as a typed value
 * and each caller words it for its own place.
 */

export type PrivateDirectoryProblem =
  | { kind: 'link' }
  | { kind: 'not_directory' }
  | { kind: 'not_ours'; ownerUid: number; uid: number }
  | { kind: 'mode_stuck'; mode: string; code: string };

export class PrivateDirectoryError extends Error {
  constructor(
    readonly dir: string,
    readonly problem: PrivateDirectoryProblem,
  ) {
    super(`${dir} ${describePrivateDirectoryProblem(problem)}`);
    this.name = 'PrivateDirectoryError';
  }
}

function describePrivateDirectoryProblem(problem: PrivateDirectoryProblem): string {
  switch (problem.kind) {
    case 'link':
      return 'is a symbolic link';
    case 'not_directory':
      return 'is not a directory';
    case 'not_ours':
      return `belongs to uid ${problem.ownerUid}, not to this agent's user (uid ${problem.uid})`;
    case 'mode_stuck':
      return `has mode ${problem.mode} and cannot be made 0700 (${problem.code})`;
  }
}

/** This process's user id; undefined where there is none (Windows). */
export const ownUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Makes or checks `dir`; throws PrivateDirectoryError when it cannot be made private to this user. */
export function ensurePrivateDirectory(dir: string): { created: boolean } {
  let created = false;
  try {
    mkdirSync(dir, { mode: 0o700 });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Linux answers ENOTDIR for a link opened this way, other systems ELOOP.
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
    throw new PrivateDirectoryError(dir, lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink() ? { kind: 'link' } : { kind: 'not_directory' });
  }
  try {
    const info = fstatSync(fd);
    const uid = ownUid();
    if (uid !== undefined && info.uid !== uid) throw new PrivateDirectoryError(dir, { kind: 'not_ours', ownerUid: info.uid, uid });
    // mkdir's mode is cut by the umask; a directory made here is set exactly too.
    if ((info.mode & 0o777) === 0o700) return { created };
    try {
      fchmodSync(fd, 0o700);
    } catch (error) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new PrivateDirectoryError(dir, { kind: 'mode_stuck', mode, code: (error as NodeJS.ErrnoException).code ?? 'error' });
    }
    return { created };
  } finally {
    closeSync(fd);
  }
}
