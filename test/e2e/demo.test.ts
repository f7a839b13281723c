import { expect, test } from 'vitest';
import { spawnTs } from '../support/processes.js';

/*
 * `npm run demo`, as a newcomer runs it: the incident played through the real bot on the
 * local Discord, checked step by step in the transcript it prints.
 */

test('npm run demo plays the incident and exits 0; the transcript shows every step, and no secret', async () => {
  const demo = spawnTs('src/demo/main.ts', [], {});
  const code = await demo.exited;
  const out = demo.output.join('\n');
  expect(code, out).toBe(0);
  const transcript = out.slice(out.indexOf('── #ops ──'));
  const order = [
    /tokenops \(BOT\):\n {2}🔴 \*\*t440\*\*: \d alerts[\s\S]*?❌ anthropic:default expired 2 hours ago/,
    /ops-alice used \/tokens status\n[\s\S]*?❌ t440 · gateway NOT ready · 15 agents \/ max 4:\n.*❌ `anthropic:default` · expired 2 hours ago/,
    /ops-alice used \/restart node:t440 raise_capacity:true\n[\s\S]*?⏳ React ✅ to run it/,
    /→ \*\*sync from pc-a first\*\*/,
    /15 agents reconnect at once: expected burst 8–10 against maxConcurrent 4\. It is raised to 12/,
    /✅ Confirmed by ops-alice\. t440: syncing anthropic:default from pc-a…/,
    /✅ t440 ready\. Confirmed by ops-alice\.\n[\s\S]*?\*\*Restart t440 · done\*\*/,
    // Token health after the restart, one line per token: the 15 agents' copy on one line.
    /Token health after:\n.*✅ `anthropic:default` \(main, coder, data, docs, infra, ops, planner, release, research, reviewer, scout, support, tester, triage, writer\) · /,
    /ops-alice used \/tokens sync from:pc-a to:t440\n[\s\S]*?✅ `openai-codex:ops@example\.com` → main · in 3 hours → in 9 days/,
    /✅ \*\*t440\*\*: all alerts resolved\./,
    /\*\*Audit log · latest \d+\*\*[\s\S]*?\*\*restart\*\* t440 · ok · ops-alice/,
  ];
  // Each step is the first match after the one before (lazy `*?`): a later message saying the
  // same (an alert edited as the restart runs) must not be taken for it.
  let from = 0;
  for (const step of order) {
    const match = step.exec(transcript.slice(from));
    expect(match, `${step} after position ${from} of:\n${transcript}`).not.toBeNull();
    from += match!.index + match![0].length;
  }
  // Only ops-alice's ✅ counted; plain-bob's is ignored (no ops role).
  expect(transcript).toMatch(/reactions: ✅ tokenops, plain-bob, ops-alice/);
  expect(transcript).not.toContain('Confirmed by plain-bob');
  expect(out).toMatch(/^✓ \/audit:/m);
  expect(out).toMatch(/^✓ no secret in a log or a Discord payload: \d+ tokens and keys looked for in \d+ log lines and \d+ payloads: 0 found/m);
  expect(out).not.toMatch(/^✗/m);
  // Then renewal: the owner renews once at the provider, and t440 holds the same new token.
  expect(out).toMatch(/^✓ renewal afterwards: pc-a renewed anthropic:default at the provider \(1 grant, 0 refresh tokens reused\) and t440 holds the same new token/m);
  expect(out).toMatch(/^✓ every request one Discord's API takes: \d+ requests checked against discord-api-spec$/m);
  // Where the time went: each step after the ✅, the restart split as t440's agent logged it.
  for (const step of ['✅ → tokens fixed (sync from the owner)', "→ capacity set (the gateway's admin RPC)", '→ restart asked of the gateway (its admin RPC)', '→ gateway ready (/readyz)', 'total: ✅ → verified recovery']) {
    expect(out).toContain(`| ${step} | `);
    expect(out).not.toMatch(new RegExp(`\\| ${step.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\| — \\|`));
  }
  // The demo's tokens are `<provider>-<kind>-demo-<32 hex>` and its keys 64 hex: none printed, nor in any log.
  expect(out).not.toMatch(/-demo-[0-9a-f]{32}|\b[0-9a-f]{64}\b/);
}, 180_000);

test('a mistyped option is a usage error (exit 2) that says what is wrong', async () => {
  const demo = spawnTs('src/demo/main.ts', ['--keeep'], {});
  expect(await demo.exited).toBe(2);
  expect(demo.output.join('\n')).toMatch(/demo: Unknown option '--keeep'[\s\S]*usage: npm run demo/);
});

test('--openclaw takes one version, shaped like one; a version alone is a usage error; --restart-via names gateway or command', async () => {
  for (const [args, said] of [
    [['--openclaw', 'latest'], /demo: "latest" is not an OpenClaw version \(like 2026\.9\.6\)/],
    [['--openclaw', '2026.9.6', '2026.6.1'], /demo: one OpenClaw version at a time, not 2026\.9\.6 2026\.6\.1/],
    [['2026.9.6'], /demo: unexpected 2026\.9\.6 \(a version goes after --openclaw\)/],
    [['--restart-via', 'systemd'], /demo: --restart-via takes gateway or command, not "systemd"/],
  ] as const) {
    const demo = spawnTs('src/demo/main.ts', [...args], {});
    expect(await demo.exited, args.join(' ')).toBe(2);
    expect(demo.output.join('\n')).toMatch(said);
  }
});
