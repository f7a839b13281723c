import { z } from 'zod';
import { checkLineSchema } from '../../doctor/check-line.js';
import { auditRecordSchema } from '../../state/audit-log.js';
import { HEALTH_VALUES } from '../../domain/token-health.js';
import { REFRESH_OUTCOMES, SKIP_REASONS, blastRadiusSchema, capacityViaSchema, restartViaSchema } from '../../protocol/agent-api.js';

/*
 * The `--json` contract: one document on stdout per run, always an object with `ok` and
 * `command`. `ok` is false exactly when the exit code is not 0. Fields are only ever added;
 * times are ISO 8601 (UTC), durations milliseconds. Text that came from an agent is
 * scrubbed of anything token-shaped, and no token, refresh token or key ever appears.
 */

const iso = z.string();
const severity = z.enum([...HEALTH_VALUES, 'missing', 'unreachable']);

/** Why a node did not answer: `unreachable`, `timeout`, `unauthorized`, `bad_response`, `http_error` (+ `code`, e.g. `busy`). */
export const nodeErrorJson = z.object({ kind: z.string(), message: z.string(), code: z.string().optional() });

export const failureJson = z.object({
  ok: z.literal(false),
  /** The subcommand, or null when there was none to run. */
  command: z.string().nullable(),
  error: z.object({
    kind: z.enum(['usage', 'config', 'refused', 'unreachable', 'timeout', 'unauthorized', 'clock_skew', 'bad_response', 'http_error', 'incompatible_api', 'internal']),
    message: z.string(),
    /** For a refusal: `not_owner`, `nothing_to_sync`; for an agent's error answer: its code. */
    code: z.string().optional(),
  }),
});
export type FailureJson = z.infer<typeof failureJson>;

// --- status -------------------------------------------------------------------------------

export const profileCellJson = z.object({
  profileId: z.string(),
  type: z.string().nullable(),
  health: z.enum([...HEALTH_VALUES, 'missing']),
  expiresAt: iso.nullable(),
  agents: z.array(z.string()),
  fingerprint: z.string().nullable(),
  /** Same letter on two nodes = same token; null when only one node holds the profile. */
  tokenTag: z.string().nullable(),
  owner: z.string().nullable(),
  isOwner: z.boolean(),
  divergesFromOwner: z.boolean(),
  agentsDisagree: z.boolean(),
  reason: z.string().optional(),
  refreshError: z.string().optional(),
  /** Renewal's plan for the account as it bears on this copy; absent for what nothing renews (keys, tokens, no owner). */
  renewal: z
    .object({
      state: z.enum(['scheduled', 'retrying', 'failed', 'waiting', 'off']),
      /** When it renews next; null when nothing will. */
      at: iso.nullable(),
      /** Who renews it: the owner, or a stand-in while the owner is down. */
      node: z.string().nullable(),
      standIn: z.boolean(),
      /** Renewal replaces this copy before it expires: nobody needs to act. */
      covers: z.boolean(),
      reason: z.string().optional(),
      lastError: z.string().optional(),
    })
    .optional(),
});

export const nodeStatusJson = z.object({
  name: z.string(),
  reachable: z.boolean(),
  error: nodeErrorJson.nullable(),
  gateway: z.object({ reachable: z.boolean(), ready: z.boolean() }).nullable(),
  capacity: z.object({ agentCount: z.number(), maxConcurrent: z.number() }).nullable(),
  unreadableStores: z.array(z.object({ agentId: z.string(), reason: z.string() })),
  worst: severity,
  profiles: z.array(profileCellJson),
});

export const statusJson = z.object({
  ok: z.boolean(),
  command: z.literal('status'),
  checkedAt: iso,
  worst: severity,
  counts: z.record(severity, z.number()),
  /** What made `ok` false, one line each. */
  failures: z.array(z.string()),
  nodes: z.array(nodeStatusJson),
});
export type StatusJson = z.infer<typeof statusJson>;

// --- sync ---------------------------------------------------------------------------------

export const syncTargetJson = z.discriminatedUnion('ok', [
  z.object({
    node: z.string(),
    ok: z.literal(true),
    /** Profiles written (or, dry, that would be). */
    updated: z.array(z.string()),
    stores: z.array(
      z.object({
        agentId: z.string(),
        path: z.string(),
        outcome: z.enum(['written', 'unchanged', 'planned', 'refused']),
        backup: z.string().optional(),
        reason: z.string().optional(),
        profiles: z.array(
          z.object({
            profileId: z.string(),
            action: z.enum(['update', 'skip']),
            reason: z.enum([...SKIP_REASONS, 'newer', 'forced', 'repairs_invalid']),
            changedFields: z.array(z.string()),
            fromExpiresAt: iso.nullable(),
            toExpiresAt: iso.nullable(),
          }),
        ),
      }),
    ),
    notHeld: z.array(z.string()),
  }),
  z.object({ node: z.string(), ok: z.literal(false), error: nodeErrorJson }),
]);

export const syncReportJson = z.object({
  from: z.string(),
  dryRun: z.boolean(),
  outcome: z.enum(['ok', 'planned', 'partial', 'failed']),
  exported: z.array(z.object({ profileId: z.string(), type: z.string(), expiresAt: iso.nullable(), fingerprint: z.string() })),
  skippedAtSource: z.array(z.object({ profileId: z.string(), reason: z.string() })),
  targets: z.array(syncTargetJson),
});
export type SyncReportJson = z.infer<typeof syncReportJson>;

