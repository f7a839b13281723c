import type { Severity } from '../../domain/fleet-view.js';

/** Words, not colours or emoji: a terminal, a log file and `grep` all read them. */
export const SEVERITY_LABEL: Record<Severity, string> = {
  ok: 'ok',
  missing: 'MISSING',
  expiring: 'EXPIRING',
  expired: 'EXPIRED',
  invalid: 'INVALID',
  unreachable: 'UNREACHABLE',
};

/** The widest label, so columns line up. */
export const LABEL_WIDTH = Math.max(...Object.values(SEVERITY_LABEL).map((label) => label.length));
