/*
 * The V8 settings the bot and the agent start with, wherever they start: their bins' first
 * line, `npm start` and `npm run agent`, the systemd units, the Dockerfile, and the demo's
 * and the tests' spawns (entryPoint). A unit test holds every one of those to this list.
 *
 * Why a smaller young generation: V8 lets it grow to 16 MiB per semi-space (32 MiB resident)
 * at the first burst and keeps it. These processes allocate in short bursts (a fan-out to
 * every node, one status answer) over a small live heap (the bot at 100 nodes: 36 MiB; an
 * agent: 12 MiB). Measured with `npm run bench load` on 2 cores: the bot after the 100-node
 * run, once idle, 153 → 129 MiB; an agent after the 5-minute soak 104 → 78 MiB; no change in
 * the status times, the soak's p50/p99 or the CPU used.
 */
export const NODE_FLAGS = {
  bot: ['--max-semi-space-size=4'],
  agent: ['--max-semi-space-size=1'],
} as const satisfies Record<string, readonly string[]>;

/** The process each entry point is, by its source file. */
export const ENTRY_PROCESSES: Readonly<Record<string, keyof typeof NODE_FLAGS>> = {
  'src/bot/main.ts': 'bot',
  'src/agent/main.ts': 'agent',
};
