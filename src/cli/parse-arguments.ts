import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Every subcommand takes these; `main` looks at them before the subcommand runs. */
const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export interface ArgumentSpec<O extends OptionSpec> {
  options: O;
  /** Names of the positionals, required ones first, as the usage line shows them. */
  required?: readonly string[];
  optional?: readonly string[];
}

/**
 * node:util's parseArgs, strict, with messages that name the culprit (`--limit needs a
 * value`, `unknown option --foo`) instead of Node's generic ones.
 */
export function parseArguments<const O extends OptionSpec>(argv: readonly string[], spec: ArgumentSpec<O>) {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explain(argv, options) ?? (error as Error).message);
  }
  const required = spec.required ?? [];
  const optional = spec.optional ?? [];
  const { positionals } = parsed;
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length);
    throw new UsageError(`missing ${missing.map((name) => `<${name}>`).join(' and ')}`);
  }
  if (positionals.length > required.length + optional.length) {
    throw new UsageError(`unexpected argument "${positionals[required.length + optional.length]}"`);
  }
  return { values: parsed.values, positionals };
}

function explain(argv: readonly string[], options: OptionSpec): string | null {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = options[token.name];
    if (!known) return `unknown option ${token.rawName}`;
    if (known.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value`;
    if (known.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) return `${token.rawName} needs a value`;
  }
  return null;
}

/** A whole number option within bounds; the value itself is not echoed back. */
export function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} expects a whole number from ${min} to ${max}`);
  return value;
}
