import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIApplicationCommandOption } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandLoadError, loadCommands } from '../../../src/bot/command-loader.js';
import { COMMANDS_DIR } from '../../../src/runtime/entry-point.js';

let root: string;
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tokenops-commands-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A command module as source text, self-contained (no imports), so it loads from any folder. */
function moduleSource(options: { name?: string; execute?: boolean; preconditions?: string; extra?: string } = {}): string {
  const name = options.name ?? 'ping';
  return `
const command = {
  data: { name: ${JSON.stringify(name)}, toJSON() { return { name: ${JSON.stringify(name)}, description: 'Ping the bot', options: [] }; } },
  preconditions: ${options.preconditions ?? '[]'},
  ${options.execute === false ? '' : 'async execute(interaction: unknown, context: unknown): Promise<void> { void interaction; void context; },'}
  ${options.extra ?? ''}
};
export default command;
`;
}

/** A fresh folder holding the given files; names are unique per folder so no import is cached. */
function commandsDir(files: Record<string, string>): string {
  const dir = path.join(root, `set-${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) writeFileSync(path.join(dir, file), source);
  return dir;
}

async function loadError(dir: string): Promise<CommandLoadError> {
  try {
    await loadCommands(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandLoadError);
    return error as CommandLoadError;
  }
  throw new Error('expected loadCommands to refuse the folder');
}

describe('loadCommands: a folder of modules', () => {
  it('loads a valid module, keyed by its command name', async () => {
    const commands = await loadCommands(commandsDir({ 'ping.ts': moduleSource() }));
    expect([...commands.keys()]).toEqual(['ping']);
    const ping = commands.get('ping');
    expect(ping?.data.toJSON()).toMatchObject({ name: 'ping', description: 'Ping the bot' });
    expect(typeof ping?.execute).toBe('function');
    expect(ping?.preconditions).toEqual([]);
  });

  it('loads several modules, with preconditions and autocomplete', async () => {
    const commands = await loadCommands(
      commandsDir({
        'alpha.ts': moduleSource({ name: 'alpha' }),
        'beta.ts': moduleSource({ name: 'beta', preconditions: "[{ name: 'x', check: () => ({ ok: true }) }]", extra: 'async autocomplete() {}, ephemeral: true,' }),
        'gamma_2.ts': moduleSource({ name: 'gamma_2' }),
      }),
    );
    expect([...commands.keys()].sort()).toEqual(['alpha', 'beta', 'gamma_2']);
    expect(commands.get('beta')?.preconditions.map((p) => p.name)).toEqual(['x']);
    expect(commands.get('beta')?.ephemeral).toBe(true);
    expect(typeof commands.get('beta')?.autocomplete).toBe('function');
  });

  it('ignores files that are not command modules: .d.ts, .test.ts, other extensions', async () => {
    const commands = await loadCommands(
      commandsDir({
        'ping.ts': moduleSource(),
        'types.d.ts': 'export interface X { a: number }\n',
        'ping.test.ts': 'throw new Error("a test file must not be imported as a command");\n',
        'README.md': '# not a command\n',
        'notes.json': '{}',
      }),
    );
    expect([...commands.keys()]).toEqual(['ping']);
  });

  it('an empty folder loads no commands', async () => {
    expect((await loadCommands(commandsDir({}))).size).toBe(0);
  });

  it('refuses a module without execute, naming the file and the missing handler', async () => {
    const error = await loadError(commandsDir({ 'broken.ts': moduleSource({ name: 'broken', execute: false }) }));
    expect(error.message).toMatch(/^commands\/broken\.ts: /);
    expect(error.message).toContain('execute');
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['Upper', 'upper case'],
    ['has space', 'a space'],
    ['bang!', 'punctuation'],
    ['', 'empty'],
    ['x'.repeat(33), '33 characters'],
  ])('refuses a bad command name %j (%s), naming the file', async (name) => {
    const error = await loadError(commandsDir({ 'bad-name.ts': moduleSource({ name }) }));
    expect(error.message).toMatch(/^commands\/bad-name\.ts: data\.name: /);
    expect(error.message).toMatch(/lower-case command name/);
  });

  it('refuses a module without a default export', async () => {
    const error = await loadError(commandsDir({ 'ok.ts': moduleSource({ name: 'ok' }), 'named.ts': 'export const command = { data: { name: "x" } };\n' }));
    expect(error.message).toMatch(/^commands\/named\.ts: /);
  });

  it('refuses a precondition that is not { name, check }', async () => {
    const error = await loadError(commandsDir({ 'guarded.ts': moduleSource({ name: 'guarded', preconditions: "['hasOpsRole']" }) }));
    expect(error.message).toMatch(/^commands\/guarded\.ts: preconditions\[0\]/);
  });

  it('refuses a second module with the same command name, naming the later file', async () => {
    const error = await loadError(commandsDir({ 'a-tokens.ts': moduleSource({ name: 'tokens' }), 'b-tokens.ts': moduleSource({ name: 'tokens' }) }));
    expect(error.message).toBe('commands/b-tokens.ts: a second command named /tokens');
  });

  it('a missing folder is an error, not an empty command set', async () => {
    await expect(loadCommands(path.join(root, 'does-not-exist'))).rejects.toThrow();
  });
});

/** Every option at every depth (subcommand groups, subcommands, their options). */
function everyOptionList(options: readonly APIApplicationCommandOption[] | undefined, where: string, out: Array<[string, readonly APIApplicationCommandOption[]]> = []): Array<[string, readonly APIApplicationCommandOption[]]> {
  const list = options ?? [];
  out.push([where, list]);
  for (const option of list) {
    if ('options' in option && Array.isArray(option.options)) everyOptionList(option.options as APIApplicationCommandOption[], `${where} ${option.name}`, out);
  }
  return out;
}

describe('loadCommands: the real commands/ folder', () => {
  it('loads from the default folder, which is commands/ at the top of the project', async () => {
    expect(COMMANDS_DIR).toBe(path.resolve(import.meta.dirname, '../../../commands'));
    const commands = await loadCommands();
    const names = [...commands.keys()];
    expect(names).toEqual(expect.arrayContaining(['tokens', 'audit']));
    for (const name of names) expect(name).toMatch(/^[-_a-z0-9]{1,32}$/);
  });

  it('every command, subcommand and option has a description of 1–100 characters and at most 25 options', async () => {
    const commands = await loadCommands();
    for (const [name, command] of commands) {
      const json = command.data.toJSON();
      expect(json.name).toBe(name);
      expect(json.description.length, name).toBeGreaterThan(0);
      expect(json.description.length, name).toBeLessThanOrEqual(100);
      for (const [where, list] of everyOptionList(json.options, `/${name}`)) {
        expect(list.length, where).toBeLessThanOrEqual(25);
        for (const option of list) {
          expect(option.name, `${where} ${option.name}`).toMatch(/^[-_a-z0-9]{1,32}$/);
          expect(option.description.length, `${where} ${option.name}`).toBeGreaterThan(0);
          expect(option.description.length, `${where} ${option.name}`).toBeLessThanOrEqual(100);
          if ('choices' in option && Array.isArray(option.choices)) expect(option.choices.length).toBeLessThanOrEqual(25);
        }
      }
      // Discord's limit over a whole command: names, descriptions, values ≤ 8000 characters.
      expect(JSON.stringify(json).length, name).toBeLessThan(8000);
    }
  });

  it('/tokens has a status subcommand with an optional, autocompleted node option', async () => {
    const tokens = (await loadCommands()).get('tokens');
    expect(tokens).toBeDefined();
    const json = tokens!.data.toJSON();
    const status = json.options?.find((option) => option.name === 'status');
    expect(status).toBeDefined();
    const node = status && 'options' in status ? (status.options as APIApplicationCommandOption[] | undefined)?.find((option) => option.name === 'node') : undefined;
    expect(node).toMatchObject({ name: 'node', autocomplete: true });
    expect(node?.required ?? false).toBe(false);
    expect(typeof tokens!.autocomplete).toBe('function');
    // Read-only: anyone in the guild, so no ops-role gate on the whole command.
    expect(tokens!.preconditions.map((p) => p.name)).toContain('inOpsGuild');
    expect(tokens!.preconditions.map((p) => p.name)).not.toContain('hasOpsRole');
  });

  it('/audit takes an optional limit and needs the ops role', async () => {
    const audit = (await loadCommands()).get('audit');
    expect(audit).toBeDefined();
    const limit = audit!.data.toJSON().options?.find((option) => option.name === 'limit');
    expect(limit).toBeDefined();
    expect(limit?.required ?? false).toBe(false);
    expect(audit!.preconditions.map((p) => p.name)).toEqual(expect.arrayContaining(['inOpsGuild', 'hasOpsRole']));
  });
});
