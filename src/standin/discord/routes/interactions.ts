import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { StandinContext } from '../context.js';
import type { Json } from '../http-util.js';
import { InteractionHandle } from '../interaction-handle.js';
import type { InteractionStore } from '../interaction-store.js';
import { EPHEMERAL, INTERACTION_MESSAGE_FLAGS, LOADING } from '../message-flags.js';
import type { MessageStore } from '../message-store.js';
import { fail, noContent, ok, unknownInteraction, unknownMessage, unknownWebhook, type Answer, type RestRouter, type RouteContext } from '../rest-router.js';
import type { RecordedCallback, RecordedMessage } from '../types.js';
import { choicesProblems, invalidFormBody } from '../validate.js';
import { refusedMessage } from './message-checks.js';

interface Parts {
  ctx: StandinContext;
  interactions: InteractionStore;
  messages: MessageStore;
}

/** Callback types Discord accepts per interaction type (2 command, 3 component, 4 autocomplete, 5 modal submit). */
const CALLBACKS_ALLOWED: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };

/**
 * How the bot answers an interaction: the callback (`/interactions/:id/:token/callback`, once, within the
 * deadline) and then the interaction's webhook (`/webhooks/:app/:token…`): follow-ups, and GET/PATCH/DELETE
 * of the original response and of follow-ups. Called without the bot token: the interaction token is the key.
 */
export function interactionRoutes(router: RestRouter, parts: Parts): void {
  const { ctx, messages } = parts;
  router.route('POST', '/v10/interactions/:id/:token/callback', (route) => callback(parts, route));
  router.route('POST', '/v10/webhooks/:app/:token', (route) => followUp(parts, route));
  router.route('GET', '/v10/webhooks/:app/:token/messages/:message', ({ params }) => {
    const found = webhookMessage(parts, params, 'fetch');
    return 'status' in found ? found : ok(messages.apiMessage(found.message));
  });
  router.route('PATCH', '/v10/webhooks/:app/:token/messages/:message', ({ params, json, body }) => {
    const found = webhookMessage(parts, params, 'edit');
    if ('status' in found) return found;
    const refused = refusedMessage(ctx, `PATCH webhook message ${params.message}`, json, body.files, false);
    if (refused) {
      found.handle.refusals.push(`edit: ${ctx.refusals.at(-1) ?? 'invalid'}`);
      found.handle.touch();
      return refused;
    }
    messages.edit(found.message, json, body.files, found.handle);
    return ok(messages.apiMessage(found.message));
  });
  router.route('DELETE', '/v10/webhooks/:app/:token/messages/:message', ({ params }) => {
    const found = webhookMessage(parts, params, 'delete');
    if ('status' in found) return found;
    messages.delete(found.message, found.handle);
    return noContent();
  });
}

function callback({ ctx, interactions, messages }: Parts, { params, query, json, body }: RouteContext): Answer {
  const handle = interactions.byId(params.id!);
  if (!handle || handle.token !== params.token) {
    ctx.refuse(`callback for unknown interaction ${params.id}`);
    return unknownInteraction();
  }
  const now = Date.now();
  const type = Number(json.type);
  const withResponse = query.get('with_response') === 'true';
  const recorded: RecordedCallback = { interactionId: handle.id, type, data: json.data ?? null, at: now, latencyMs: now - handle.dispatchedAt, withResponse, status: 0 };
  // A refused callback is recorded too (on the interaction and in the stand-in's refusals): tests assert on both.
  const refuse = (answer: Answer, why: string): Answer => {
    recorded.status = answer.status;
    handle.callbacks.push(recorded);
    handle.refusals.push(why);
    interactions.responses.push(recorded);
    ctx.refuse(`${handle.invocation}: ${why}`);
    handle.touch();
    return answer;
  };
  const deadline = ctx.options.interactionDeadlineMs ?? 3_000;
  if (recorded.latencyMs > deadline) return refuse(unknownInteraction(), `callback ${recorded.latencyMs} ms after dispatch (Discord allows ${deadline} ms)`);
  if (handle.callbacks.some((earlier) => earlier.status < 300)) return refuse(fail(400, 40060, 'Interaction has already been acknowledged.'), 'acknowledged twice');
  if (!(CALLBACKS_ALLOWED[handle.type] ?? []).includes(type)) {
    return refuse({ status: 400, body: invalidFormBody([`type: callback type ${type} is not valid for interaction type ${handle.type}`]) }, `callback type ${type} on interaction type ${handle.type}`);
  }
  const data = (json.data ?? {}) as Json;
  const files = body.files;
  const accept = () => {
    recorded.status = withResponse ? 200 : 204;
    handle.callbacks.push(recorded);
  };
  switch (type) {
    case 4: {
      const refused = refusedMessage(ctx, `${handle.invocation} reply`, data, files, true);
      if (refused) return refuse(refused, `reply refused: ${ctx.refusals.at(-1) ?? ''}`);
      const flags = Number(data.flags ?? 0) & INTERACTION_MESSAGE_FLAGS;
      // Recorded before it is accepted: a waiter woken by the message sees neither, never an empty reply.
      handle.original = messages.record({ kind: 'interaction-original', channelId: handle.channelId, guildId: handle.guildId, author: ctx.guild.botMember, body: data, files, flags, interaction: handle });
      accept();
      break;
    }
    case 5: {
      const flags = (Number(data.flags ?? 0) & EPHEMERAL) | LOADING;
      handle.original = messages.record({ kind: 'interaction-original', channelId: handle.channelId, guildId: handle.guildId, author: ctx.guild.botMember, body: {}, files: [], flags, interaction: handle });
      accept();
      break;
    }
    case 6:
    case 7: {
      const message = interactions.componentMessage(handle.id);
      if (!message) return refuse(unknownMessage(), 'update without a component message');
      if (type === 7) {
        const refused = refusedMessage(ctx, `${handle.invocation} update`, data, files, false);
        if (refused) return refuse(refused, `update refused: ${ctx.refusals.at(-1) ?? ''}`);
      }
      accept();
      handle.original = message;
      if (type === 7) messages.edit(message, data, files, handle);
      break;
    }
    case 8: {
      const problems = choicesProblems(data.choices);
      if (problems.length) return refuse({ status: 400, body: invalidFormBody(problems) }, `choices refused: ${problems.join('; ')}`);
      accept();
      handle.choices = data.choices as APIApplicationCommandOptionChoice[];
      break;
    }
    case 9: {
      accept();
      break;
    }
  }
  interactions.responses.push(recorded);
  handle.touch();
  if (!withResponse) return noContent();
  const original = handle.original;
  return ok({
    interaction: {
      id: handle.id,
      type: handle.type,
      ...(original ? { response_message_id: original.id, response_message_loading: original.loading, response_message_ephemeral: original.ephemeral } : {}),
    },
    resource: { type, ...(original && [4, 5, 7].includes(type) ? { message: messages.apiMessage(original) } : {}) },
  });
}

