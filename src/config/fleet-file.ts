import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSON5 from 'json5';
import { z } from 'zod';
import { decodeNodeKey, MIN_KEY_BYTES } from '../protocol/node-key.js';
import { nodeNameSchema, type ConfigResult } from './agent-env.js';
import { durationSchema } from './duration.js';
import { scheduleSchema } from './schedule.js';
import { renewBeforeSchema } from './renew-before.js';
import { formatIssues } from './format-issues.js';

/** `anthropic:*`, `openai-codex:*`, or an exact profile id; `*` matches any run of characters. */
const ownerPatternSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]*:[^\s/\\]+$/i, 'expected a profile pattern like "anthropic:*" or "anthropic:default"');

export const fleetFileSchema = z
  .strictObject({
    nodes: z
      .array(
        z.strictObject({
          name: nodeNameSchema,
          url: z.url({ protocol: /^https?$/, message: 'Invalid URL (expected http://host:port)' }),
          keyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. TOKENOPS_KEY_T440'),
          /** The accounts this node may hold (patterns); a sync sends it nothing else. Absent: what it holds today. */
          accounts: z.array(ownerPatternSchema).min(1, 'list at least one pattern, or leave accounts out').optional(),
        }),
      )
      .min(1, 'list at least one node'),
    /** Per pattern, the owner and its stand-ins in order; one name is a list of one. */
    owners: z
      .record(ownerPatternSchema, z.union([nodeNameSchema.transform((name) => [name]), z.array(nodeNameSchema).min(1, 'list at least one node')]))
      .default({}),
    renew: z
      .strictObject({
        /** Off: the gateways refresh on their own, as OpenClaw does without tokenops. */
        auto: z.boolean().default(true),
        /** How much of a token's lifetime may remain when its owner renews it. */
        before: renewBeforeSchema.default({ kind: 'fraction', value: 1 / 3 }),
        /** How long the owner may be unreachable before the next in its list renews instead. */
        ownerDownFor: durationSchema.default(15 * 60_000),
        /** How often the leader looks at the fleet for renewals due and owners down. */
        checkEvery: durationSchema.default(60_000),
        /** Lifetimes of tokens tokenops did not issue, per provider, until their first renewal. */
        lifetimes: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a provider name like "anthropic"'), durationSchema).default({}),
      })
      .prefault({}),
    alerts: z
      .strictObject({
        checkEvery: scheduleSchema.default(5 * 60_000),
        warnBefore: durationSchema.default(7 * 24 * 3_600_000),
        criticalBefore: durationSchema.default(2 * 3_600_000),
        repeatEvery: durationSchema.default(4 * 3_600_000),
      })
      .prefault({}),
    sync: z
      .strictObject({
        /** Automatic sync at all (periodic, refresh-triggered, catch-up); off for maintenance. */
        auto: z.boolean().default(true),
        every: durationSchema.default(6 * 3_600_000),
        onRefresh: z.boolean().default(true),
        /** A follower's expiring token is replaced from a fresher owner by the alert check. */
        autoFix: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((fleet, ctx) => {
    const names = new Set<string>();
    fleet.nodes.forEach((node, index) => {
      if (names.has(node.name)) ctx.addIssue({ code: 'custom', path: ['nodes', index, 'name'], message: `duplicate node name "${node.name}"` });
      names.add(node.name);
    });
    for (const [pattern, list] of Object.entries(fleet.owners)) {
      list.forEach((owner, index) => {
        const where = list.length > 1 ? ['owners', pattern, index] : ['owners', pattern];
        if (!names.has(owner)) ctx.addIssue({ code: 'custom', path: where, message: `names node "${owner}", which is not in nodes` });
        else if (list.indexOf(owner) !== index) ctx.addIssue({ code: 'custom', path: where, message: `names node "${owner}" twice` });
      });
    }
    if (fleet.alerts.criticalBefore >= fleet.alerts.warnBefore) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'criticalBefore'], message: 'must be shorter than warnBefore' });
    }
  });
export type FleetFile = z.infer<typeof fleetFileSchema>;

export interface FleetNode {
  name: string;
  url: string;
  key: Buffer;
  /** Patterns of the accounts it may hold; absent: whatever it holds now. */
  accounts?: readonly string[];
}

/** The fleet file with every node's key read from its environment variable. */
export interface Fleet extends Omit<FleetFile, 'nodes'> {
  nodes: FleetNode[];
  /** Where it was read from, for messages. */
  file: string;
}

/**
 * Reads and checks the fleet file, and each node's key from the variable it names. Every
 * problem is one line: `fleet.json: nodes[1].url: Invalid URL`.
 */
export function loadFleet(file: string, env: NodeJS.ProcessEnv): ConfigResult<Fleet> {
  const label = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [`${label}: ${code === 'ENOENT' ? `not found at ${file} (set TOKENOPS_FLEET)` : `cannot be read (${code})`}`] };
  }
  let json: unknown;
  try {
    json = JSON5.parse(text);
  } catch (error) {
    const line = (error as { lineNumber?: number }).lineNumber;
    return { ok: false, problems: [`${label}: not valid JSON${line ? ` (line ${line})` : ''}`] };
  }
  const parsed = fleetFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error.issues, label) };

  const problems: string[] = [];
  const nodes: FleetNode[] = parsed.data.nodes.map((node, index) => {
    const where = `${label}: nodes[${index}].keyEnv`;
    const value = env[node.keyEnv];
    if (!value) {
      problems.push(`${where}: ${node.keyEnv} is not set (the key of node "${node.name}")`);
      return { ...node, key: Buffer.alloc(0) };
    }
    try {
      const key = decodeNodeKey(value);
      if (key.length < MIN_KEY_BYTES) problems.push(`${where}: ${node.keyEnv} (the key of node "${node.name}") decodes to ${key.length} bytes; a node key has ${MIN_KEY_BYTES}+`);
      return { ...node, key };
    } catch (error) {
      problems.push(`${where}: ${node.keyEnv} (the key of node "${node.name}") ${(error as Error).message}`);
      return { ...node, key: Buffer.alloc(0) };
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...parsed.data, nodes, file } };
}
