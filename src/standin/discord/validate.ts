/**
 * The Discord limits the stand-in enforces, so a bot that would be refused by Discord is refused here too.
 * Each check returns a list of `path: problem` strings (empty = fine).
 */

import { COMPONENTS_V2 } from './message-flags.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const len = (value: unknown): number => (typeof value === 'string' ? [...value].length : 0);

function maxLength(problems: string[], path: string, value: unknown, max: number, required = false): void {
  if (value === undefined || value === null) {
    if (required) problems.push(`${path}: required`);
    return;
  }
  if (typeof value !== 'string') {
    problems.push(`${path}: must be a string`);
    return;
  }
  if (required && value.length === 0) problems.push(`${path}: must not be empty`);
  if (len(value) > max) problems.push(`${path}: must be ${max} or fewer in length (is ${len(value)})`);
}

/** Content, embeds (count, per-field limits, 6000 characters in total) of a create or edit body. */
export function messageProblems(body: Json): string[] {
  const problems: string[] = [];
  maxLength(problems, 'content', body.content, 2000);
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) problems.push('embeds: must be an array');
    else {
      if (body.embeds.length > 10) problems.push(`embeds: must be 10 or fewer in length (is ${body.embeds.length})`);
      let total = 0;
      body.embeds.forEach((embed: unknown, i: number) => {
        const at = `embeds.${i}`;
        if (!isObject(embed)) {
          problems.push(`${at}: must be an object`);
          return;
        }
        maxLength(problems, `${at}.title`, embed.title, 256);
        maxLength(problems, `${at}.description`, embed.description, 4096);
        total += len(embed.title) + len(embed.description);
        if (isObject(embed.footer)) {
          maxLength(problems, `${at}.footer.text`, embed.footer.text, 2048, true);
          total += len(embed.footer.text);
        }
        if (isObject(embed.author)) {
          maxLength(problems, `${at}.author.name`, embed.author.name, 256, true);
          total += len(embed.author.name);
        }
        if (embed.color !== undefined && embed.color !== null && (typeof embed.color !== 'number' || embed.color < 0 || embed.color > 0xffffff)) {
          problems.push(`${at}.color: must be an integer 0..16777215`);
        }
        if (embed.fields !== undefined) {
          if (!Array.isArray(embed.fields)) problems.push(`${at}.fields: must be an array`);
          else {
            if (embed.fields.length > 25) problems.push(`${at}.fields: must be 25 or fewer in length (is ${embed.fields.length})`);
            embed.fields.forEach((field: unknown, j: number) => {
              if (!isObject(field)) {
                problems.push(`${at}.fields.${j}: must be an object`);
                return;
              }
              maxLength(problems, `${at}.fields.${j}.name`, field.name, 256, true);
              maxLength(problems, `${at}.fields.${j}.value`, field.value, 1024, true);
              total += len(field.name) + len(field.value);
            });
          }
        }
      });
      if (total > 6000) problems.push(`embeds: the embeds hold ${total} characters in total; the limit is 6000`);
    }
  }
  if (Array.isArray(body.components) && (Number(body.flags ?? 0) & COMPONENTS_V2) === 0 && body.components.length > 5) {
    problems.push(`components: must be 5 or fewer in length (is ${body.components.length})`);
  }
  return problems;
}

/** A new message needs content, an embed, a file, a sticker, a poll or components. */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const has = (value: unknown) => (Array.isArray(value) ? value.length > 0 : typeof value === 'string' ? value.length > 0 : Boolean(value));
  return !(has(body.content) || has(body.embeds) || fileCount > 0 || has(body.sticker_ids) || has(body.poll) || has(body.components));
}

export function choicesProblems(choices: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(choices)) return ['choices: must be an array'];
  if (choices.length > 25) problems.push(`choices: must be 25 or fewer in length (is ${choices.length})`);
  choices.forEach((choice: unknown, i: number) => {
    if (!isObject(choice)) {
      problems.push(`choices.${i}: must be an object`);
      return;
    }
    maxLength(problems, `choices.${i}.name`, choice.name, 100, true);
    if (typeof choice.value === 'string') maxLength(problems, `choices.${i}.value`, choice.value, 100);
    else if (typeof choice.value !== 'number') problems.push(`choices.${i}.value: must be a string or a number`);
  });
  return problems;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function optionProblems(problems: string[], path: string, options: unknown, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    problems.push(`${path}: must be an array`);
    return;
  }
  if (options.length > 25) problems.push(`${path}: must be 25 or fewer in length`);
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((option: unknown, i: number) => {
    const at = `${path}.${i}`;
    if (!isObject(option)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const name = String(option.name ?? '');
    if (!NAME.test(name) || name !== name.toLowerCase()) problems.push(`${at}.name: invalid option name '${name}'`);
    if (names.has(name)) problems.push(`${at}.name: duplicate option name '${name}'`);
    names.add(name);
    maxLength(problems, `${at}.description`, option.description, 100, true);
    const type = Number(option.type);
    if (!(type >= 1 && type <= 11)) problems.push(`${at}.type: unknown option type ${String(option.type)}`);
    if (type === 1 || type === 2) {
      if (depth >= (type === 2 ? 1 : 2)) problems.push(`${at}: sub-command nesting too deep`);
      optionProblems(problems, `${at}.options`, option.options, depth + 1);
      return;
    }
    if (option.required === true && sawOptional) problems.push(`${at}: required options must be placed before non-required options`);
    if (option.required !== true) sawOptional = true;
    if (Array.isArray(option.choices)) {
      if (option.autocomplete === true) problems.push(`${at}: autocomplete and choices cannot both be set`);
      problems.push(...choicesProblems(option.choices).map((problem) => `${at}.${problem}`));
    }
  });
}

/** A bulk overwrite body (PUT …/commands). */
export function commandsProblems(commands: unknown): string[] {
  if (!Array.isArray(commands)) return ['body: must be an array of commands'];
  const problems: string[] = [];
  if (commands.length > 110) problems.push('body: too many commands');
  const names = new Set<string>();
  commands.forEach((command: unknown, i: number) => {
    const at = `${i}`;
    if (!isObject(command)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const type = Number(command.type ?? 1);
    const name = String(command.name ?? '');
    if (!NAME.test(name) || (type === 1 && name !== name.toLowerCase())) problems.push(`${at}.name: invalid command name '${name}'`);
    if (names.has(`${type}:${name}`)) problems.push(`${at}.name: duplicate command name '${name}'`);
    names.add(`${type}:${name}`);
    if (type === 1) maxLength(problems, `${at}.description`, command.description, 100, true);
    optionProblems(problems, `${at}.options`, command.options, 0);
  });
  return problems;
}

/** The body of a 400 Invalid Form Body, shaped so discord.js prints each problem. */
export function invalidFormBody(problems: string[]) {
  const errors: Record<string, { _errors: Array<{ code: string; message: string }> }> = {};
  for (const problem of problems) {
    const colon = problem.indexOf(': ');
    const key = colon > 0 ? problem.slice(0, colon) : '_root';
    const message = colon > 0 ? problem.slice(colon + 2) : problem;
    (errors[key] ??= { _errors: [] })._errors.push({ code: 'BASE_TYPE_INVALID', message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
}