/**
 * The interaction whose webhook a route names. Unknown Webhook until the interaction was acknowledged;
 * once its token has expired (15 min after the interaction on Discord) 401 Invalid Webhook Token, which is
 * recorded as a refusal (`what` the bot tried: 'follow-up', 'edit' …) since the bot should have used the
 * channel route with its own token instead.
 */
function webhookHandle({ ctx, interactions }: Parts, params: Record<string, string>, what: string): InteractionHandle | Answer {
  if (params.app !== ctx.applicationId) return unknownWebhook();
  const handle = interactions.byToken(params.token!);
  if (!handle) return unknownWebhook();
  const now = Date.now();
  if (handle.tokenExpired(now)) {
    handle.refusals.push(`${what}: interaction token expired`);
    ctx.refuse(`${handle.invocation} ${what}: interaction token expired (${Math.round((now - handle.dispatchedAt) / 1000)} s after the interaction)`);
    handle.touch();
    return fail(401, 50027, 'Invalid Webhook Token');
  }
  if (!handle.callbacks.some((recorded) => recorded.status < 300)) return unknownWebhook();
  return handle;
}

/** `@original` or a follow-up of that interaction (a webhook reaches no other message). */
function webhookMessage(parts: Parts, params: Record<string, string>, what: string): { handle: InteractionHandle; message: RecordedMessage } | Answer {
  const handle = webhookHandle(parts, params, what);
  if (!(handle instanceof InteractionHandle)) return handle;
  const message = params.message === '@original' ? handle.original : [handle.original, ...handle.followUps].find((candidate) => candidate?.id === params.message);
  if (!message || message.deleted) return unknownMessage();
  return { handle, message };
}

function followUp(parts: Parts, { params, query, json, body }: RouteContext): Answer {
  const { ctx, messages } = parts;
  const handle = webhookHandle(parts, params, 'follow-up');
  if (!(handle instanceof InteractionHandle)) return handle;
  const refused = refusedMessage(ctx, `${handle.invocation} follow-up`, json, body.files, true);
  if (refused) {
    handle.refusals.push(`follow-up: ${ctx.refusals.at(-1) ?? 'invalid'}`);
    handle.touch();
    return refused;
  }
  let message: RecordedMessage;
  if (handle.original?.loading && handle.original.kind === 'interaction-original') {
    // Discord: the first follow-up after a deferred reply replaces the "thinking" message (keeping its ephemerality).
    message = handle.original;
    messages.edit(message, json, body.files, handle);
  } else {
    const flags = Number(json.flags ?? 0) & INTERACTION_MESSAGE_FLAGS;
    message = messages.record({ kind: 'follow-up', channelId: handle.channelId, guildId: handle.guildId, author: ctx.guild.botMember, body: json, files: body.files, flags, interaction: handle });
    handle.followUps.push(message);
    handle.touch();
  }
  return query.get('wait') === 'false' ? noContent() : ok(messages.apiMessage(message));
}
