import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import JSON5 from 'json5';
import { mergePatch, parseConfig, readConfigText, valueAt, writeConfig, type OpenClawConfig } from './openclaw-config-file.js';
import { restartGateway, runGateway, stopGateway } from './gateway.js';

/*
 * A stand-in for the parts of the `openclaw` CLI that tokenops drives, for tests and the
 * demo where the real package is not installed (the conformance suite uses the real one):
 *
 *   openclaw gateway run --port P [--ready-delay MS]
 *   openclaw gateway restart [--port P]
 *   openclaw gateway stop
 *   openclaw config get KEY
 *   openclaw config set KEY VALUE
 *
 * The state dir is `--state DIR` or OPENCLAW_STATE_DIR. `config set` behaves as the real
 * one does: it parses the JSON5 file and writes it back as plain JSON (comments are lost;
 * that is OpenClaw's doing, and why tokenops never edits the file itself).
 */

function fail(message: string, code = 2): never {
  process.stderr.write(`openclaw (stand-in): ${message}\n`);
  process.exit(code);
}

function readConfig(stateDir: string): { text: string | null; config: OpenClawConfig } {
  try {
    const text = readConfigText(stateDir);
    return { text, config: parseConfig(text) };
  } catch (error) {
    return fail(error instanceof SyntaxError ? 'openclaw.json is not valid JSON5' : `openclaw.json cannot be read (${(error as NodeJS.ErrnoException).code})`, 1);
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { state: { type: 'string' }, port: { type: 'string' }, 'ready-delay': { type: 'string' } },
  });
  const stateDir = values.state ?? process.env.OPENCLAW_STATE_DIR;
  if (!stateDir) fail('set OPENCLAW_STATE_DIR or pass --state DIR');
  const [group, command, ...rest] = positionals;
  const port = values.port === undefined ? undefined : Number(values.port);
  const readyDelay = values['ready-delay'] === undefined ? undefined : Number(values['ready-delay']);

  if (group === 'gateway' && command === 'run') {
    if (!port) fail('gateway run: --port is required');
    await runGateway(stateDir, port, readyDelay ?? 300);
  } else if (group === 'gateway' && command === 'restart') {
    const { previous, pid } = await restartGateway(stateDir, port, readyDelay).catch((error: Error) => fail(error.message, 1));
    process.stdout.write(`restarted: pid ${previous?.pid ?? '-'} -> ${pid}\n`);
  } else if (group === 'gateway' && command === 'stop') {
    const previous = await stopGateway(stateDir);
    process.stdout.write(previous ? `stopped pid ${previous.pid}\n` : 'not running\n');
  } else if (group === 'config' && command === 'get' && rest.length === 1) {
    const value = valueAt(readConfig(stateDir).config, rest[0]!);
    if (value === undefined) fail(`${rest[0]} is not set`, 1);
    process.stdout.write(`${JSON.stringify(value)}\n`);
  } else if (group === 'config' && command === 'set' && rest.length === 2) {
    const [key, text] = rest as [string, string];
    let value: unknown;
    try {
      value = JSON5.parse(text);
    } catch {
      value = text;
    }
    const current = readConfig(stateDir);
    const patch = key.split('.').reduceRight<unknown>((inner, part) => ({ [part]: inner }), value);
    await writeConfig(stateDir, mergePatch(current.config, patch) as OpenClawConfig, current.text);
    process.stdout.write(`Updated ${key}. Restart the gateway to apply.\n`);
  } else {
    fail(`unknown command: ${positionals.join(' ') || '(none)'}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
