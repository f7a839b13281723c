/*
 * The V8 settings the bot and the agent start with, wherever they start: their bins' first
 * line, `npm start` and `npm run agent`, the systemd units, the Dockerfile, and the demo's
 * and the tests' spawns (entryPoint). A unit test holds every one of those to this list.
 *
 * The agent: a smaller young generation. V8 lets it grow to 16 MiB per semi-space (32 MiB
 * resident) at the first burst and keeps it; an agent answers in short bursts over a live
 * heap of about 12 MiB. Under the soak of `npm run bench load` (1,000 status calls a minute):
 * without it 66 → 78 → 67 MiB over two minutes, with it 62 → 65 → 65 (and 66 after five),
 * p50 5.6 ms either way.
 *
 * The bot: none. At 100 nodes (alert checks every 5 s) its resting RSS swings with its
 * garbage between collections, and a smaller young generation did not move the median
 * (default 153 MiB; 2, 4, 8 MiB semi-spaces: 154, 171, 184 MiB, one run each).
 */
export const NODE_FLAGS = {
  bot: [],
  agent: ['--max-semi-space-size=1'],
} as const satisfies Record<string, readonly string[]>;

/** The process each entry point is, by its source file. */
export const ENTRY_PROCESSES: Readonly<Record<string, keyof typeof NODE_FLAGS>> = {
  'src/bot/main.ts': 'bot',
  'src/agent/main.ts': 'agent',
};

/** `node` and the flags of a process, as a command line starts it. */
export function nodeCommand(kind: keyof typeof NODE_FLAGS): string {
  return ['node', ...NODE_FLAGS[kind]].join(' ');
}
