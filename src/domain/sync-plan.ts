import type { ExportedCredential, ProfilePlan } from '../protocol/agent-api.js';
import { fingerprint } from './fingerprint.js';
import { expiryProblem } from './expiry-horizon.js';
import { CREDENTIAL_FIELDS, type Profile, type SyncableType } from './profile.js';
import { profileExpiry, profileFingerprint, readProfile } from './profile-status.js';

export interface PlanOptions {
  force: boolean;
  nowMs: number;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/*
 * Credential fields travel as a set: one the source lacks is removed from the target, since
 * a refresh token, account id or project id left from the replaced token would not belong
 * to the new one. `email` only names the account, so a source without it leaves it be. A
 * function, not a module constant, so that the mutation run can reach the rule.
 */
function keptWhenAbsent(field: string): boolean {
  return field === 'email';
}

function nextValue(current: Record<string, unknown>, incoming: ExportedCredential, field: string): unknown {
  if (field in incoming.fields) return incoming.fields[field as keyof ExportedCredential['fields']];
  return keptWhenAbsent(field) ? current[field] : undefined;
}

/** A stored profile's credential, as it travels: only the fields a sync copies. */
export function credentialOf(profileId: string, profile: Profile & { type: SyncableType }, sourceAgentId: string): ExportedCredential {
  const fields: ExportedCredential['fields'] = {};
  for (const field of CREDENTIAL_FIELDS[profile.type]) {
    const value = (profile as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') fields[field] = value;
  }
  return { profileId, type: profile.type, provider: profile.provider, sourceAgentId, fields };
}

export function credentialExpiry(credential: ExportedCredential): number | null {
  const expires = credential.fields.expires;
  return typeof expires === 'number' ? expires : null;
}

export function credentialFingerprint(credential: ExportedCredential): string {
  const secret = credential.type === 'oauth' ? credential.fields.access : credential.fields.token;
  return fingerprint(credential.type, String(secret ?? ''));
}

/**
 * Decides what importing one credential into one stored profile would do, without doing it.
 * Newer wins: a credential only replaces one that expires earlier, unless forced. A stored
 * profile that is malformed, or whose expiry is outside the horizon, is repaired by any
 * valid incoming credential of its type; an incoming credential whose expiry is outside the
 * horizon is never written, even forced (it would win newer-wins everywhere for a year).
 */
export function planProfileUpdate(current: unknown, incoming: ExportedCredential, options: PlanOptions): ProfilePlan {
  const incomingExpiry = credentialExpiry(incoming);
  const implausible = incomingExpiry === null ? null : expiryProblem(incomingExpiry, options.nowMs);
  const read = readProfile(current, options.nowMs);
  const currentRecord = (current && typeof current === 'object' ? current : {}) as Record<string, unknown>;
  const currentExpiry = read.ok ? profileExpiry(read.profile) : null;
  const changedFields = CREDENTIAL_FIELDS[incoming.type].filter((field) => currentRecord[field] !== nextValue(currentRecord, incoming, field));
  const base = {
    profileId: incoming.profileId,
    changedFields: [...changedFields],
    fromExpiresAt: iso(currentExpiry),
    toExpiresAt: implausible ? null : iso(incomingExpiry),
    fromFingerprint: read.ok ? profileFingerprint(read.profile) : null,
    toFingerprint: credentialFingerprint(incoming),
  };
  const skip = (reason: ProfilePlan['reason']): ProfilePlan => ({ ...base, action: 'skip', reason, changedFields: [] });
  const update = (reason: ProfilePlan['reason']): ProfilePlan => ({ ...base, action: 'update', reason });

  if (implausible) return { ...skip('implausible_expiry'), detail: implausible };
  if (currentRecord.type !== incoming.type) return skip('type_mismatch');
  if (changedFields.length === 0) return skip('unchanged');
  if (options.force) return update(read.ok ? 'forced' : 'repairs_invalid');
  if (incomingExpiry !== null && incomingExpiry <= options.nowMs) return skip('incoming_expired');
  if (!read.ok) return update('repairs_invalid');
  if (currentExpiry === null || incomingExpiry === null) return skip('not_newer');
  if (incomingExpiry > currentExpiry) return update('newer');
  return skip(incomingExpiry < currentExpiry ? 'target_newer' : 'not_newer');
}

/**
 * The stored profile with the credential's fields written over it (as a set, see above),
 * every other field kept in place and order.
 */
export function applyCredential(current: Record<string, unknown>, incoming: ExportedCredential): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const field of CREDENTIAL_FIELDS[incoming.type]) {
    const value = nextValue(current, incoming, field);
    if (value === undefined) delete next[field];
    else next[field] = value;
  }
  return next;
}

/**
 * The plan for one store: every incoming credential whose profile id the store holds
 * (sync never adds a profile), and the profiles as they would be after it.
 */
export function planStoreImport(
  profiles: Readonly<Record<string, unknown>>,
  credentials: readonly ExportedCredential[],
  options: PlanOptions,
): { plans: ProfilePlan[]; updated: Record<string, Record<string, unknown>> } {
  const plans: ProfilePlan[] = [];
  const updated: Record<string, Record<string, unknown>> = {};
  for (const credential of credentials) {
    const current = profiles[credential.profileId];
    if (current === undefined) continue;
    const plan = planProfileUpdate(current, credential, options);
    plans.push(plan);
    if (plan.action === 'update') updated[credential.profileId] = applyCredential((current ?? {}) as Record<string, unknown>, credential);
  }
  return { plans, updated };
}

/** A target's plans, one per profile and outcome, with the agents whose stores agree on it. */
export function foldPlans(plans: ReadonlyArray<{ agentId: string; plan: ProfilePlan }>): Array<{ plan: ProfilePlan; agents: string[] }> {
  const groups = new Map<string, { plan: ProfilePlan; agents: string[] }>();
  for (const { agentId, plan } of plans) {
    const key = `${plan.profileId}\0${plan.action}\0${plan.reason}`;
    const group = groups.get(key) ?? { plan, agents: [] };
    group.agents.push(agentId);
    groups.set(key, group);
  }
  return [...groups.values()];
}
