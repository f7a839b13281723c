import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayStatus, RestartResponse, RestartVia } from '../../protocol/agent-api.js';
import type { AgentContext } from '../agent-context.js';
import { GATEWAY_RESTART_METHOD, requestGatewayRestart } from '../gateway-admin-rpc.js';
import { probeGateway } from '../gateway-probe.js';
import { blankOut, readNodeSnapshot, secretValues } from '../node-snapshot.js';
import { openclawConfigPath } from '../openclaw-config.js';
import { childEnv, runCommand, type CommandResult } from '../run-command.js';

const READY_POLL_MS = 250;

/*
 * A ready answer right after the restart could still come from the old gateway: the command
 * returned before it went down, or, asked to restart, it answers while it drains. It counts
 * once the gateway was seen not ready, or when its reported uptime is shorter than the time
 * since the restart began: it started after we asked. (Measured against the old one's uptime
 * plus the time since, a slow answer from the old one passed for a new one on OpenClaw
 * 2026.9.6.) A gateway that reports no uptime is taken at its word.
 */
export function startedSinceRestart(after: GatewayStatus, sinceRestartMs: number): boolean {
  return after.uptimeMs === undefined || after.uptimeMs < sinceRestartMs;
}

/**
 * The restart itself: asked of the gateway when TOKENOPS_RESTART_VIA=gateway and it can be
 * asked (admin RPC on, our credentials taken, this node's config), else TOKENOPS_RESTART_CMD.
 * A request the gateway agreed to reads as a command that succeeded with no output.
 */
async function restartOnce(context: AgentContext): Promise<{ via: RestartVia; result: CommandResult }> {
  const { env, logger } = context;
  if (env.TOKENOPS_RESTART_VIA === 'gateway') {
    const asked = Date.now();
    const gateway = await requestGatewayRestart({ url: env.TOKENOPS_GATEWAY_URL, token: env.TOKENOPS_GATEWAY_TOKEN }, openclawConfigPath(env.OPENCLAW_STATE_DIR), 'tokenops: confirmed restart');
    if (gateway.ok) {
      logger.info({ status: gateway.status }, 'the gateway agreed to restart');
      return { via: 'gateway', result: { exitCode: 0, signal: null, timedOut: false, durationMs: Date.now() - asked, outputTail: [] } };
    }
    logger.info({ reason: gateway.reason }, 'restart through the gateway not possible; running TOKENOPS_RESTART_CMD');
  }
  return { via: 'command', result: await runCommand(env.TOKENOPS_RESTART_CMD, { timeoutMs: env.TOKENOPS_RESTART_TIMEOUT, env: childEnv() }) };
}

/**
 * Restarts the gateway (restartOnce), then polls `/readyz` until ready or the deadline, then re-reads
 * token health. The answer says which step failed, with the command's exit code and the
 * last lines of its output (credential values on this node blanked out).
 */
export async function restartGateway(context: AgentContext, readyDeadlineMs?: number): Promise<RestartResponse> {
  return context.guard.run('restart', async () => {
    const { env, logger } = context;
    const started = Date.now();
    const argv = env.TOKENOPS_RESTART_CMD;
    // Secrets as they are before the command too: a token replaced during the restart may
    // still be in its output.
    const before = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, context.now(), env.TOKENOPS_WARN_BEFORE);
    logger.info({ command: argv[0], via: env.TOKENOPS_RESTART_VIA }, 'restarting gateway');
    const restartBegan = Date.now();
    const { via, result } = await restartOnce(context);
    const commandOk = !result.spawnError && !result.timedOut && result.exitCode === 0;

    let readyAfterMs: number | null = null;
    let gateway: GatewayStatus;
    if (commandOk) {
      const deadline = Date.now() + (readyDeadlineMs ?? env.TOKENOPS_READY_DEADLINE);
      const commandEnded = Date.now();
      let sawDown = false;
      for (;;) {
        gateway = await probeGateway(env.TOKENOPS_GATEWAY_URL, Math.max(200, Math.min(1500, deadline - Date.now())));
        sawDown ||= !gateway.ready;
        if (gateway.ready && (sawDown || startedSinceRestart(gateway, Date.now() - restartBegan))) {
          readyAfterMs = Date.now() - commandEnded;
          break;
        }
        if (Date.now() + READY_POLL_MS > deadline) break;
        await sleep(READY_POLL_MS);
      }
      // Ready all along, and never new: a command that restarts nothing, or OpenClaw still
      // waiting for its work to finish before it restarts. "Not ready" alone would mislead.
      if (readyAfterMs === null && gateway.ready) gateway = { ...gateway, detail: `${gateway.detail ?? 'ready'}, but still the gateway from before the restart: it has not restarted (yet)` };
    } else {
      gateway = await probeGateway(env.TOKENOPS_GATEWAY_URL);
    }

    const snapshot = await readNodeSnapshot(env.OPENCLAW_STATE_DIR, context.now(), env.TOKENOPS_WARN_BEFORE);
    const secrets = [...new Set([...secretValues(before), ...secretValues(snapshot)])];
    const outputTail = blankOut(result.spawnError ? [...result.outputTail, result.spawnError] : result.outputTail, secrets);
    const outcome = !commandOk ? 'command_failed' : readyAfterMs === null ? 'not_ready' : 'ready';
    logger.info({ outcome, via, exitCode: result.exitCode, commandMs: result.durationMs, readyAfterMs }, 'gateway restart finished');
    return {
      node: env.TOKENOPS_NODE,
      outcome,
      startedAt: new Date(started).toISOString(),
      via,
      command: {
        argv0: via === 'gateway' ? GATEWAY_RESTART_METHOD : argv[0],
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        outputTail,
      },
      readyAfterMs,
      totalMs: Date.now() - started,
      gateway,
      profiles: snapshot.profiles,
    };
  });
}