export const syncJson = syncReportJson.extend({ ok: z.boolean(), command: z.literal('sync'), to: z.string() });
export type SyncJson = z.infer<typeof syncJson>;

// --- refresh ------------------------------------------------------------------------------

export const refreshJson = z.object({
  ok: z.boolean(),
  command: z.literal('refresh'),
  node: z.string(),
  results: z.array(
    z.object({
      profileId: z.string(),
      outcome: z.enum(REFRESH_OUTCOMES),
      /** The provider's error code (`invalid_grant`, …); `terminal` means a new login is needed. */
      error: z.string().optional(),
      previousExpiresAt: iso.nullable(),
      expiresAt: iso.nullable(),
      rotated: z.boolean(),
      stores: z.array(z.string()),
      attempts: z.number(),
    }),
  ),
  /** The new credentials sent on to the followers; null when nothing was refreshed or there is no other node. */
  followerSync: syncReportJson.nullable(),
});
export type RefreshJson = z.infer<typeof refreshJson>;

// --- preflight and restart ----------------------------------------------------------------

export const restartPlanJson = z.object({
  node: z.string(),
  verdict: z.enum(['go', 'go_after_fixes', 'no_go', 'forced']),
  marginMs: z.number(),
  checks: z.array(
    z.object({
      profileId: z.string(),
      agents: z.array(z.string()),
      expiresAt: iso.nullable(),
      staysValid: z.boolean(),
      fix: z.discriminatedUnion('kind', [z.object({ kind: z.literal('sync'), from: z.string() }), z.object({ kind: z.literal('refresh'), owner: z.string(), thenSyncFrom: z.string().nullable() })]).nullable(),
      blocker: z.string().optional(),
    }),
  ),
  blastRadius: blastRadiusSchema,
  capacityChange: z.object({ from: z.number(), to: z.number() }).nullable(),
  steps: z.array(z.string()),
  risks: z.array(z.string()),
  unreadableStores: z.array(z.string()),
});
export type RestartPlanJson = z.infer<typeof restartPlanJson>;

export const preflightJson = z.object({
  ok: z.boolean(),
  command: z.literal('preflight'),
  target: z.string(),
  plans: z.array(restartPlanJson),
  /** Nodes whose agent did not answer: no plan. */
  unanswered: z.array(z.object({ node: z.string(), reason: z.string() })),
});
export type PreflightJson = z.infer<typeof preflightJson>;

export const restartResultJson = z.object({
  node: z.string(),
  outcome: z.enum(['ready', 'not_ready', 'command_failed', 'fix_failed']),
  message: z.string(),
  fixMs: z.number(),
  restart: z
    .object({
      outcome: z.enum(['ready', 'command_failed', 'not_ready']),
      /** How it restarted: the gateway's own restart or TOKENOPS_RESTART_CMD; absent from older agents. */
      via: restartViaSchema.optional(),
      readyAfterMs: z.number().nullable(),
      totalMs: z.number(),
      command: z.object({ exitCode: z.number().nullable(), signal: z.string().nullable(), timedOut: z.boolean(), durationMs: z.number(), outputTail: z.array(z.string()) }),
      profiles: z.array(z.object({ agentId: z.string(), profileId: z.string(), type: z.string().nullable(), health: z.enum(HEALTH_VALUES), expiresAt: iso.nullable() })),
    })
    .nullable(),
});

export const restartJson = z.object({
  ok: z.boolean(),
  command: z.literal('restart'),
  target: z.string(),
  force: z.boolean(),
  /**
   * `done`: every node came back ready; `failed`: one did not (the rest untouched);
   * `no_go`, `cancelled` (wrong name typed, or end of input), `expired`: nothing was done.
   */
  outcome: z.enum(['done', 'failed', 'no_go', 'cancelled', 'expired']),
  /** How it was confirmed: the node's name typed back, or `--yes --force-noninteractive`. */
  confirmedBy: z.enum(['typed_name', 'flags']).nullable(),
  plans: z.array(restartPlanJson),
  results: z.array(restartResultJson),
  untouched: z.array(z.string()),
});
export type RestartJson = z.infer<typeof restartJson>;

// --- capacity, audit, keygen --------------------------------------------------------------

export const capacityJson = z.object({
  ok: z.boolean(),
  command: z.literal('capacity'),
  node: z.string(),
  capacity: z.object({ maxConcurrent: z.number(), agentCount: z.number(), source: z.enum(['openclaw.json', 'defaults']).nullable() }),
  blastRadius: blastRadiusSchema,
  /** After `--set`: the change made, and whether the running gateway (its admin RPC) or `openclaw config set` made it. */
  changed: z.object({ from: z.number(), to: z.number(), via: capacityViaSchema.optional() }).nullable(),
});
export type CapacityJson = z.infer<typeof capacityJson>;

export const auditJson = z.object({
  ok: z.literal(true),
  command: z.literal('audit'),
  location: z.string(),
  /** Newest first. */
  records: z.array(auditRecordSchema),
});
export type AuditJson = z.infer<typeof auditJson>;

export const keygenJson = z.object({ ok: z.literal(true), command: z.literal('keygen'), key: z.string() });
export type KeygenJson = z.infer<typeof keygenJson>;

// --- doctor -------------------------------------------------------------------------------

export const doctorJson = z.object({ ok: z.boolean(), command: z.literal('doctor'), checks: z.array(checkLineSchema) });
export type DoctorJson = z.infer<typeof doctorJson>;
