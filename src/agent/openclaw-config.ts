import { readFile } from 'node:fs/promises';
import path from 'node:path';
import JSON5 from 'json5';
import { z } from 'zod';
import type { Capacity } from '../protocol/agent-api.js';
import { formatIssues } from '../config/format-issues.js';

/** OpenClaw's own default for `agents.defaults.maxConcurrent`. */
export const OPENCLAW_DEFAULT_MAX_CONCURRENT = 4;
export const MAX_CONCURRENT_KEY = 'agents.defaults.maxConcurrent';

const openclawConfigSchema = z.looseObject({
  agents: z
    .looseObject({
      defaults: z.looseObject({ maxConcurrent: z.number().int().positive().optional() }).optional(),
      list: z.array(z.looseObject({ id: z.string() })).optional(),
    })
    .optional(),
});

export function openclawConfigPath(stateDir: string): string {
  return path.join(stateDir, 'openclaw.json');
}

/**
 * `maxConcurrent` and the agent count from `openclaw.json` (JSON5, read only: changes go
 * through `openclaw config set`). With no config file, OpenClaw's defaults and the agent
 * dirs found on disk; with a broken one, the same, and the reason.
 */
export async function readCapacity(stateDir: string, discoveredAgents: number): Promise<Capacity> {
  const fallback = { maxConcurrent: OPENCLAW_DEFAULT_MAX_CONCURRENT, agentCount: Math.max(discoveredAgents, 1) };
  let text: string;
  try {
    text = await readFile(openclawConfigPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...fallback, source: 'defaults' };
    return { ...fallback, source: 'defaults', reason: `openclaw.json cannot be read (${(error as NodeJS.ErrnoException).code})` };
  }
  let json: unknown;
  try {
    json = JSON5.parse(text);
  } catch (error) {
    const where = error instanceof SyntaxError && 'lineNumber' in error ? ` at line ${String(error.lineNumber)}` : '';
    return { ...fallback, source: 'defaults', reason: `openclaw.json is not valid JSON5${where}` };
  }
  const parsed = openclawConfigSchema.safeParse(json);
  if (!parsed.success) {
    return { ...fallback, source: 'defaults', reason: formatIssues(parsed.error.issues, 'openclaw.json').join('; ') };
  }
  const agents = parsed.data.agents;
  return {
    maxConcurrent: agents?.defaults?.maxConcurrent ?? OPENCLAW_DEFAULT_MAX_CONCURRENT,
    // An empty list still leaves OpenClaw's default agent.
    agentCount: agents?.list?.length || fallback.agentCount,
    source: 'openclaw.json',
  };
}
