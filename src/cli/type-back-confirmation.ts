import readline from 'node:readline';
import type { CliIO } from './cli-context.js';

export type TypedConfirmation = 'confirmed' | 'mismatch' | 'closed' | 'expired';

/**
 * The terminal's ✅: the person types a word back (the node's name) on stdin, the prompt on
 * stderr. Only the exact word confirms; anything else, end of input or Ctrl-C cancels; no
 * answer within `timeoutMs` expires, as a plan waiting in Discord does.
 */
export function askToTypeBack(io: CliIO, question: string, expected: string, timeoutMs: number): Promise<TypedConfirmation> {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: Boolean(io.stdin.isTTY) });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: TypedConfirmation, newline = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (newline) io.stderr.write('\n');
      rl.close();
      resolve(answer);
    };
    const timer = setTimeout(() => finish('expired', true), timeoutMs);
    rl.on('SIGINT', () => finish('closed', true));
    rl.on('close', () => finish('closed', true));
    rl.question(question, (answer) => finish(answer.trim() === expected ? 'confirmed' : 'mismatch'));
  });
}
