import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GatewayIntentBits, type APIApplicationCommandOptionChoice, type APIEmbed } from 'discord.js';
import type { Overwrite } from '../../discord/bot-permissions.js';
import { commandInvocation } from './command-invocation.js';
import { CommandRegistry } from './command-registry.js';
import { StandinContext } from './context.js';
import { DmChannels } from './dm-channels.js';
import { apiChannel, type GuildModel } from './fixtures.js';
import { Gateway } from './gateway.js';
import type { Json } from './http-util.js';
import { interactionContext } from './interaction-context.js';
import type { InteractionHandle } from './interaction-handle.js';
import { InteractionStore } from './interaction-store.js';
import { MessageStore } from './message-store.js';
import { Outage } from './outage.js';
import { ReactionStore } from './reaction-store.js';
import { RestRouter } from './rest-router.js';
import { RestServer } from './rest-server.js';
import { applicationRoutes } from './routes/applications.js';
import { channelRoutes } from './routes/channels.js';
import { gatewayRoutes } from './routes/gateway.js';
import { guildRoutes } from './routes/guilds.js';
import { interactionRoutes } from './routes/interactions.js';
import { reactionRoutes } from './routes/reactions.js';
import { userRoutes } from './routes/users.js';
import { discordSpec } from './spec/spec-check.js';
import { claim } from './spec/unclaimed-violations.js';
import { renderTranscript } from './transcript.js';
import type {
  AutocompleteOptions,
  ComponentOptions,
  OutageMode,
  RecordedCallback,
  RecordedMessage,
  RecordedReaction,
  RecordedRequest,
  RegisteredCommand,
  SlashOptions,
  StandinMember,
  StandinOptions,
} from './types.js';

/**
 * A local Discord: a loopback HTTP (REST API v10 under `/api`) and WebSocket (gateway) server the real
 * discord.js Client connects to, with injection of slash commands, autocomplete, button clicks and reactions
 * as guild members, and a record of everything the bot sent.
 *
 * ```ts
 * const discord = await DiscordStandin.start();
 * const client = new Client({ intents, rest: { api: discord.apiBase } });   // DISCORD_API_BASE=discord.apiBase
 * await client.login('any-token'); await discord.waitForReady();
 * const reply = await discord.slash('tokens', { subcommand: 'status', member: DEFAULT_OPS_MEMBER.id }).waitForReply();
 * ```
 *
 * This class is what tests hold: it wires the parts together (the gateway, the REST server and its routes
 * per resource under routes/, the stores of messages, reactions, interactions and commands) and exposes
 * their record. The Discord behaviour itself lives in those parts.
 */
export class DiscordStandin {
  /** For DISCORD_API_BASE / `new Client({ rest: { api } })`: `http://127.0.0.1:PORT/api`. */
  readonly apiBase: string;
  /** What GET /gateway/bot answers. */
  readonly gatewayUrl: string;
  readonly port: number;
  readonly guildId: string;
  readonly opsChannelId: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly opsRoleId: string;
  readonly guild: GuildModel;

  // ── The record ──────────────────────────────────────────────────────────────────────────────────────────
  /** Every message created in any channel (channel messages, interaction responses, follow-ups), in order. */
  readonly messages: RecordedMessage[];
  /** Every injected interaction, in order. */
  readonly interactions: InteractionHandle[];
  /** Every interaction callback the bot made (accepted or refused), in order. */
  readonly interactionResponses: RecordedCallback[];
  /** Every reaction added (and when it was removed), in order. */
  readonly reactionLog: RecordedReaction[];
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[];
  /** Every raw request body the bot sent (multipart included), for secret scans. */
  readonly requestBodies: string[];
  /** `METHOD /path` of requests no route answered (they got a 404). */
  readonly unknownRoutes: string[];
  /**
   * Requests Discord's published API (the `discord-api-spec` package) refuses: a route Discord lacks, a
   * wrong method, an unknown query parameter, an id that is not a snowflake, a body its schema refuses.
   * Each is answered as Discord would (404, 405, 400 50035). The test suite fails a test that leaves
   * one unclaimed; a test that sends one on purpose takes it with `claimSpecViolations()`.
   */
  readonly specViolations: string[];
  /** Payloads the stand-in refused the way Discord would (limits, empty messages, late or double callbacks). */
  readonly refusals: string[];
  /** IDENTIFY payloads (token removed). */
  readonly identifies: Json[];
  /** A readable log of gateway events (connect, identify, resume, drop, skipped dispatches). */
  readonly gatewayLog: string[];
  /** Every bulk command registration: scope ('global' or a guild id) and the names. */
  readonly commandRegistrations: Array<{ scope: string; names: string[]; at: number }>;

