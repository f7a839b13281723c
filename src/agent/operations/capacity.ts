import type { CapacityResponse } from '../../protocol/agent-api.js';
import { blastRadius } from '../../domain/blast-radius.js';
import type { AgentContext } from '../agent-context.js';
import { discoverStores } from '../store/discover-stores.js';
import { MAX_CONCURRENT_KEY, readCapacity } from '../openclaw-config.js';
import { childEnv, runCommand } from '../run-command.js';

export async function readNodeCapacity(context: AgentContext): Promise<CapacityResponse> {
  const stateDir = context.env.OPENCLAW_STATE_DIR;
  const capacity = await readCapacity(stateDir, (await discoverStores(stateDir)).length);
  return { node: context.env.TOKENOPS_NODE, capacity, blastRadius: blastRadius(capacity.agentCount, capacity.maxConcurrent) };
}

export class CapacityChangeError extends Error {
  override readonly name = 'CapacityChangeError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly outputTail: string[],
  ) {
    super(message);
  }
}

/**
 * Sets `agents.defaults.maxConcurrent` through OpenClaw's own CLI (`openclaw config set`),
 * never by rewriting openclaw.json ourselves: the CLI owns that file's format and backups.
 */
export async function setNodeCapacity(context: AgentContext, maxConcurrent: number): Promise<CapacityResponse> {
  return context.guard.run('capacity', async () => {
    const before = await readNodeCapacity(context);
    const argv = [...context.env.TOKENOPS_CONFIG_SET_CMD, MAX_CONCURRENT_KEY, String(maxConcurrent)] as [string, ...string[]];
    const result = await runCommand(argv, { timeoutMs: 30_000, env: childEnv({ OPENCLAW_STATE_DIR: context.env.OPENCLAW_STATE_DIR }) });
    if (result.spawnError || result.exitCode !== 0) {
      const why = result.spawnError
        ? `${result.spawnError} (install the openclaw CLI or set TOKENOPS_CONFIG_SET_CMD)`
        : `\`${argv.slice(0, -2).join(' ')}\` exited with ${result.timedOut ? 'a timeout' : (result.exitCode ?? result.signal)}`;
      throw new CapacityChangeError(`could not set maxConcurrent: ${why}`, result.exitCode, result.outputTail);
    }
    const after = await readNodeCapacity(context);
    context.logger.info({ from: before.capacity.maxConcurrent, to: after.capacity.maxConcurrent }, 'capacity changed');
    return { ...after, changed: { from: before.capacity.maxConcurrent, to: after.capacity.maxConcurrent } };
  });
}
