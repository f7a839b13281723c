import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatIssues } from '../config/format-issues.js';
import { COMMANDS_DIR } from '../runtime/entry-point.js';
import { commandModuleSchema, type CommandModule } from './command-module.js';

export class CommandLoadError extends Error {
  override readonly name = 'CommandLoadError';
}

/** Every module in `commands/`, each checked against the predicate; a bad one stops the start. */
export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, CommandModule>> {
  const files = (await readdir(dir)).filter((file) => /\.(ts|js)$/.test(file) && !/\.(d|test)\.ts$/.test(file)).sort();
  const commands = new Map<string, CommandModule>();
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: unknown };
    const parsed = commandModuleSchema.safeParse(module.default);
    if (!parsed.success) throw new CommandLoadError(`commands/${file}: ${formatIssues(parsed.error.issues).join('; ')}`);
    const command = module.default as CommandModule;
    if (commands.has(command.data.name)) throw new CommandLoadError(`commands/${file}: a second command named /${command.data.name}`);
    commands.set(command.data.name, command);
  }
  return commands;
}
