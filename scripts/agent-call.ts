import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient, AgentCallError } from '../src/fleet/agent-client.js';
import { subscribeAgentEvents } from '../src/fleet/agent-events.js';
import { decodeNodeKey } from '../src/protocol/node-key.js';

/*
 * One signed call to an agent, for poking at it by hand:
 *   npm run agent:call -- GET /v1/status
 *   npm run agent:call -- POST /v1/capacity '{"maxConcurrent":12}'
 *   npm run agent:call -- GET /v1/events
 * The agent is TOKENOPS_AGENT_URL with key TOKENOPS_AGENT_KEY, or the one `npm run example` runs.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [method = 'GET', route = '/v1/status', body] = process.argv.slice(2);

function setting(name: string, exampleFile: string): string {
  const value = process.env[name];
  if (value) return value;
  try {
    return readFileSync(path.join(ROOT, 'data', 'example', exampleFile), 'utf8').trim();
  } catch {
    process.stderr.write(`agent-call: set ${name} (or run \`npm run example\` first)\n`);
    process.exit(2);
  }
}

const baseUrl = setting('TOKENOPS_AGENT_URL', 'agent.url');
let key: Buffer;
try {
  key = decodeNodeKey(setting('TOKENOPS_AGENT_KEY', 'agent.key'));
} catch (error) {
  process.stderr.write(`agent-call: TOKENOPS_AGENT_KEY: ${(error as Error).message}\n`);
  process.exit(2);
}

if (method.toUpperCase() === 'GET' && route === '/v1/events') {
  const subscription = await subscribeAgentEvents(baseUrl, key, (event, id) => process.stdout.write(`${id} ${JSON.stringify(event)}\n`));
  process.stderr.write('listening for events; Ctrl-C to stop\n');
  await subscription.done;
} else {
  let parsedBody: unknown;
  if (body) {
    try {
      parsedBody = JSON.parse(body);
    } catch {
      process.stderr.write('agent-call: the body must be JSON\n');
      process.exit(2);
    }
  }
  try {
    const response = await new AgentClient({ baseUrl, key, timeoutMs: 180_000 }).call(method.toUpperCase(), route, parsedBody ?? (method.toUpperCase() === 'GET' ? undefined : {}));
    process.stdout.write(`HTTP ${response.status}\n${JSON.stringify(response.body, null, 2)}\n`);
    process.exit(response.status < 300 ? 0 : 1);
  } catch (error) {
    process.stderr.write(`agent-call: ${error instanceof AgentCallError ? `${error.kind}: ${error.message}` : (error as Error).message}\n`);
    process.exit(1);
  }
}
