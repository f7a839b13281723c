import { z } from 'zod';
import { HEALTH_VALUES } from '../domain/token-health.js';
import { agentInfoSchema } from './api-version.js';
import { restartViaSchema } from './restart-via.js';
export { restartViaSchema, type RestartVia } from './restart-via.js';
import { expiresAtProblem } from '../domain/expiry-horizon.js';
import { agentIdSchema, epochMsSchema, profileIdSchema } from '../domain/profile.js';
import { sealedEnvelopeSchema } from './sealing.js';

/*
 * The agent API's bodies, shared by the agent (which validates what it receives) and the
 * fleet client (which validates what comes back). `GET /v1/status` is the contract's shape
 * (DESIGN.md); the other routes are ours, and extend it.
 */

const isoTime = z.iso.datetime();

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * A profile's expiry in an agent's answer, judged by the same horizon as everywhere
 * (domain/expiry-horizon.ts), against the reader's clock: one the reader cannot believe
 * (an extended year from microseconds, year 9999, text that is no time) makes that profile
 * `invalid`, with no expiry and no fingerprint, never the node's whole answer.
 */
const answeredExpiresAt = z.string().max(64).nullable();

function distrusted(expiresAt: string | null): string | null {
  return expiresAt === null ? null : expiresAtProblem(expiresAt, Date.now());
}

export const profileStatusSchema = z
  .object({
    agentId: z.string(),
    profileId: z.string(),
    provider: z.string().nullable(),
    type: z.string().nullable(),
    expiresAt: answeredExpiresAt,
    hasRefreshToken: z.boolean(),
    fingerprint: z.string().nullable(),
    health: z.enum(HEALTH_VALUES),
    /** Why a profile is `invalid`; absent otherwise. */
    reason: z.string().optional(),
    /** The last refresh on this node failed for good (`invalid_grant`…): it needs a new login. */
    refreshError: z.string().optional(),
  })
  .transform((profile) => {
    const problem = distrusted(profile.expiresAt);
    return problem ? { ...profile, expiresAt: null, fingerprint: null, health: 'invalid' as const, reason: problem } : profile;
  });
export type ProfileStatus = z.infer<typeof profileStatusSchema>;

/** Which era of OpenClaw store: JSON files (≤ 2026.6.1), per-agent SQLite (2026.6.5), the shared state database (2026.9). */
export const storeKindSchema = z.enum(['auth-profiles-json', 'openclaw-agent-sqlite', 'openclaw-state-sqlite']);
export type StoreKind = z.infer<typeof storeKindSchema>;

export const storeFileStatusSchema = z.object({
  agentId: z.string(),
  /** Relative to the state dir. */
  path: z.string(),
  /** `legacy`: state fields at the top level; `split`: beside it in auth-state.json. */
  layout: z.enum(['legacy', 'split']).nullable(),
  readable: z.boolean(),
  reason: z.string().optional(),
});
export type StoreFileStatus = z.infer<typeof storeFileStatusSchema>;

export const gatewayStatusSchema = z.object({
  url: z.string(),
  reachable: z.boolean(),
  ready: z.boolean(),
  /** HTTP status of `/readyz`, or the network error's code. */
  detail: z.string().optional(),
  /** The gateway's own uptime, when its `/readyz` reports one (OpenClaw does to local callers). */
  uptimeMs: z.number().nonnegative().optional(),
});
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

export const capacitySchema = z.object({
  maxConcurrent: z.number().int().positive(),
  agentCount: z.number().int().nonnegative(),
  /** Where the numbers came from: the config file, or OpenClaw's defaults when it is absent. */
  source: z.enum(['openclaw.json', 'defaults']).optional(),
  reason: z.string().optional(),
});
export type Capacity = z.infer<typeof capacitySchema>;

