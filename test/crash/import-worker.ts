import { readFileSync } from 'node:fs';
import { createAgentContext } from '../../src/agent/agent-context.js';
import { importCredentials } from '../../src/agent/operations/import-credentials.js';
import { agentEnvSchema } from '../../src/config/agent-env.js';
import { createLogger } from '../../src/logging/logger.js';
import { importRequestSchema } from '../../src/protocol/agent-api.js';

/*
 * Runs the agent's real import operation in a loop, alternating two credential versions,
 * until it is killed. The crash-safety test kills it at random moments and then checks
 * that every store is wholly one version or the other.
 * With `once`, it imports A once and exits (the clean run after the kills).
 *   import-worker <stateDir> <keyHex> <requestA.json> <requestB.json> [once]
 */
const [stateDir, keyHex, fileA, fileB, once] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const env = agentEnvSchema.parse({ TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: keyHex, OPENCLAW_STATE_DIR: stateDir, TOKENOPS_LOCK_WAIT: '5s' });
const context = createAgentContext(env, createLogger('crash-worker', 'silent'));
const requests = [fileA, fileB].map((file) => importRequestSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
process.stdout.write('started\n');
for (let i = 0; once === undefined || i < 1; i++) {
  await importCredentials(context, env.TOKENOPS_AGENT_KEY, requests[i % 2]!);
  process.stdout.write(`imported ${i}\n`);
}