  private readonly ctx: StandinContext;
  private readonly outage = new Outage();
  private readonly gateway: Gateway;
  private readonly rest: RestServer;
  private readonly router: RestRouter;
  private claimedViolations = 0;
  private readonly dms = new DmChannels();
  private readonly commands: CommandRegistry;
  private readonly reactionStore: ReactionStore;
  private readonly interactionStore: InteractionStore;
  private readonly messageStore: MessageStore;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    port: number,
    options: StandinOptions,
  ) {
    const ctx = (this.ctx = new StandinContext(options, port));
    this.port = port;
    this.apiBase = ctx.apiBase;
    this.gatewayUrl = ctx.gatewayUrl;
    this.guildId = ctx.guildId;
    this.opsChannelId = ctx.opsChannelId;
    this.applicationId = ctx.applicationId;
    this.botUserId = ctx.botUserId;
    this.opsRoleId = ctx.opsRoleId;
    this.guild = ctx.guild;

    this.gateway = new Gateway(ctx, this.outage);
    this.commands = new CommandRegistry(ctx);
    this.reactionStore = new ReactionStore(ctx, this.gateway);
    this.interactionStore = new InteractionStore(ctx, this.gateway);
    this.messageStore = new MessageStore(ctx, this.gateway, this.reactionStore, this.interactionStore, this.dms);
    const router = (this.router = new RestRouter());
    gatewayRoutes(router, ctx);
    userRoutes(router, ctx, this.dms);
    applicationRoutes(router, ctx, this.commands);
    interactionRoutes(router, { ctx, interactions: this.interactionStore, messages: this.messageStore });
    guildRoutes(router, ctx);
    channelRoutes(router, ctx, this.messageStore, this.dms);
    reactionRoutes(router, ctx, this.messageStore, this.reactionStore, this.gateway);
    this.rest = new RestServer(ctx, this.outage, router, (id) => this.messageStore.attachment(id));

    this.messages = this.messageStore.all;
    this.interactions = this.interactionStore.handles;
    this.interactionResponses = this.interactionStore.responses;
    this.reactionLog = this.reactionStore.log;
    this.requests = this.rest.requests;
    this.requestBodies = this.rest.requestBodies;
    this.unknownRoutes = this.rest.unknownRoutes;
    this.specViolations = this.rest.specViolations;
    this.refusals = ctx.refusals;
    this.identifies = this.gateway.identifies;
    this.gatewayLog = this.gateway.log;
    this.commandRegistrations = this.commands.registrations;
  }

  /** Starts the stand-in on 127.0.0.1 (a free port unless `options.port`). */
  static async start(options: StandinOptions = {}): Promise<DiscordStandin> {
    // Every request is checked against Discord's published API: loaded up front, so a missing package fails here.
    await discordSpec();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const standin = new DiscordStandin(server, (server.address() as AddressInfo).port, options);
    server.on('connection', (socket) => {
      standin.sockets.add(socket);
      socket.on('close', () => standin.sockets.delete(socket));
    });
    server.on('request', (req, res) => void standin.rest.handle(req, res));
    server.on('upgrade', (req, socket, head) => standin.gateway.upgrade(req, socket as Socket, head));
    return standin;
  }

  /** READY sent (each IDENTIFY the stand-in answered). */
  get readyCount(): number {
    return this.gateway.readyCount;
  }

  /** RESUMED sent (each successful RESUME). */
  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  // ── Waiting ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Resolves once the bot is connected: identified and sent the guild (or resumed). Also after dropGateway. */
  waitForReady(timeoutMs = 5_000): Promise<void> {
    return this.ctx.feed.waitFor(
      () => this.gateway.connectedSessions > 0,
      timeoutMs,
      () => `the bot's gateway connection (log: ${this.gatewayLog.slice(-5).join(' | ') || 'nothing yet'})`,
    ).then(() => undefined);
  }

  /** Resolves with the first message (any channel, ephemeral included) that matches, now or later; re-checked on edits. */
  waitForMessage(predicate: (message: RecordedMessage) => boolean, timeoutMs = 5_000): Promise<RecordedMessage> {
    return this.ctx.feed.waitFor(
      () => this.messages.find((message) => !message.deleted && predicate(message)),
      timeoutMs,
      () => `a matching message (${this.messages.length} recorded; last: ${JSON.stringify(this.messages.at(-1)?.content ?? null)})`,
    );
  }

  /** Resolves with the commands of `scope` (default: the guild) once a registration happened. */
  waitForCommands(timeoutMs = 5_000, scope: string = this.guildId): Promise<RegisteredCommand[]> {
    return this.ctx.feed.waitFor(
      () => (this.commandRegistrations.some((registration) => registration.scope === scope) ? this.commands.inScope(scope) : null),
      timeoutMs,
      () => `a command registration for ${scope}`,
    );
  }

  /** Resolves once `check` returns something truthy; re-checked on every recorded change. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, what = 'a condition'): Promise<T> {
    return this.ctx.feed.waitFor(check, timeoutMs, () => what);
  }

  // ── Queries over the record ─────────────────────────────────────────────────────────────────────────────

  /** `METHOD /path` of every REST request, first occurrence order, without repeats. */
  get routesSeen(): string[] {
    return [...new Set(this.requests.map((request) => `${request.method} ${request.path}`))];
  }

  /** `METHOD /v10/pattern` of every REST route the stand-in serves. */
  get servedRoutes(): string[] {
    return this.router.patterns;
  }

  /** The spec violations this stand-in recorded since the last claim, taken as meant by the test that calls it (see `specViolations`). */
  claimSpecViolations(): string[] {
    const fresh = this.specViolations.slice(this.claimedViolations);
    this.claimedViolations = this.specViolations.length;
    claim(fresh);
    return fresh;
  }

  /** The currently registered commands: global ones, then each guild's (with guild_id). */
  get registeredCommands(): RegisteredCommand[] {
    return this.commands.all;
  }

  /** messageId → emoji → user ids (the bot's own reactions included), current state. */
  get reactions(): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    for (const messageId of this.reactionStore.messageIds()) out[messageId] = this.reactionsOn(messageId);
    return out;
  }

  /** emoji → user ids currently reacting on a message. */
  reactionsOn(messageId: string): Record<string, string[]> {
    return this.reactionStore.on(messageId);
  }

  messageById(id: string): RecordedMessage | undefined {
    return this.messageStore.byId(id);
  }

  /** What everyone in the channel sees: not deleted, not ephemeral. */
  channelMessages(channelId: string = this.opsChannelId): RecordedMessage[] {
    return this.messages.filter((message) => message.channelId === channelId && !message.deleted && !message.ephemeral);
  }

  /** The channel as readable text (invocations, authors, content, embeds, files, reactions); for demos and failures. */
  transcript(channelId: string = this.opsChannelId, options: { includeEphemeral?: boolean; versions?: boolean } = {}): string {
    const channel = this.guild.channels.find((candidate) => candidate.id === channelId);
    return renderTranscript({
      channelName: channel?.name ?? channelId,
      channelId,
      messages: this.messages,
      interactions: this.interactions,
      reactionsOn: (id) => this.reactionsOn(id),
      nameOf: (userId) => this.guild.members.get(userId)?.username ?? this.dms.byUser(userId)?.username ?? userId,
      ...(options.includeEphemeral === undefined ? {} : { includeEphemeral: options.includeEphemeral }),
      ...(options.versions === undefined ? {} : { versions: options.versions }),
    });
  }

  /** The REST message object for a recorded message. */
  apiMessageFor(message: RecordedMessage): Json {
    return this.messageStore.apiMessage(message);
  }

  // ── Injection ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A member runs `/commandName [subcommandGroup] [subcommand] options…`: dispatches INTERACTION_CREATE type 2.
   * Option types come from the registered definition when there is one (else string/integer/number/boolean by value).
   */
  slash(commandName: string, options: SlashOptions): InteractionHandle {
    const context = interactionContext(this.ctx, this.dms, options);
    const { data, invocation } = commandInvocation(this.ctx, this.commands, commandName, options, context.guildId, null);
    return this.interactionStore.inject(2, data, context, commandName, invocation);
  }

  /** A member types into an autocomplete option: dispatches type 4 and resolves with the choices the bot answered. */
  async autocomplete(commandName: string, options: AutocompleteOptions, timeoutMs = 3_000): Promise<APIApplicationCommandOptionChoice[]> {
    const context = interactionContext(this.ctx, this.dms, options);
    const { data, invocation } = commandInvocation(this.ctx, this.commands, commandName, options, context.guildId, { name: options.focused, value: options.value });
    const handle = this.interactionStore.inject(4, data, context, commandName, `${invocation} (autocomplete)`);
    return this.ctx.feed.waitFor(
      () => {
        if (handle.refusals.length) throw new Error(`autocomplete for ${invocation} refused: ${handle.refusals.join('; ')}`);
        return handle.choices;
      },
      timeoutMs,
      () => `autocomplete choices for ${invocation} (${handle.describe()})`,
    );
  }

  /** A member clicks a button (or picks from a select) on a recorded message: dispatches type 3. */
  click(messageId: string, customId: string, options: ComponentOptions): InteractionHandle {
    const message = this.recorded('click', messageId);
    const context = interactionContext(this.ctx, this.dms, { ...options, channelId: message.channelId, guildId: message.guildId });
    const data = {
      custom_id: customId,
      component_type: options.componentType ?? 2,
      ...(options.values ? { values: options.values } : {}),
    };
    return this.interactionStore.inject(3, data, context, null, `[${customId}] on ${messageId}`, { message, apiMessage: this.apiMessageFor(message) });
  }

  /** A member reacts to a recorded message: MESSAGE_REACTION_ADD with member (incl. user), user_id, guild_id, channel_id, emoji. */
  react(messageId: string, emoji: string, memberId: string): void {
    const message = this.recorded('react', messageId);
    const member = this.member('react', memberId);
    if (this.reactionStore.add(message, emoji, member.id)) this.reactionStore.dispatch('MESSAGE_REACTION_ADD', message, emoji, member);
  }

  /** A member takes a reaction back: MESSAGE_REACTION_REMOVE. */
  unreact(messageId: string, emoji: string, memberId: string): void {
    const message = this.recorded('unreact', messageId);
    const member = this.member('unreact', memberId);
    if (this.reactionStore.remove(message, emoji, member.id)) this.reactionStore.dispatch('MESSAGE_REACTION_REMOVE', message, emoji, member);
  }

  /**
   * A member posts a message in a guild channel. `dispatch: false` records it without telling the bot, so the
   * bot only ever sees it through a later event (e.g. a reaction on an uncached message).
   */
  injectMessage(input: { content: string; authorId: string; channelId?: string; embeds?: APIEmbed[]; dispatch?: boolean }): RecordedMessage {
    const author = this.member('injectMessage', input.authorId);
    const channelId = input.channelId ?? this.opsChannelId;
    if (!this.guild.channels.some((channel) => channel.id === channelId)) throw new Error(`injectMessage: ${channelId} is not a guild channel`);
    return this.messageStore.record({
      kind: 'channel',
      channelId,
      guildId: this.guildId,
      author,
      body: { content: input.content, embeds: input.embeds ?? [] },
      files: [],
      flags: 0,
      dispatch: input.dispatch ?? true,
    });
  }

  /** The recorded message an injection acts on; a test naming another is mistaken. */
  private recorded(what: string, messageId: string): RecordedMessage {
    const message = this.messageById(messageId);
    if (!message) throw new Error(`${what}: no recorded message ${messageId}`);
    return message;
  }

  /** The guild member an injection acts as. */
  private member(what: string, memberId: string): StandinMember {
    const member = this.guild.members.get(memberId);
    if (!member) throw new Error(`${what}: no member ${memberId}`);
    return member;
  }

  /** Sends a dispatch to the bot (kept for replay when it is disconnected). Returns false when not sent. */
  /**
   * Sets a channel's permission overwrites, as a server admin would, and tells the bot
   * (CHANNEL_UPDATE). What the bot may do there follows: its interactions carry the new
   * app_permissions, and a request it may not make is refused with 403 50013.
   */
  setChannelOverwrites(channelId: string, overwrites: Overwrite[]): void {
    const index = this.guild.channels.findIndex((channel) => channel.id === channelId);
    const channel = this.guild.channels[index];
    if (!channel) throw new Error(`no channel ${channelId} in the stand-in guild`);
    channel.overwrites = overwrites;
    this.gateway.dispatch('CHANNEL_UPDATE', apiChannel(this.guild, channel, index), GatewayIntentBits.Guilds);
  }

  dispatch(t: string, d: unknown, intent?: number): boolean {
    return this.gateway.dispatch(t, d, intent);
  }

  // ── Failure injection ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Makes Discord unreachable: 'http-503' (or true) answers every REST call 503, 'reset' drops the connection
   * without an answer; `gateway: true` also drops the gateway and refuses new gateway connections (503).
   * `setOutage(false)` ends it.
   */
  setOutage(mode: OutageMode | boolean, options: { gateway?: boolean } = {}): void {
    this.gatewayLog.push(this.outage.set(mode, options));
    if (this.outage.gateway && this.gateway.hasSocket) this.gateway.drop();
  }

  /**
   * Drops the bot's gateway connection. By default the socket is cut (close 1006) and the session kept, so
   * discord.js RESUMEs and gets the missed dispatches replayed; `invalidateSession: true` makes the resume fail
   * (op 9 INVALID_SESSION false), so it identifies again (discord.js may wait up to ~6.5 s for its identify
   * throttle). `code` closes cleanly with that close code instead of cutting. Await `waitForReady()` afterwards.
   */
  dropGateway(options: { code?: number; invalidateSession?: boolean } = {}): void {
    this.gateway.drop(options);
  }

  /**
   * Makes an interaction's token expired now, as Discord's is 15 minutes after the interaction
   * (`interactionTokenTtlMs`): its webhook routes (editReply, followUp, fetchReply, deleteReply) then answer
   * 401 50027 Invalid Webhook Token, while the channel routes with the bot token still edit its messages.
   */
  expireInteractionToken(interaction: InteractionHandle | string): void {
    this.interactionStore.expireToken(interaction);
  }

  /** Gateway sessions connected right now (more than one only with `multipleSessions`). */
  get connectedSessions(): number {
    return this.gateway.connectedSessions;
  }

  /** Closes the gateway and HTTP servers and every socket; pending waits reject. */
  async close(): Promise<void> {
    if (this.ctx.closed) return;
    this.ctx.closed = true;
    this.ctx.feed.close('the stand-in was closed');
    await this.gateway.close();
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