export const statusResponseSchema = z.object({
  node: z.string(),
  checkedAt: isoTime,
  store: z.object({
    kind: storeKindSchema,
    readable: z.boolean(),
    stores: z.array(storeFileStatusSchema).optional(),
  }),
  profiles: z.array(profileStatusSchema),
  gateway: gatewayStatusSchema,
  capacity: capacitySchema,
  /** Which tokenops and which API the agent runs; absent from agents of API 1 (api-version.ts). */
  agent: agentInfoSchema.optional(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

// --- export / import --------------------------------------------------------------------

export const exportRequestSchema = z.strictObject({
  /** Profiles to export; all syncable ones when absent. */
  profiles: z.array(profileIdSchema).max(500).optional(),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

/** One exported credential: only the fields a sync copies. Travels sealed, never in the clear. */
export const exportedCredentialSchema = z.strictObject({
  profileId: profileIdSchema,
  type: z.enum(['oauth', 'token']),
  provider: z.string().min(1),
  /** Which agent store on the source it came from (the freshest copy). */
  sourceAgentId: agentIdSchema,
  fields: z
    .partialRecord(z.enum(['access', 'refresh', 'expires', 'accountId', 'projectId', 'email', 'token']), z.union([z.string().max(16_384), epochMsSchema]))
    .refine((fields) => fields.expires === undefined || typeof fields.expires === 'number', { message: 'expires must be epoch milliseconds', path: ['expires'] })
    .refine((fields) => Object.entries(fields).every(([name, value]) => name === 'expires' || typeof value === 'string'), { message: 'credential fields other than expires must be strings' }),
}).superRefine((credential, ctx) => {
  // Never half a credential: the fields that make it usable must travel together.
  const required = credential.type === 'oauth' ? ['access', 'expires'] : ['token'];
  for (const field of required) {
    if (!(field in credential.fields)) ctx.addIssue({ code: 'custom', message: `a ${credential.type} credential needs ${field}`, path: ['fields', field] });
  }
});
export type ExportedCredential = z.infer<typeof exportedCredentialSchema>;

export const credentialBundleSchema = z.strictObject({
  node: z.string(),
  exportedAt: isoTime,
  credentials: z.array(exportedCredentialSchema).max(500),
});
export type CredentialBundle = z.infer<typeof credentialBundleSchema>;

/** What an export says in the clear: which profiles, how fresh; the tokens are in `sealed`. */
export const exportSummarySchema = z.object({
  profileId: z.string(),
  type: z.string(),
  provider: z.string(),
  sourceAgentId: z.string(),
  expiresAt: isoTime.nullable(),
  fingerprint: z.string(),
  health: z.enum(HEALTH_VALUES),
});

export const exportResponseSchema = z.object({
  node: z.string(),
  exportedAt: isoTime,
  profiles: z.array(exportSummarySchema),
  /** Requested profiles this node does not hold (or holds in a type that does not sync). */
  notExported: z.array(z.object({ profileId: z.string(), reason: z.string() })),
  sealed: sealedEnvelopeSchema,
});
export type ExportResponse = z.infer<typeof exportResponseSchema>;

export const importRequestSchema = z.strictObject({
  dryRun: z.boolean().default(false),
  /** Replace even with a credential that expires earlier. */
  force: z.boolean().default(false),
  /** A sealed `credentialBundleSchema`, sealed for this node with purpose `import:<node>`. */
  sealed: sealedEnvelopeSchema,
});
export type ImportRequest = z.infer<typeof importRequestSchema>;

export const PLAN_ACTIONS = ['update', 'skip'] as const;
/** `implausible_expiry`: the incoming credential's expiry is outside the horizon (domain/expiry-horizon.ts); it is never written, even forced. */
export const SKIP_REASONS = ['unchanged', 'target_newer', 'not_newer', 'incoming_expired', 'type_mismatch', 'implausible_expiry'] as const;

export const profilePlanSchema = z.object({
  profileId: z.string(),
  action: z.enum(PLAN_ACTIONS),
  reason: z.enum([...SKIP_REASONS, 'newer', 'forced', 'repairs_invalid']),
  changedFields: z.array(z.string()),
  fromExpiresAt: isoTime.nullable(),
  toExpiresAt: isoTime.nullable(),
  fromFingerprint: z.string().nullable(),
  toFingerprint: z.string(),
  /** For `implausible_expiry`: why, in words (`expires 51234-01-01: not a plausible expiry …`). */
  detail: z.string().optional(),
});
export type ProfilePlan = z.infer<typeof profilePlanSchema>;

export const storeImportResultSchema = z.object({
  agentId: z.string(),
  path: z.string(),
  outcome: z.enum(['written', 'unchanged', 'planned', 'refused']),
  /** Relative to the state dir; present when a write happened. */
  backup: z.string().optional(),
  reason: z.string().optional(),
  profiles: z.array(profilePlanSchema),
});
export type StoreImportResult = z.infer<typeof storeImportResultSchema>;

export const importResponseSchema = z.object({
  node: z.string(),
  dryRun: z.boolean(),
  force: z.boolean(),
  stores: z.array(storeImportResultSchema),
  /** Incoming profiles that no agent store on this node holds: sync never adds profiles. */
  notHeld: z.array(z.string()),
});
export type ImportResponse = z.infer<typeof importResponseSchema>;

// --- preflight / restart / capacity -------------------------------------------------------

export const preflightRequestSchema = z.strictObject({
  /** How long every OAuth profile must stay valid after the restart (default 30 min). */
  marginMs: z.number().int().min(0).max(7 * 86_400_000).optional(),
});

export const profileVerdictSchema = z
  .object({
    agentId: z.string(),
    profileId: z.string(),
    expiresAt: answeredExpiresAt,
    health: z.enum(HEALTH_VALUES),
    /** True when the profile stays valid for at least the margin after a restart now. */
    staysValid: z.boolean(),
    fingerprint: z.string().nullable(),
  })
  .transform((verdict) => (distrusted(verdict.expiresAt) ? { ...verdict, expiresAt: null, fingerprint: null, health: 'invalid' as const, staysValid: false } : verdict));
export type ProfileVerdict = z.infer<typeof profileVerdictSchema>;

export const blastRadiusSchema = z.object({
  agentCount: z.number().int(),
  maxConcurrent: z.number().int(),
  expectedBurst: z.object({ low: z.number().int(), high: z.number().int() }),
  exceedsCapacity: z.boolean(),
  suggestedMaxConcurrent: z.number().int().nullable(),
});
export type BlastRadius = z.infer<typeof blastRadiusSchema>;

export const preflightResponseSchema = z.object({
  node: z.string(),
  checkedAt: isoTime,
  marginMs: z.number().int(),
  /** The node's own verdict: every OAuth profile stays valid and every store is readable. */
  go: z.boolean(),
  reasons: z.array(z.string()),
  profiles: z.array(profileVerdictSchema),
  blastRadius: blastRadiusSchema,
  gateway: gatewayStatusSchema,
});
export type PreflightResponse = z.infer<typeof preflightResponseSchema>;

export const restartRequestSchema = z.strictObject({
  /** Cap on the wait for `/readyz`; the agent's `TOKENOPS_READY_DEADLINE` when absent. */
  readyDeadlineMs: z.number().int().min(100).max(30 * 60_000).optional(),
});

export const restartResponseSchema = z.object({
  node: z.string(),
  outcome: z.enum(['ready', 'command_failed', 'not_ready']),
  startedAt: isoTime,
  /** How it was restarted; absent from agents older than the field. */
  via: restartViaSchema.optional(),
  /** The restart command; through the gateway, its request (argv0 `gateway.restart.request`, exit 0, no output). */
  command: z.object({
    argv0: z.string(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    timedOut: z.boolean(),
    durationMs: z.number().int(),
    /** The last lines of its output, with any credential value on this node blanked out. */
    outputTail: z.array(z.string()),
  }),
  /** From the command's end until `/readyz` answered 200; null when it never did. */
  readyAfterMs: z.number().int().nullable(),
  totalMs: z.number().int(),
  gateway: gatewayStatusSchema,
  profiles: z.array(profileStatusSchema),
});
export type RestartResponse = z.infer<typeof restartResponseSchema>;

export const capacityRequestSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1).max(1000),
});

/** What made a capacity change: the running gateway (its admin RPC) or OpenClaw's CLI. */
export const capacityViaSchema = z.enum(['gateway', 'cli']);
export type CapacityVia = z.infer<typeof capacityViaSchema>;
const capacityChangeSchema = z.object({ from: z.number().int(), to: z.number().int(), via: capacityViaSchema.optional() });
export type CapacityChange = z.infer<typeof capacityChangeSchema>;

export const capacityResponseSchema = z.object({
  node: z.string(),
  capacity: capacitySchema,
  blastRadius: blastRadiusSchema,
  /** Present after a change: from what to what, and whether the running gateway or OpenClaw's CLI made it. */
  changed: capacityChangeSchema.optional(),
});
export type CapacityResponse = z.infer<typeof capacityResponseSchema>;

// --- events -------------------------------------------------------------------------------

export const agentEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('profile.refreshed'),
    at: isoTime,
    agentId: z.string(),
    profileId: z.string(),
    previousExpiresAt: isoTime.nullable(),
    expiresAt: isoTime.nullable(),
    previousFingerprint: z.string().nullable(),
    fingerprint: z.string().nullable(),
  }),
  z.object({ type: z.literal('store.unreadable'), at: isoTime, agentId: z.string(), path: z.string(), reason: z.string() }),
  z.object({ type: z.literal('store.readable'), at: isoTime, agentId: z.string(), path: z.string() }),
  z.object({ type: z.literal('gateway.ready'), at: isoTime }),
  z.object({ type: z.literal('gateway.not_ready'), at: isoTime, detail: z.string().optional() }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** What each SSE `data:` line carries: the event and its signature (see signing.ts). */
export const signedEventSchema = z.object({ event: agentEventSchema, sig: z.string() });

// --- refresh ------------------------------------------------------------------------------

export const refreshRequestSchema = z.strictObject({
  /** Profiles to refresh; every OAuth profile on the node that has a refresh token when absent. */
  profiles: z.array(profileIdSchema).min(1).max(100).optional(),
  /**
   * Renewal's conditions, judged on the store's own copy under its lock: refresh only while it
   * still holds this token (a node with an older copy must not spend its refresh token, which
   * the owner may have spent already) and only while it expires before this time (a gateway
   * that refreshed a moment ago is not repeated).
   */
  onlyIf: z
    .strictObject({
      fingerprint: z.string().regex(/^[0-9a-f]{12}$/, 'expected a 12-hex-digit token fingerprint').optional(),
      expiresBefore: isoTime.optional(),
    })
    .optional(),
});
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

/**
 * `stale_copy`: the node holds an older token than the one renewal asked about (`onlyIf`), so
 * it did not refresh: its refresh token may be spent.
 */
export const REFRESH_OUTCOMES = ['refreshed', 'already_refreshed', 'terminal', 'failed', 'not_held', 'no_refresh_token', 'no_provider', 'stale_copy'] as const;

export const refreshResultSchema = z.object({
  profileId: z.string(),
  outcome: z.enum(REFRESH_OUTCOMES),
  /** The provider's error code (`invalid_grant`, `refresh_token_reused`, `timeout`, …), never its text. */
  error: z.string().optional(),
  previousExpiresAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  fingerprint: z.string().nullable(),
  /** Whether the provider returned a new refresh token (single-use rotation). */
  rotated: z.boolean(),
  /** Agent stores on this node now holding the new credential. */
  stores: z.array(z.string()),
  attempts: z.number().int(),
  /** How long the new access token lives, from the provider's `expires_in` (less OpenClaw's early-expiry margin). */
  lifetimeMs: z.number().int().positive().nullable().optional(),
});
export type RefreshResult = z.infer<typeof refreshResultSchema>;

export const refreshResponseSchema = z.object({ node: z.string(), results: z.array(refreshResultSchema) });
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;
