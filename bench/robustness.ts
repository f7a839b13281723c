import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../test/support/processes.js';
import type { LoadFigures, SoakFigures } from './load.js';

/*
 * Issue 9's one table: the fault and hostile-input suites are run (they are tests, and CI
 * runs them in `npm test`), their own printed tallies are collected, and printed beside
 * the load figures.
 */

const SUITES = [
  'test/faults',
  'test/integration/hostile-agent-api.test.ts',
  'test/integration/hostile-stores.test.ts',
  'test/e2e/bot-hostile.test.ts',
  'test/integration/crash-safety.test.ts',
  // OpenClaw's lock held, fresh and stale: the lock itself, and an import through the agent.
  'test/unit/store/sidecar-lock.test.ts',
  'test/integration/agent-sync.test.ts',
  // The leader SIGKILLed: how soon the other replica leads.
  'test/e2e/bot-replicas.test.ts',
];

export function runRobustnessSuites(): { lines: string[]; passed: boolean } {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...SUITES], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  const output = `${run.stdout}\n${run.stderr}`;
  const wanted = /^(crash safety|disk full|sick nodes|discord outage|bot killed|lock held|leader SIGKILLed|hostile|secrets found)/;
  return { lines: output.split('\n').map((line) => line.trim()).filter((line) => wanted.test(line)), passed: run.status === 0 };
}

export function printRobustnessTable(load: { fleet: LoadFigures; soak: SoakFigures | null } | null): void {
  const { lines, passed } = runRobustnessSuites();
  const find = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).join(' / ') || 'not run';
  console.log('\nUnder load, faults and hostile input (issue 9)');
  console.log('| what | figure |');
  console.log('| --- | --- |');
  if (load) {
    const { fleet, soak } = load;
    console.log(`| load held: ${fleet.nodes} agents × 15 profiles | status ${fleet.statusMedianMs.toFixed(0)} ms (median), sync to all ${(fleet.syncAllMs / 1000).toFixed(1)} s, alerts for every node ${(fleet.alertsPostedMs / 1000).toFixed(1)} s after start, all resolved ${(fleet.alertsResolvedMs / 1000).toFixed(1)} s after the sync |`);
    console.log(`| memory and CPU at ${fleet.nodes} nodes | bot ${fleet.botRssMiB.toFixed(0)} MiB RSS, ${fleet.botCpuSeconds.toFixed(1)} CPU s for the sync and its alert checks; agents ${fleet.agentsRssMiB.toFixed(0)} MiB together, ${fleet.agentsCpuSeconds.toFixed(1)} CPU s |`);
    if (soak) console.log(`| one agent, 1,000 status calls a minute for ${soak.minutes} min | ${soak.calls} calls, ${soak.failed} failed, p50 ${soak.p50Ms.toFixed(1)} ms, p99 ${soak.p99Ms.toFixed(1)} ms, RSS ${soak.rssMiB.map((value) => value.toFixed(0)).join(' → ')} MiB |`);
  }
  console.log(`| faults survived | ${find('crash safety')}; ${find('disk full')}; ${find('sick nodes')}; ${find('discord outage')}; ${find('bot killed')}; ${find('lock held')} |`);
  console.log(`| leader takeover | ${find('leader SIGKILLed')} |`);
  console.log(`| hostile inputs tried | ${find('hostile inputs tried')} |`);
  console.log(`| secrets found in these suites (must be 0; \`npm test\` scans every suite and prints \`secrets found:\`) | ${find('secrets found')} |`);
  console.log(`| those suites | ${passed ? 'passed' : 'FAILED'} |`);
}
