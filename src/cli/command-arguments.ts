import { durationSchema } from '../config/duration.js';
import { profileIdSchema } from '../domain/profile.js';
import type { FleetClient } from '../fleet/fleet-client.js';
import { UsageError } from './cli-errors.js';

/*
 * Arguments several subcommands share, checked before anything is asked of a node: a bad
 * one is a usage error (exit 2), never a refusal in the audit log.
 */

/** A node of the fleet, or `all` where the command allows it (UnknownNodeError otherwise). */
export function nodeOrAll(fleet: FleetClient, name: string, allowAll: boolean): string[] {
  if (allowAll && name === 'all') return fleet.nodeNames;
  return [fleet.node(name).name];
}

export function profileIds(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  for (const value of values) {
    const parsed = profileIdSchema.safeParse(value);
    if (!parsed.success) throw new UsageError(`--profile: ${parsed.error.issues[0]?.message ?? 'not a profile id'}`);
  }
  return [...new Set(values)];
}

/** `--margin 45m`: how long every OAuth profile must stay valid after the restart. */
export function margin(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = durationSchema.safeParse(text);
  if (!parsed.success || parsed.data > 7 * 86_400_000) throw new UsageError('--margin expects a duration such as 30m, 2h or 1d (at most 7d)');
  return parsed.data;
}
