import { randomBytes } from 'node:crypto';
import { decodeNodeKey, MIN_KEY_BYTES } from '../../protocol/node-key.js';
import type { CliCommand } from '../cli-command.js';
import type { KeygenJson } from '../json/output-shapes.js';
import { parseArguments } from '../parse-arguments.js';

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'print a fresh node key (TOKENOPS_AGENT_KEY)',
  help: `usage: tokenops keygen [--json]

Prints a fresh node key: ${MIN_KEY_BYTES} random bytes as 64 hex characters, the form
TOKENOPS_AGENT_KEY takes (the same as \`openssl rand -hex 32\`). Nothing else goes to stdout,
so it can be captured: KEY=$(tokenops keygen). Put it in the agent's environment file
(mode 0600) and in the bot's, under the name the fleet file's keyEnv gives.

exit 0  printed`,

  async run(argv) {
    parseArguments(argv, { options: {} });
    const key = randomBytes(MIN_KEY_BYTES).toString('hex');
    // The agent decodes it this way; a key it would read differently must never be printed.
    if (decodeNodeKey(key).length !== MIN_KEY_BYTES) throw new Error('generated key does not decode as a node key');
    const json: KeygenJson = { ok: true, command: 'keygen', key };
    return { json, text: key };
  },
};
