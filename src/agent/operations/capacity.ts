import type { CapacityResponse, CapacityVia } from '../../protocol/agent-api.js';
import { blastRadius } from '../../domain/blast-radius.js';
import type { AgentContext } from '../agent-context.js';
import { discoverStores } from '../store/discover-stores.js';
import { MAX_CONCURRENT_KEY, openclawConfigPath, readCapacity } from '../openclaw-config.js';
import { setMaxConcurrentThroughGateway } from '../gateway-admin-rpc.js';
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
 * Sets `agents.defaults.maxConcurrent` through OpenClaw itself, never by rewriting
 * openclaw.json ourselves: OpenClaw owns that file's format, validation and backups. First
 * through the running gateway's admin RPC (well under a second), else through its CLI
 * (`openclaw config set`, seconds). Setting a number is idempotent, so the CLI after a
 * gateway that failed mid-patch does no harm.
 */
export async function setNodeCapacity(context: AgentContext, maxConcurrent: number): Promise<CapacityResponse> {
  return context.guard.run('capacity', async () => {
    const started = Date.now();
    const before = await readNodeCapacity(context);
    const configFile = openclawConfigPath(context.env.OPENCLAW_STATE_DIR);
    const gateway = await setMaxConcurrentThroughGateway({ url: context.env.TOKENOPS_GATEWAY_URL, token: context.env.TOKENOPS_GATEWAY_TOKEN }, configFile, maxConcurrent);
    let after = gateway.ok ? await readNodeCapacity(context) : null;
    let via: CapacityVia = 'gateway';
    if (after?.capacity.maxConcurrent !== maxConcurrent) {
      // A gateway that said yes while the file this agent reads does not show it (the value
      // under an $include, say) is as good as none: the CLI writes where we read.
      const reason = gateway.ok ? `the gateway took the change but ${configFile} does not show it` : gateway.reason;
      context.logger.info({ reason }, 'capacity through the gateway not possible; using the openclaw CLI');
      await setThroughCli(context, maxConcurrent);
      after = await readNodeCapacity(context);
      via = 'cli';
    }
    context.logger.info({ from: before.capacity.maxConcurrent, to: after.capacity.maxConcurrent, via, ms: Date.now() - started }, 'capacity changed');
    return { ...after, changed: { from: before.capacity.maxConcurrent, to: after.capacity.maxConcurrent, via } };
  });
}

async function setThroughCli(context: AgentContext, maxConcurrent: number): Promise<void> {
  const argv = [...context.env.TOKENOPS_CONFIG_SET_CMD, MAX_CONCURRENT_KEY, String(maxConcurrent)] as [string, ...string[]];
  const result = await runCommand(argv, { timeoutMs: 30_000, env: childEnv({ OPENCLAW_STATE_DIR: context.env.OPENCLAW_STATE_DIR }) });
  if (result.spawnError || result.exitCode !== 0) {
    const why = result.spawnError
      ? `${result.spawnError} (install the openclaw CLI or set TOKENOPS_CONFIG_SET_CMD)`
      : `\`${argv.slice(0, -2).join(' ')}\` exited with ${result.timedOut ? 'a timeout' : (result.exitCode ?? result.signal)}`;
    throw new CapacityChangeError(`could not set maxConcurrent: ${why}`, result.exitCode, result.outputTail);
  }
}
