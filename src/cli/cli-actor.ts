import os from 'node:os';
import type { AuditActor } from '../state/audit-log.js';

/**
 * Who is at the terminal, for the audit log and lock messages: the OS user, named
 * `cli:<user>` so that it is never mistaken for a Discord member of the same name.
 */
export function cliActor(env: NodeJS.ProcessEnv): AuditActor {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // A container user without a passwd entry.
    user = env.USER || env.LOGNAME || `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return { via: 'cli', id: `${user}@${os.hostname()}`, name: `cli:${user}` };
}
