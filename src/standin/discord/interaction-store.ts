import type { StandinContext } from './context.js';
import type { Gateway } from './gateway.js';
import type { Json } from './http-util.js';
import type { InteractionContext } from './interaction-context.js';
import { InteractionHandle } from './interaction-handle.js';
import { interactionToken, snowflake } from './snowflake.js';
import type { RecordedCallback, RecordedMessage } from './types.js';

/** Discord: an interaction token works for 15 minutes. */
const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;

/**
 * The interactions the stand-in dispatched, found again by id (the callback route, message metadata) and by
 * token (the webhook routes), and for a component interaction the message its button or select sits on.
 */
export class InteractionStore {
  /** Every injected interaction, in order. */
  readonly handles: InteractionHandle[] = [];
  /** Every interaction callback the bot made (accepted or refused), in order. */
  readonly responses: RecordedCallback[] = [];
  private readonly handlesById = new Map<string, InteractionHandle>();
  private readonly handlesByToken = new Map<string, InteractionHandle>();
  private readonly componentMessages = new Map<string, RecordedMessage>();

  constructor(
    private readonly ctx: StandinContext,
    private readonly gateway: Gateway,
  ) {}

  byId(id: string): InteractionHandle | undefined {
    return this.handlesById.get(id);
  }

  byToken(token: string): InteractionHandle | undefined {
    return this.handlesByToken.get(token);
  }

  /** Makes an interaction's token expired now (as if its 15 minutes were up); throws for an unknown interaction. */
  expireToken(interaction: InteractionHandle | string): void {
    const handle = typeof interaction === 'string' ? this.handlesById.get(interaction) : interaction;
    if (!handle || this.handlesById.get(handle.id) !== handle) throw new Error(`expireInteractionToken: no interaction ${typeof interaction === 'string' ? interaction : interaction.id}`);
    handle.tokenExpiresAt = Math.min(handle.tokenExpiresAt, Date.now());
    this.ctx.feed.notify();
  }

  /** The message a component interaction was made on (what callback types 6 and 7 act on). */
  componentMessage(interactionId: string): RecordedMessage | undefined {
    return this.componentMessages.get(interactionId);
  }

  /**
   * Dispatches INTERACTION_CREATE (type 2 command, 3 component, 4 autocomplete) with a fresh id and token.
   * Throws rather than dispatch into the void: an interaction no session will ever see is a test's mistake.
   */
  inject(
    type: number,
    data: Json,
    context: InteractionContext,
    commandName: string | null,
    invocation: string,
    component?: { message: RecordedMessage; apiMessage: Json },
  ): InteractionHandle {
    if (this.ctx.closed) throw new Error('the stand-in is closed');
    if (!this.gateway.hasSession) throw new Error(`cannot send ${invocation}: the bot has no gateway session (await waitForReady() first)`);
    const id = snowflake();
    const token = interactionToken();
    const payload: Json = {
      id,
      application_id: this.ctx.applicationId,
      type,
      data,
      token,
      version: 1,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      ...context.fields,
      ...(component ? { message: component.apiMessage } : {}),
    };
    const handle = new InteractionHandle(
      {
        id,
        token,
        type,
        commandName,
        invocation,
        invokerId: context.member.id,
        invokerName: context.member.username,
        channelId: context.channelId,
        guildId: context.guildId,
        payload,
        tokenTtlMs: this.ctx.options.interactionTokenTtlMs ?? INTERACTION_TOKEN_TTL_MS,
      },
      this.ctx.feed,
    );
    this.handles.push(handle);
    this.handlesById.set(id, handle);
    this.handlesByToken.set(token, handle);
    if (component) this.componentMessages.set(id, component.message);
    this.gateway.dispatch('INTERACTION_CREATE', payload);
    this.ctx.feed.notify();
    return handle;
  }
}
