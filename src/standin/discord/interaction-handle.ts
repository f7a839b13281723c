import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { ChangeFeed } from './change-feed.js';
import type { InteractionState, RecordedCallback, RecordedMessage } from './types.js';

export interface InteractionInit {
  id: string;
  token: string;
  /** 2 application command, 3 component, 4 autocomplete. */
  type: number;
  commandName: string | null;
  /** A readable form of the invocation, e.g. `/tokens status node:pc-a`. */
  invocation: string;
  invokerId: string;
  invokerName: string;
  channelId: string;
  guildId: string | null;
  payload: Record<string, unknown>;
  /** How long the token works on the webhook routes, from dispatch. */
  tokenTtlMs: number;
}

/**
 * One injected interaction and everything the bot did about it. The stand-in updates it as REST calls arrive;
 * tests await one of the wait* methods.
 */
export class InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly commandName: string | null;
  readonly invocation: string;
  readonly invokerId: string;
  readonly invokerName: string;
  readonly channelId: string;
  readonly guildId: string | null;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: Record<string, unknown>;
  readonly dispatchedAt = Date.now();
  readonly callbacks: RecordedCallback[] = [];
  /** The original response (or, for a component interaction acknowledged with 6/7, the message it sits on). */
  original: RecordedMessage | null = null;
  readonly followUps: RecordedMessage[] = [];
  choices: APIApplicationCommandOptionChoice[] | null = null;
  readonly refusals: string[] = [];
  /** Last time anything about this interaction changed. */
  lastActivityAt = Date.now();
  /** When @original was last edited (to tell a 6 "deferred update" apart from its later edit). */
  originalEditedAt: number | null = null;
  /** From then on the webhook routes refuse the token (401 50027), as Discord does 15 min after the interaction. */
  tokenExpiresAt: number;

  constructor(
    init: InteractionInit,
    private readonly feed: ChangeFeed,
  ) {
    this.id = init.id;
    this.token = init.token;
    this.type = init.type;
    this.commandName = init.commandName;
    this.invocation = init.invocation;
    this.invokerId = init.invokerId;
    this.invokerName = init.invokerName;
    this.channelId = init.channelId;
    this.guildId = init.guildId;
    this.payload = init.payload;
    this.tokenExpiresAt = this.dispatchedAt + init.tokenTtlMs;
  }

  tokenExpired(now = Date.now()): boolean {
    return now >= this.tokenExpiresAt;
  }

  /** A snapshot of what the interaction shows now. */
  get state(): InteractionState {
    const original = this.original && !this.original.deleted ? this.original : null;
    const types = this.callbacks.filter((callback) => callback.status < 300).map((callback) => callback.type);
    return {
      interactionId: this.id,
      commandName: this.commandName,
      callbacks: [...this.callbacks],
      acknowledged: types.length > 0,
      deferred: types.includes(5) || types.includes(6),
      original,
      content: original?.content ?? '',
      embeds: original?.embeds ?? [],
      components: original?.components ?? [],
      attachments: original?.attachments ?? [],
      flags: original?.flags ?? 0,
      ephemeral: original?.ephemeral ?? false,
      loading: original?.loading ?? false,
      followUps: this.followUps.filter((message) => !message.deleted),
      choices: this.choices,
      refusals: [...this.refusals],
    };
  }

  /** True once a person would see an answer: a reply, an edited deferral, an update, choices or a modal. */
  get replied(): boolean {
    const accepted = this.callbacks.filter((callback) => callback.status < 300);
    const last = accepted[accepted.length - 1];
    if (!last) return false;
    switch (last.type) {
      case 5:
        return this.original !== null && !this.original.loading;
      case 6:
        return this.originalEditedAt !== null && this.originalEditedAt >= last.at;
      default:
        return true;
    }
  }

  touch(): void {
    this.lastActivityAt = Date.now();
    this.feed.notify();
  }

  /** The first callback (accepted or refused). */
  waitForCallback(timeoutMs = 3_000): Promise<RecordedCallback> {
    return this.feed.waitFor(() => this.callbacks[0], timeoutMs, () => `a callback to ${this.invocation}`);
  }

  /**
   * Resolves with the state once `predicate` holds; by default once the reply is visible (see `replied`).
   * E.g. `await handle.waitForReply((s) => s.embeds.length > 0)`.
   */
  waitForReply(predicate?: (state: InteractionState) => boolean, timeoutMs = 5_000): Promise<InteractionState> {
    return this.feed.waitFor(
      () => {
        // Re-checked on every change anywhere in the stand-in: the snapshot is built only when it may be the answer.
        if (!predicate) return this.replied ? this.state : null;
        const state = this.state;
        return predicate(state) ? state : null;
      },
      timeoutMs,
      () => `the reply to ${this.invocation} (${this.describe()})`,
    );
  }

  /** Resolves with the first follow-up that matches. */
  waitForFollowUp(predicate: (message: RecordedMessage) => boolean = () => true, timeoutMs = 5_000): Promise<RecordedMessage> {
    return this.feed.waitFor(
      () => this.followUps.find((message) => !message.deleted && predicate(message)),
      timeoutMs,
      () => `a follow-up to ${this.invocation} (${this.describe()})`,
    );
  }

  /** Waits for the reply, then until nothing about the interaction changed for `quietMs`: the final state. */
  async waitForSettled(options: { quietMs?: number; timeoutMs?: number } = {}): Promise<InteractionState> {
    const quietMs = options.quietMs ?? 200;
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    await this.waitForReply(undefined, Math.max(1, deadline - Date.now()));
    for (;;) {
      const quietFor = Date.now() - this.lastActivityAt;
      if (quietFor >= quietMs) return this.state;
      if (Date.now() + (quietMs - quietFor) > deadline) throw new Error(`${this.invocation} kept changing until the timeout (${this.describe()})`);
      await new Promise((resolve) => setTimeout(resolve, quietMs - quietFor));
    }
  }

  /** A one-line summary for timeout messages. */
  describe(): string {
    const callbacks = this.callbacks.map((callback) => `${callback.type}→${callback.status}`).join(',') || 'none';
    const original = this.original
      ? `original ${this.original.loading ? 'loading' : JSON.stringify(this.original.content).slice(0, 60)} +${this.original.embeds.length} embeds`
      : 'no original';
    const refusals = this.refusals.length ? `; refused: ${this.refusals.join(' | ')}` : '';
    return `callbacks ${callbacks}; ${original}; ${this.followUps.length} follow-ups${refusals}`;
  }
}
