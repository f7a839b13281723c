import type { StandinContext } from '../context.js';
import type { Json, UploadedFile } from '../http-util.js';
import { fail, type Answer } from '../rest-router.js';
import { invalidFormBody, isEmptyMessage, messageProblems } from '../validate.js';

/**
 * Checks a message the bot sends or edits (channel routes and interaction routes alike) against Discord's
 * limits: null when Discord would take it, else its answer (400 50035 Invalid Form Body, or 50006 for a new
 * message with nothing in it), with the refusal recorded.
 */
export function refusedMessage(ctx: StandinContext, where: string, json: Json, files: UploadedFile[], isNew: boolean): Answer | null {
  const problems = messageProblems(json);
  if (problems.length) {
    ctx.refuse(`${where}: ${problems.join('; ')}`);
    return { status: 400, body: invalidFormBody(problems) };
  }
  if (isNew && isEmptyMessage(json, files.length)) {
    ctx.refuse(`${where}: empty message`);
    return fail(400, 50006, 'Cannot send an empty message');
  }
  return null;
}
