import { capacityViaSchema, restartViaSchema, type CapacityVia, type RestartVia } from '../../protocol/agent-api.js';

/*
 * The agent's own account of a gateway restart, from its log: when it started ("restarting
 * gateway"), how it restarted it, how long the command ran (or the gateway took to agree)
 * and how long /readyz took after that ("gateway restart finished"). The bot sees only the whole; the timing table splits it.
 */

interface LogLine {
  pid?: number;
  /** The logger writes ISO times; pino's default is epoch milliseconds. */
  time?: string | number;
  msg?: string;
  commandMs?: number;
  readyAfterMs?: number | null;
  via?: string;
}

function parse(line: string): LogLine | null {
  const start = line.indexOf('{');
  if (start < 0) return null;
  try {
    return JSON.parse(line.slice(start)) as LogLine;
  } catch {
    return null;
  }
}

export interface LoggedRestart {
  startedAt: number;
  /** The command's run, or the gateway's answer to the request. */
  commandMs: number;
  readyAfterMs: number | null;
  via: RestartVia;
}

/** The last restart the agent with this pid logged; null when it logged none. An agent that does not say how restarted by its command. */
export function restartFromLog(lines: readonly string[], pid: number | undefined): LoggedRestart | null {
  let startedAt: number | null = null;
  let found: LoggedRestart | null = null;
  for (const line of lines) {
    const entry = parse(line);
    const time = typeof entry?.time === 'string' ? Date.parse(entry.time) : entry?.time;
    if (!entry || entry.pid !== pid || time === undefined || Number.isNaN(time)) continue;
    if (entry.msg === 'restarting gateway') startedAt = time;
    if (entry.msg === 'gateway restart finished' && startedAt !== null && typeof entry.commandMs === 'number') {
      const via = restartViaSchema.safeParse(entry.via);
      found = { startedAt, commandMs: entry.commandMs, readyAfterMs: entry.readyAfterMs ?? null, via: via.success ? via.data : 'command' };
    }
  }
  return found;
}

/** How the agent with this pid last changed capacity ("capacity changed"): through the gateway's admin RPC or the CLI; null when it did not. */
export function capacityViaFromLog(lines: readonly string[], pid: number | undefined): CapacityVia | null {
  if (pid === undefined) return null;
  let via: CapacityVia | null = null;
  for (const line of lines) {
    const entry = parse(line);
    const said = capacityViaSchema.safeParse(entry?.via);
    if (entry?.pid === pid && entry.msg === 'capacity changed' && said.success) via = said.data;
  }
  return via;
}
