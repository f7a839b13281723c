import { describe, expect, it } from 'vitest';
import { incidentTimings, renderTimings, type IncidentMarks } from '../../../src/demo/incident-timings.js';
import { capacityViaFromLog, restartFromLog } from '../../../src/demo/openclaw/restart-from-log.js';
import { gatewayStartPhases } from '../../../src/demo/openclaw/gateway-start-phases.js';

const T = 1_800_000_000_000;
const marks: IncidentMarks = {
  alertAt: T - 5_000,
  planAt: T - 2_000,
  confirmedAt: T,
  versions: [
    { at: T - 2_000, content: '⏳ React ✅ to run it (ops role), ❌ to cancel.' },
    { at: T + 200, content: '✅ Confirmed by ops-alice. t440: syncing anthropic:default from pc-a…' },
    { at: T + 1_200, content: '✅ Confirmed by ops-alice. t440: raising maxConcurrent to 12…' },
    { at: T + 9_200, content: '✅ Confirmed by ops-alice. t440: restarting the gateway on t440 and waiting for it to be ready…' },
    { at: T + 50_000, content: '✅ t440 ready. Confirmed by ops-alice.' },
  ],
  restart: { startedAt: T + 9_300, commandMs: 1_700, readyAfterMs: 38_000, via: 'command' },
  healthConfirmedAt: T + 58_000,
  capacityVia: null,
};

describe('where the recovery time went', () => {
  it('each step from the version that starts the next, the restart split by the agent; the bot\'s own report, then OpenClaw\'s confirmation, ends it', () => {
    expect(incidentTimings(marks).map((row) => [row.step, row.ms, row.sinceMs])).toEqual([
      ['alert → plan offered', 3_000, null],
      ['✅ → tokens fixed (sync from the owner)', 1_200, 1_200],
      ['→ capacity set (maxConcurrent)', 8_000, 9_200],
      ['→ restart command done', 1_800, 11_000],
      ['→ gateway ready (/readyz)', 38_000, 49_000],
      ['→ the bot reports the node healthy', 1_000, 50_000],
      ['→ token health confirmed (openclaw models status)', 8_000, 58_000],
      ['total: ✅ → verified recovery', 58_000, 58_000],
    ]);
  });

  it('without a capacity change the restart follows the tokens; without a confirmation the bot\'s report ends it; a missing restart is a dash', () => {
    const rows = incidentTimings({ ...marks, versions: marks.versions.filter((version) => !/maxConcurrent/.test(version.content)), restart: null, healthConfirmedAt: null });
    expect(rows.map((row) => [row.step, row.ms])).toEqual([
      ['alert → plan offered', 3_000],
      ['✅ → tokens fixed (sync from the owner)', 9_200],
      ['→ capacity set (maxConcurrent)', null],
      ['→ restart command done', null],
      ['→ gateway ready (/readyz)', null],
      ['→ the bot reports the node healthy', null],
      ['total: ✅ → verified recovery', 50_000],
    ]);
    expect(renderTimings(rows).split('\n').slice(0, 4)).toEqual(['| step | took | since ✅ |', '| --- | ---: | ---: |', '| alert → plan offered | 3.0 s | — |', '| ✅ → tokens fixed (sync from the owner) | 9.2 s | 9.2 s |']);
  });
});

