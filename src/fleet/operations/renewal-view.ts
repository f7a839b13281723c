import type { Fleet } from '../../config/fleet-file.js';
import type { FleetView } from '../../domain/fleet-view.js';
import { applyRenewal } from '../../domain/renewal-coverage.js';
import { planRenewals, type AccountSchedule, type RenewalSettings } from '../../domain/renewal-plan.js';
import type { RenewalStore } from '../../state/renewal-store.js';

/** The renewal settings in force, from the fleet file. */
export function renewalSettings(fleet: Pick<Fleet, 'renew' | 'owners'>): RenewalSettings {
  return { auto: fleet.renew.auto, before: fleet.renew.before, ownerDownForMs: fleet.renew.ownerDownFor, lifetimes: fleet.renew.lifetimes, owners: fleet.owners };
}

/** What renewal remembers, read-only: any replica, and the CLI, may look. */
export type RenewalMemory = Pick<RenewalStore, 'accounts' | 'downSince'>;

/**
 * The fleet view with renewal's schedule laid over it: when each account renews and by
 * whom, and which copies that saves. Without the bot's memory (a CLI with no state) the
 * schedule is worked out from the view alone, with the providers' default lifetimes.
 */
export async function withRenewalSchedule(view: FleetView, fleet: Pick<Fleet, 'renew' | 'owners' | 'sync'>, memory: RenewalMemory | undefined, nowMs: number): Promise<{ view: FleetView; schedules: AccountSchedule[] }> {
  const [accounts, downSince] = memory ? await Promise.all([memory.accounts(), memory.downSince()]) : [new Map(), {}];
  const { schedules } = planRenewals(view, accounts, downSince, renewalSettings(fleet), nowMs);
  return { view: applyRenewal(view, schedules, { syncAuto: fleet.sync.auto, nowMs }), schedules };
}
