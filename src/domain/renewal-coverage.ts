import type { FleetView, ProfileCell } from './fleet-view.js';
import { withProfiles } from './fleet-view.js';
import { renewalCovers, type AccountSchedule } from './renewal-plan.js';

/*
 * Renewal's plan laid over the fleet view: each copy of a renewed account learns when it
 * renews and by whom, and whether renewal will replace it before it expires. A copy renewal
 * covers is not "expiring", however close its expiry (an 8 h token is always within a day of
 * it): health, the status embed and the alert rules then speak only of copies a person must
 * save. Pure: the view and the schedules in, the view out.
 */

function earliestCopy(cell: ProfileCell): { expiresAtMs: number; fingerprint: string | null } | null {
  let earliest: { expiresAtMs: number; fingerprint: string | null } | null = null;
  for (const copy of cell.copies) {
    if (!copy.expiresAt) continue;
    const expiresAtMs = Date.parse(copy.expiresAt);
    if (!earliest || expiresAtMs < earliest.expiresAtMs) earliest = { expiresAtMs, fingerprint: copy.fingerprint };
  }
  return earliest;
}

export function applyRenewal(view: FleetView, schedules: readonly AccountSchedule[], options: { syncAuto: boolean; nowMs: number }): FleetView {
  const byAccount = new Map(schedules.map((schedule) => [schedule.profileId, schedule]));
  return withProfiles(view, (node) =>
    node.profiles.map((cell) => {
      const schedule = byAccount.get(cell.profileId);
      const copy = earliestCopy(cell);
      if (!schedule || !copy || cell.type !== 'oauth') return cell;
      const current = schedule.current !== null && copy.fingerprint === schedule.current.fingerprint;
      const covers = renewalCovers(schedule, copy, { syncReaches: options.syncAuto, nowMs: options.nowMs });
      return {
        ...cell,
        health: covers && cell.health === 'expiring' ? 'ok' : cell.health,
        renewal: {
          atMs: schedule.dueAtMs,
          node: schedule.renewer,
          standIn: schedule.standIn,
          state: schedule.state,
          covers,
          current,
          currentExpiresAtMs: schedule.current?.expiresAtMs ?? null,
          renewers: schedule.owners,
          superseded: schedule.superseded,
          lastError: schedule.lastError,
          ...(schedule.reason ? { reason: schedule.reason } : {}),
        },
      };
    }),
  );
}
