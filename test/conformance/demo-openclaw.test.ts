import { expect, test } from 'vitest';
import { spawnTs } from '../support/processes.js';

/*
 * The incident on real OpenClaw (`npm run demo -- --openclaw`): two real gateways of the
 * newest version, the real agents beside them, the local Discord and the real bot. Every
 * step of the demo must pass (exit 0); its timing tables (the recovery, and the gateway's
 * start from its own output) are printed for the run's log.
 */

const VERSION = process.env.TOKENOPS_DEMO_OPENCLAW ?? '2026.9.6';

test(`npm run demo -- --openclaw ${VERSION}: every step passes on real gateways, and the recovery is timed`, async () => {
  const demo = spawnTs('src/demo/main.ts', ['--openclaw', VERSION], {});
  const code = await demo.exited;
  const out = demo.output.join('\n');
  const table = out.slice(out.indexOf("Where the recovery's time went"));
  console.log(`${out.split('\n').filter((line) => /^[✓✗] /.test(line)).join('\n')}\n\n${table}`);
  expect(code, out.slice(-6_000)).toBe(0);
  expect(out).toMatch(/^✓ openclaw models status on t440 agrees with the bot: anthropic:default: OpenClaw "(ok|expiring)", the bot ✅/m);
  expect(out).toMatch(/^✓ renewal afterwards: pc-a renewed anthropic:default at the provider \(1 grant, 0 refresh tokens reused\)/m);
  expect(out).toMatch(/^✓ openclaw models status on t440 reads the renewed token/m);
  expect(table).toMatch(new RegExp(`real OpenClaw ${VERSION.replaceAll('.', '\\.')}`));
  expect(table).toMatch(/\| total: ✅ → verified recovery \| \d+\.\d s \|/);
  // The nodes have OpenClaw's admin RPC on: capacity must not fall back to the CLI unseen.
  expect(table).toContain("| → capacity set (the gateway's admin RPC) |");
  // And restart through it: OpenClaw's own restart, in its process.
  expect(table).toContain('| → restart asked of the gateway (its admin RPC) |');
  expect(table).not.toMatch(/\| — \| — \|\n\| total/);
  // The gateway's own lines still read as the phases the table splits its start into.
  const phases = table.slice(table.indexOf("Where the gateway's start went"));
  for (const step of ['agreed → drained and closed', '→ config, auth, state and plugins', '→ HTTP server listening', '→ channels and sidecars started', '→ /readyz answered the agent']) {
    expect(phases).toMatch(new RegExp(`\\| ${step.replace(/[()]/g, '\\$&')}[^|]* \\| \\d+\\.\\d s \\|`));
  }
}, 900_000);