describe("the agent's restart from its log", () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, name: 'tokenops-agent', ...fields });
  it("the last restart of the agent with that pid; other processes' lines and garbage skipped", () => {
    const lines = [
      'not json',
      line({ pid: 7, time: '2026-12-07T03:00:00.000Z', msg: 'restarting gateway' }),
      line({ pid: 8, time: '2026-12-07T03:00:01.000Z', msg: 'restarting gateway' }),
      line({ pid: 7, time: '2026-12-07T03:00:03.000Z', msg: 'gateway restart finished', via: 'gateway', commandMs: 1_500, readyAfterMs: 900 }),
      `[prefix] ${line({ pid: 8, time: Date.parse('2026-12-07T03:00:09.000Z'), msg: 'gateway restart finished', commandMs: 4_000, readyAfterMs: null })}`,
    ];
    expect(restartFromLog(lines, 7)).toEqual({ startedAt: Date.parse('2026-12-07T03:00:00.000Z'), commandMs: 1_500, readyAfterMs: 900, via: 'gateway' });
    // An agent that does not say how restarted by its command.
    expect(restartFromLog(lines, 8)).toEqual({ startedAt: Date.parse('2026-12-07T03:00:01.000Z'), commandMs: 4_000, readyAfterMs: null, via: 'command' });
    expect(restartFromLog(lines, 9)).toBeNull();
    expect(restartFromLog(lines, undefined)).toBeNull();
  });

  it('how that agent last set capacity: through the gateway or the CLI', () => {
    const lines = [
      line({ pid: 7, msg: 'capacity changed', from: 4, to: 12, via: 'cli' }),
      line({ pid: 8, msg: 'capacity changed', from: 4, to: 12, via: 'gateway' }),
      line({ pid: 7, msg: 'capacity changed', from: 12, to: 16, via: 'gateway' }),
      line({ pid: 9, msg: 'capacity changed', via: 'fax' }),
    ];
    expect(capacityViaFromLog(lines, 7)).toBe('gateway');
    expect(capacityViaFromLog(lines.slice(0, 2), 7)).toBe('cli');
    expect(capacityViaFromLog(lines, 9)).toBeNull();
    expect(capacityViaFromLog(lines, undefined)).toBeNull();
  });

  it('the restart row names how the gateway was restarted', () => {
    const step = (via: 'gateway' | 'command') => incidentTimings({ ...marks, restart: { ...marks.restart!, via } })[3]!.step;
    expect(step('command')).toBe('→ restart command done');
    expect(step('gateway')).toBe("→ restart asked of the gateway (its admin RPC)");
  });

  it('the capacity row names the path the agent took', () => {
    const step = (capacityVia: IncidentMarks['capacityVia']) => incidentTimings({ ...marks, capacityVia })[2]!.step;
    expect(step('gateway')).toBe("→ capacity set (the gateway's admin RPC)");
    expect(step('cli')).toBe('→ capacity set (openclaw config set)');
    expect(step(null)).toBe('→ capacity set (maxConcurrent)');
  });
});

describe("where a real gateway's start went (its own output)", () => {
  const at = (ms: number) => new Date(T + ms).toISOString().replace('Z', '+00:00');
  const output = [
    // The gateway the restart stopped.
    `${at(-60_000)} [gateway] loading configuration…`,
    `${at(-40_000)} [gateway] ready`,
    `${at(9_500)} [gateway] signal SIGTERM received`,
    // The one it started.
    `${at(19_000)} [gateway] loading configuration…`,
    `${at(19_700)} [gateway] resolving authentication…`,
    'a line without a time',
    `${at(26_000)} [gateway] starting HTTP server...`,
    `${at(27_500)} [gateway] http server listening (14 plugins: anthropic, browser)`,
    `${at(30_800)} [gateway] ready`,
    `${at(31_000)} [heartbeat] started`,
  ];

  it('each phase from the line that ends it, after the restart command; the last to the agent’s /readyz', () => {
    const rows = gatewayStartPhases(output, T + 9_300, T + 11_000, T + 31_200, 'command');
    expect(rows.map((row) => [row.step, row.ms, row.sinceMs])).toEqual([
      ['spawned → OpenClaw loaded (its first line)', 8_000, 8_000],
      ['→ config, auth, state and plugins (HTTP server starts)', 7_000, 15_000],
      ['→ HTTP server listening (models, plugins registered)', 1_500, 16_500],
      ['→ channels and sidecars started (it logs ready)', 3_300, 19_800],
      ['→ /readyz answered the agent', 400, 20_200],
    ]);
  });

  it('restarted in its process (asked through its admin RPC): from its answer to the old server closed, then the same phases', () => {
    const inProcess = [
      `${at(-40_000)} [gateway] ready`,
      `${at(9_310)} [gateway] received SIGUSR2; restarting`,
      `${at(9_800)} [shutdown] completed cleanly in 324ms`,
      `${at(10_100)} [gateway] restart mode: in-process restart (OPENCLAW_NO_RESPAWN)`,
      `${at(13_000)} [gateway] starting HTTP server...`,
      `${at(13_200)} [gateway] http server listening (15 plugins: admin-http-rpc)`,
      `${at(14_600)} [gateway] ready`,
    ];
    const rows = gatewayStartPhases(inProcess, T + 9_300, T + 9_340, T + 15_000, 'gateway');
    expect(rows.map((row) => [row.step, row.ms, row.sinceMs])).toEqual([
      ['agreed → drained and closed (it restarts in its process)', 760, 760],
      ['→ config, auth, state and plugins (HTTP server starts)', 2_900, 3_660],
      ['→ HTTP server listening (models, plugins registered)', 200, 3_860],
      ['→ channels and sidecars started (it logs ready)', 1_400, 5_260],
      ['→ /readyz answered the agent', 400, 5_660],
    ]);
  });

  it('a phase whose line a version words differently is left out, and the next is not measured from a guess', () => {
    const rows = gatewayStartPhases(output.filter((line) => !/http server listening/.test(line)), T + 9_300, T + 11_000, null, 'command');
    expect(rows.map((row) => row.ms)).toEqual([8_000, 7_000, null, null, null]);
    expect(rows[3]!.sinceMs).toBe(19_800);
  });
});
