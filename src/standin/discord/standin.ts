import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GatewayIntentBits, type APIApplicationCommandOptionChoice, type APIEmbed } from 'discord.js';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { ChangeFeed } from './change-feed.js';
import {
  apiChannel,
  apiDmChannel,
  apiEmoji,
  apiForeignMember,
  apiGuildBase,
  apiGuildCreate,
  apiMember,
  apiMessage,
  apiRole,
  apiUser,
  buildGuildModel,
  DEFAULT_APPLICATION_ID,
  DEFAULT_BOT_USER_ID,
  DEFAULT_GUILD_ID,
  DEFAULT_OPS_CHANNEL_ID,
  DEFAULT_OPS_MEMBER,
  DEFAULT_OPS_ROLE_ID,
  DEFAULT_PLAIN_MEMBER,
  EVERYONE_PERMISSIONS,
  memberPermissions,
  type GuildModel,
} from './fixtures.js';
import { discordError, parseBody, readBody, send, type ParsedBody, type UploadedFile } from './http-util.js';
import { InteractionHandle } from './interaction-handle.js';
import { interactionToken, snowflake } from './snowflake.js';
import { renderTranscript } from './transcript.js';
import type {
  AutocompleteOptions,
  ComponentOptions,
  InteractionMemberRef,
  MessageKind,
  OptionValue,
  OutageMode,
  RecordedAttachment,
  RecordedCallback,
  RecordedMessage,
  RecordedReaction,
  RecordedRequest,
  RegisteredCommand,
  SlashOptions,
  StandinMember,
  StandinOptions,
} from './types.js';
import { choicesProblems, commandsProblems, invalidFormBody, isEmptyMessage, messageProblems } from './validate.js';

// Bodies are JSON of many shapes; the harness reads them loosely.
type Json = Record<string, any>;

interface Answer {
  status: number;
  body?: unknown;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: ParsedBody;
  json: Json;
}

interface Route {
  method: string;
  parts: string[];
  handler: (ctx: RouteContext) => Answer | Promise<Answer>;
}

interface GatewayFrame {
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

interface GatewaySession {
  id: string;
  seq: number;
  /** Dispatches kept for RESUME replays. */
  buffer: GatewayFrame[];
  intents: number;
  ws: WebSocket | null;
  /** Identified (READY + GUILD_CREATE sent) or resumed on the current socket. */
  live: boolean;
}

interface GatewayConnection {
  ws: WebSocket;
  authenticated: boolean;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const noContent = (): Answer => ({ status: 204 });
const fail = (status: number, code: number, message: string): Answer => ({ status, body: discordError(code, message) });
const unknownMessage = () => fail(404, 10008, 'Unknown Message');
const unknownChannel = () => fail(404, 10003, 'Unknown Channel');
const unknownWebhook = () => fail(404, 10015, 'Unknown Webhook');
const unknownInteraction = () => fail(404, 10062, 'Unknown interaction');

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const SUPPRESS_EMBEDS = 1 << 2;
const SUPPRESS_NOTIFICATIONS = 1 << 12;
const COMPONENTS_V2 = 1 << 15;

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
  readonly messages: RecordedMessage[] = [];
  /** Every injected interaction, in order. */
  readonly interactions: InteractionHandle[] = [];
  /** Every interaction callback the bot made (accepted or refused), in order. */
  readonly interactionResponses: RecordedCallback[] = [];
  /** Every reaction added (and when it was removed), in order. */
  readonly reactionLog: RecordedReaction[] = [];
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every raw request body the bot sent (multipart included), for secret scans. */
  readonly requestBodies: string[] = [];
  /** `METHOD /path` of requests no route answered (they got a 404). */
  readonly unknownRoutes: string[] = [];
  /** Payloads the stand-in refused the way Discord would (limits, empty messages, late or double callbacks). */
  readonly refusals: string[] = [];
  /** IDENTIFY payloads (token removed). */
  readonly identifies: Json[] = [];
  /** A readable log of gateway events (connect, identify, resume, drop, skipped dispatches). */
  readonly gatewayLog: string[] = [];
  /** Every bulk command registration: scope ('global' or a guild id) and the names. */
  readonly commandRegistrations: Array<{ scope: string; names: string[]; at: number }> = [];
  readyCount = 0;
  resumeCount = 0;

  private readonly options: StandinOptions;
  private readonly feed = new ChangeFeed();
  private readonly routes: Route[] = [];
  private readonly commands = new Map<string, RegisteredCommand[]>();
  private readonly reactionState = new Map<string, Map<string, string[]>>();
  private readonly interactionsById = new Map<string, InteractionHandle>();
  private readonly interactionsByToken = new Map<string, InteractionHandle>();
  private readonly componentMessages = new Map<string, RecordedMessage>();
  private readonly dmChannels = new Map<string, StandinMember>();
  private readonly dmChannelByUser = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  /** Gateway sessions: at most one unless `multipleSessions` (then one per logged-in client, as on Discord). */
  private sessions: GatewaySession[] = [];
  private outage: OutageMode | null = null;
  private gatewayOutage = false;
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    port: number,
    options: StandinOptions,
  ) {
    this.options = options;
    this.port = port;
    this.apiBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    this.guildId = options.guildId ?? DEFAULT_GUILD_ID;
    this.opsChannelId = options.opsChannelId ?? DEFAULT_OPS_CHANNEL_ID;
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    this.botUserId = options.botUserId ?? (options.applicationId ?? DEFAULT_BOT_USER_ID);
    this.opsRoleId = options.opsRoleId ?? DEFAULT_OPS_ROLE_ID;
    this.guild = buildGuildModel({
      guildId: this.guildId,
      guildName: options.guildName ?? 'tokenops-standin',
      opsChannelId: this.opsChannelId,
      opsChannelName: options.opsChannelName ?? 'ops',
      channels: options.channels ?? [],
      roles: options.roles ?? [{ id: this.opsRoleId, name: 'ops' }],
      members: options.members ?? [DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER],
      botUserId: this.botUserId,
      botUsername: options.botUsername ?? 'tokenops',
    });
    this.defineRoutes();
  }

  /** Starts the stand-in on 127.0.0.1 (a free port unless `options.port`). */
  static async start(options: StandinOptions = {}): Promise<DiscordStandin> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const standin = new DiscordStandin(server, wss, (server.address() as AddressInfo).port, options);
    server.on('connection', (socket) => {
      standin.sockets.add(socket);
      socket.on('close', () => standin.sockets.delete(socket));
    });
    server.on('request', (req, res) => void standin.onRequest(req, res));
    server.on('upgrade', (req, socket, head) => standin.onUpgrade(req, socket as Socket, head));
    return standin;
  }

  // ── Waiting ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Resolves once the bot is connected: identified and sent the guild (or resumed). Also after dropGateway. */
  waitForReady(timeoutMs = 5_000): Promise<void> {
    return this.feed.waitFor(
      () => this.gatewayLive(),
      timeoutMs,
      () => `the bot's gateway connection (log: ${this.gatewayLog.slice(-5).join(' | ') || 'nothing yet'})`,
    ).then(() => undefined);
  }

  /** Resolves with the first message (any channel, ephemeral included) that matches, now or later; re-checked on edits. */
  waitForMessage(predicate: (message: RecordedMessage) => boolean, timeoutMs = 5_000): Promise<RecordedMessage> {
    return this.feed.waitFor(
      () => this.messages.find((message) => !message.deleted && predicate(message)),
      timeoutMs,
      () => `a matching message (${this.messages.length} recorded; last: ${JSON.stringify(this.messages.at(-1)?.content ?? null)})`,
    );
  }

  /** Resolves with the commands of `scope` (default: the guild) once a registration happened. */
  waitForCommands(timeoutMs = 5_000, scope: string = this.guildId): Promise<RegisteredCommand[]> {
    return this.feed.waitFor(
      () => (this.commandRegistrations.some((registration) => registration.scope === scope) ? this.commands.get(scope) ?? [] : null),
      timeoutMs,
      () => `a command registration for ${scope}`,
    );
  }

  /** Resolves once `check` returns something truthy; re-checked on every recorded change. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, what = 'a condition'): Promise<T> {
    return this.feed.waitFor(check, timeoutMs, () => what);
  }

  // ── Queries over the record ─────────────────────────────────────────────────────────────────────────────

  /** `METHOD /path` of every REST request, first occurrence order, without repeats. */
  get routesSeen(): string[] {
    return [...new Set(this.requests.map((request) => `${request.method} ${request.path}`))];
  }

  /** The currently registered commands: global ones, then each guild's (with guild_id). */
  get registeredCommands(): RegisteredCommand[] {
    return [...this.commands.values()].flat();
  }

  /** messageId → emoji → user ids (the bot's own reactions included), current state. */
  get reactions(): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    for (const messageId of this.reactionState.keys()) out[messageId] = this.reactionsOn(messageId);
    return out;
  }

  /** emoji → user ids currently reacting on a message. */
  reactionsOn(messageId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [emoji, users] of this.reactionState.get(messageId) ?? []) if (users.length) out[emoji] = [...users];
    return out;
  }

  messageById(id: string): RecordedMessage | undefined {
    return this.messages.find((message) => message.id === id);
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
      nameOf: (userId) => this.guild.members.get(userId)?.username ?? this.dmChannels.get(userId)?.username ?? userId,
      ...(options.includeEphemeral === undefined ? {} : { includeEphemeral: options.includeEphemeral }),
      ...(options.versions === undefined ? {} : { versions: options.versions }),
    });
  }

  // ── Injection ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A member runs `/commandName [subcommandGroup] [subcommand] options…`: dispatches INTERACTION_CREATE type 2.
   * Option types come from the registered definition when there is one (else string/integer/number/boolean by value).
   */
  slash(commandName: string, options: SlashOptions): InteractionHandle {
    const context = this.interactionContext(options);
    const { data, invocation } = this.commandData(commandName, options, context.guildId, null);
    return this.injectInteraction(2, data, context, commandName, invocation);
  }

  /** A member types into an autocomplete option: dispatches type 4 and resolves with the choices the bot answered. */
  async autocomplete(commandName: string, options: AutocompleteOptions, timeoutMs = 3_000): Promise<APIApplicationCommandOptionChoice[]> {
    const context = this.interactionContext(options);
    const { data, invocation } = this.commandData(commandName, options, context.guildId, { name: options.focused, value: options.value });
    const handle = this.injectInteraction(4, data, context, commandName, `${invocation} (autocomplete)`);
    return this.feed.waitFor(
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
    const message = this.messageById(messageId);
    if (!message) throw new Error(`click: no recorded message ${messageId}`);
    const context = this.interactionContext({ ...options, channelId: message.channelId, guildId: message.guildId });
    const data = {
      custom_id: customId,
      component_type: options.componentType ?? 2,
      ...(options.values ? { values: options.values } : {}),
    };
    const handle = this.injectInteraction(3, data, context, null, `[${customId}] on ${messageId}`, { message: this.apiMessageFor(message) });
    this.componentMessages.set(handle.id, message);
    return handle;
  }

  /** A member reacts to a recorded message: MESSAGE_REACTION_ADD with member (incl. user), user_id, guild_id, channel_id, emoji. */
  react(messageId: string, emoji: string, memberId: string): void {
    const message = this.messageById(messageId);
    if (!message) throw new Error(`react: no recorded message ${messageId}`);
    const member = this.guild.members.get(memberId);
    if (!member) throw new Error(`react: no member ${memberId}`);
    if (this.addReaction(message, emoji, member.id)) this.dispatchReaction('MESSAGE_REACTION_ADD', message, emoji, member);
  }

  /** A member takes a reaction back: MESSAGE_REACTION_REMOVE. */
  unreact(messageId: string, emoji: string, memberId: string): void {
    const message = this.messageById(messageId);
    if (!message) throw new Error(`unreact: no recorded message ${messageId}`);
    const member = this.guild.members.get(memberId);
    if (!member) throw new Error(`unreact: no member ${memberId}`);
    if (this.removeReaction(message, emoji, member.id)) this.dispatchReaction('MESSAGE_REACTION_REMOVE', message, emoji, member);
  }

  /**
   * A member posts a message in a guild channel. `dispatch: false` records it without telling the bot, so the
   * bot only ever sees it through a later event (e.g. a reaction on an uncached message).
   */
  injectMessage(input: { content: string; authorId: string; channelId?: string; embeds?: APIEmbed[]; dispatch?: boolean }): RecordedMessage {
    const author = this.guild.members.get(input.authorId);
    if (!author) throw new Error(`injectMessage: no member ${input.authorId}`);
    const channelId = input.channelId ?? this.opsChannelId;
    if (!this.guild.channels.some((channel) => channel.id === channelId)) throw new Error(`injectMessage: ${channelId} is not a guild channel`);
    const message = this.recordMessage({
      kind: 'channel',
      channelId,
      guildId: this.guildId,
      author,
      body: { content: input.content, embeds: input.embeds ?? [] },
      files: [],
      flags: 0,
      dispatch: input.dispatch ?? true,
    });
    return message;
  }

  // ── Failure injection ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Makes Discord unreachable: 'http-503' (or true) answers every REST call 503, 'reset' drops the connection
   * without an answer; `gateway: true` also drops the gateway and refuses new gateway connections (503).
   * `setOutage(false)` ends it.
   */
  setOutage(mode: OutageMode | boolean, options: { gateway?: boolean } = {}): void {
    this.outage = mode === true ? 'http-503' : mode === false ? null : mode;
    this.gatewayOutage = this.outage !== null && options.gateway === true;
    this.gatewayLog.push(this.outage ? `outage ${this.outage}${this.gatewayOutage ? ' (gateway too)' : ''}` : 'outage over');
    if (this.gatewayOutage && this.sessions.some((session) => session.ws)) this.dropGateway();
  }

  /**
   * Drops the bot's gateway connection. By default the socket is cut (close 1006) and the session kept, so
   * discord.js RESUMEs and gets the missed dispatches replayed; `invalidateSession: true` makes the resume fail
   * (op 9 INVALID_SESSION false), so it identifies again (discord.js may wait up to ~6.5 s for its identify
   * throttle). `code` closes cleanly with that close code instead of cutting. Await `waitForReady()` afterwards.
   */
  dropGateway(options: { code?: number; invalidateSession?: boolean } = {}): void {
    // Every connected session (one, unless `multipleSessions`).
    const connected = this.sessions.filter((session) => session.ws);
    if (connected.length === 0) throw new Error('dropGateway: the bot is not connected');
    for (const session of connected) {
      const ws = session.ws!;
      session.ws = null;
      session.live = false;
      this.gatewayLog.push(`drop (${options.code ?? 'cut'}${options.invalidateSession ? ', session invalidated' : ''})`);
      if (options.code) ws.close(options.code, 'stand-in dropGateway');
      else ws.terminate();
    }
    if (options.invalidateSession) this.sessions = this.sessions.filter((session) => !connected.includes(session));
    this.feed.notify();
  }

  /** Gateway sessions connected right now (more than one only with `multipleSessions`). */
  get connectedSessions(): number {
    return this.sessions.filter((session) => session.live && session.ws?.readyState === WebSocket.OPEN).length;
  }

  /** Closes the gateway and HTTP servers and every socket; pending waits reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close('the stand-in was closed');
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ── Gateway ─────────────────────────────────────────────────────────────────────────────────────────────

  private gatewayLive(): boolean {
    return this.connectedSessions > 0;
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const refuse = (status: string, why: string) => {
      this.gatewayLog.push(`refused ${url.pathname}${url.search}: ${why}`);
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.closed) return refuse('503 Service Unavailable', 'closed');
    if (!url.pathname.startsWith('/gateway')) {
      this.warn(`gateway connection to unknown path ${url.pathname}`);
      return refuse('404 Not Found', 'unknown path');
    }
    if (this.gatewayOutage) return refuse('503 Service Unavailable', 'outage');
    const compress = url.searchParams.get('compress');
    if (compress) {
      this.warn(`the client asked for compress=${compress}; the stand-in speaks plain JSON only (is zlib-sync installed?)`);
      return refuse('400 Bad Request', `compress=${compress} unsupported`);
    }
    const encoding = url.searchParams.get('encoding') ?? 'json';
    if (encoding !== 'json') {
      this.warn(`the client asked for encoding=${encoding}; the stand-in speaks JSON only (is erlpack installed?)`);
      return refuse('400 Bad Request', `encoding=${encoding} unsupported`);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onGatewayConnection(ws, url));
  }

  private onGatewayConnection(ws: WebSocket, url: URL): void {
    this.gatewayLog.push(`connect ${url.pathname}${url.search}`);
    const connection: GatewayConnection = { ws, authenticated: false };
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      this.gatewayLog.push(`closed ${code}`);
      const session = this.sessions.find((candidate) => candidate.ws === ws);
      if (session) {
        session.ws = null;
        session.live = false;
        this.feed.notify();
      }
    });
    ws.on('message', (data) => this.onGatewayFrame(connection, data));
    const version = url.searchParams.get('v');
    if (version !== null && version !== '10') {
      this.warn(`gateway version v=${version} requested; only 10 is spoken`);
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.sendFrame(ws, { op: 10, t: null, s: null, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250, _trace: ['standin'] } });
  }

  private onGatewayFrame(connection: GatewayConnection, data: RawData): void {
    let payload: Json;
    try {
      payload = JSON.parse(data.toString()) as Json;
    } catch {
      this.warn('gateway frame is not JSON');
      connection.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    const op = Number(payload.op);
    if (this.options.verbose) this.debug(`gateway ← op ${op}`);
    if (op === 1) {
      this.sendFrame(connection.ws, { op: 11, t: null, s: null, d: null });
      return;
    }
    if (op !== 2 && op !== 6 && !connection.authenticated) {
      connection.ws.close(4003, 'Not authenticated.');
      return;
    }
    switch (op) {
      case 2:
        return this.onIdentify(connection, (payload.d ?? {}) as Json);
      case 6:
        return this.onResume(connection, (payload.d ?? {}) as Json);
      case 3: // presence update
      case 4: // voice state update
        return;
      case 8:
        return this.onRequestGuildMembers(connection, (payload.d ?? {}) as Json);
      default:
        this.warn(`unknown gateway opcode ${op}`);
        connection.ws.close(4001, 'Unknown opcode.');
    }
  }

  private onIdentify(connection: GatewayConnection, d: Json): void {
    if (connection.authenticated) {
      connection.ws.close(4005, 'Already authenticated.');
      return;
    }
    if (this.options.token !== undefined && d.token !== this.options.token) {
      this.gatewayLog.push('IDENTIFY with a wrong token → 4004');
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    const { token: _token, ...rest } = d;
    this.identifies.push(rest);
    if (rest.compress === true) this.gatewayLog.push('IDENTIFY asked for compress: true (ignored; frames stay plain JSON)');
    const intents = Number(d.intents ?? 0);
    if (!this.options.multipleSessions) {
      // One bot connection: a new IDENTIFY replaces the session (the old socket is a zombie).
      for (const old of this.sessions) if (old.ws && old.ws !== connection.ws) old.ws.terminate();
      this.sessions = [];
    }
    connection.authenticated = true;
    const session: GatewaySession = { id: randomBytes(16).toString('hex'), seq: 0, buffer: [], intents, ws: connection.ws, live: false };
    this.sessions.push(session);
    this.gatewayLog.push(`IDENTIFY intents=${intents} → READY session ${session.id.slice(0, 8)}`);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...apiUser(this.guild.botMember, true), verified: true, mfa_enabled: false, email: null },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.gatewayUrl}/resume`,
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['standin'],
    });
    const members = this.hasIntent(session, GatewayIntentBits.GuildMembers) || this.options.strictIntents === false ? [...this.guild.members.values()] : [this.guild.botMember];
    this.dispatchTo(session, 'GUILD_CREATE', apiGuildCreate(this.guild, members));
    session.live = true;
    this.readyCount++;
    this.feed.notify();
  }

  private onResume(connection: GatewayConnection, d: Json): void {
    const session = this.sessions.find((candidate) => candidate.id === d.session_id);
    if (!session || typeof d.seq !== 'number' || d.seq > session.seq) {
      this.gatewayLog.push(`RESUME ${String(d.session_id).slice(0, 8)} seq=${String(d.seq)} → INVALID_SESSION`);
      this.sendFrame(connection.ws, { op: 9, t: null, s: null, d: false });
      return;
    }
    if (this.options.token !== undefined && d.token !== this.options.token) {
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    if (session.ws && session.ws !== connection.ws) session.ws.terminate();
    connection.authenticated = true;
    session.ws = connection.ws;
    const missed = session.buffer.filter((frame) => (frame.s ?? 0) > d.seq);
    for (const frame of missed) this.sendFrame(connection.ws, frame);
    this.gatewayLog.push(`RESUME seq=${d.seq} → RESUMED, replayed ${missed.length}`);
    this.dispatchTo(session, 'RESUMED', { _trace: ['standin'] });
    session.live = true;
    this.resumeCount++;
    this.feed.notify();
  }

  private onRequestGuildMembers(connection: GatewayConnection, d: Json): void {
    const session = this.sessions.find((candidate) => candidate.ws === connection.ws);
    if (!session) return;
    const guildIds: string[] = Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id];
    if (!guildIds.includes(this.guildId)) return;
    let members = [...this.guild.members.values()];
    const userIds: string[] | null = d.user_ids ? (Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]) : null;
    if (userIds) members = members.filter((member) => userIds.includes(member.id));
    else if (typeof d.query === 'string' && d.query) members = members.filter((member) => member.username.startsWith(d.query as string));
    if (typeof d.limit === 'number' && d.limit > 0) members = members.slice(0, d.limit);
    this.dispatchTo(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: this.guildId,
      members: members.map((member) => apiMember(this.guild, member)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: userIds ? userIds.filter((id) => !this.guild.members.has(id)) : [],
      ...(d.nonce ? { nonce: d.nonce } : {}),
    });
  }

  private hasIntent(session: GatewaySession, bit: number): boolean {
    return (session.intents & bit) !== 0;
  }

  private sendFrame(ws: WebSocket, frame: GatewayFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (this.options.verbose) this.debug(`gateway → op ${frame.op}${frame.t ? ` ${frame.t} s=${frame.s}` : ''}`);
    ws.send(JSON.stringify(frame));
  }

  /** Sends a dispatch to the bot (kept for replay when it is disconnected). Returns false when not sent. */
  dispatch(t: string, d: unknown, intent?: number): boolean {
    if (this.sessions.length === 0) {
      this.gatewayLog.push(`dropped ${t}: no gateway session`);
      return false;
    }
    // Every session gets it (several only with `multipleSessions`: each logged-in client, as on Discord).
    let sent = false;
    for (const session of this.sessions) sent = this.dispatchTo(session, t, d, intent) || sent;
    return sent;
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown, intent?: number): boolean {
    if (intent !== undefined && this.options.strictIntents !== false && !this.hasIntent(session, intent)) {
      this.gatewayLog.push(`skipped ${t}: the bot lacks intent ${GatewayIntentBits[intent] ?? intent}`);
      return false;
    }
    const frame: GatewayFrame = { op: 0, t, s: ++session.seq, d };
    session.buffer.push(frame);
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.ws) this.sendFrame(session.ws, frame);
    else this.gatewayLog.push(`queued ${t} s=${frame.s} (disconnected)`);
    return true;
  }

  // ── Interactions ────────────────────────────────────────────────────────────────────────────────────────

  private resolveMember(ref: InteractionMemberRef['member']): StandinMember {
    if (typeof ref !== 'string') return ref;
    const member = this.guild.members.get(ref);
    if (!member) throw new Error(`no member ${ref} in the stand-in guild (members: ${[...this.guild.members.keys()].join(', ')})`);
    return member;
  }

  private dmChannelFor(member: StandinMember): string {
    let channelId = this.dmChannelByUser.get(member.id);
    if (!channelId) {
      channelId = snowflake();
      this.dmChannelByUser.set(member.id, channelId);
      this.dmChannels.set(channelId, member);
    }
    return channelId;
  }

  private interactionContext(options: InteractionMemberRef & { channelId?: string; guildId?: string | null; locale?: string }) {
    const member = this.resolveMember(options.member);
    const guildId = options.guildId === undefined ? this.guildId : options.guildId;
    const locale = options.locale ?? 'en-US';
    if (guildId === null) {
      const channelId = options.channelId ?? this.dmChannelFor(member);
      return {
        member,
        guildId: null,
        channelId,
        fields: {
          channel: apiDmChannel(channelId, member),
          channel_id: channelId,
          user: apiUser(member),
          authorizing_integration_owners: { '0': '0' },
          context: 1,
          app_permissions: EVERYONE_PERMISSIONS.toString(),
          locale,
        } as Json,
      };
    }
    if (guildId === this.guildId) {
      const channelId = options.channelId ?? this.opsChannelId;
      const index = this.guild.channels.findIndex((channel) => channel.id === channelId);
      const channel = this.guild.channels[index];
      if (!channel) throw new Error(`channel ${channelId} is not in the stand-in guild`);
      if (!this.guild.members.has(member.id)) throw new Error(`${member.username} is not a member of the stand-in guild`);
      const permissions = memberPermissions(this.guild, member).toString();
      return {
        member,
        guildId,
        channelId,
        fields: {
          guild_id: guildId,
          guild: { id: guildId, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          channel: { ...apiChannel(this.guild, channel, index), permissions },
          channel_id: channelId,
          member: apiMember(this.guild, member, { withPermissions: true }),
          authorizing_integration_owners: { '0': guildId },
          context: 0,
          app_permissions: memberPermissions(this.guild, this.guild.botMember).toString(),
          locale,
        } as Json,
      };
    }
    // A guild the bot is not in (or not cached): Discord still delivers guild-installed commands' interactions.
    const channelId = options.channelId ?? snowflake();
    return {
      member,
      guildId,
      channelId,
      fields: {
        guild_id: guildId,
        guild: { id: guildId, locale: 'en-US', features: [] },
        guild_locale: 'en-US',
        channel: { id: channelId, type: 0, guild_id: guildId, name: 'elsewhere', position: 0, permission_overwrites: [], flags: 0, permissions: EVERYONE_PERMISSIONS.toString() },
        channel_id: channelId,
        member: apiForeignMember(member),
        authorizing_integration_owners: { '0': guildId },
        context: 0,
        app_permissions: EVERYONE_PERMISSIONS.toString(),
        locale,
      } as Json,
    };
  }

  private findCommand(name: string, guildId: string | null): RegisteredCommand | undefined {
    // The definition for option types: this guild's, else global, else any (a test may fake another guild or a DM).
    const scopes = [...(guildId ? [guildId] : []), 'global', ...this.commands.keys()];
    for (const scope of scopes) {
      const found = this.commands.get(scope)?.find((command) => command.name === name && (command.type ?? 1) === 1);
      if (found) return found;
    }
    return undefined;
  }

  private commandData(name: string, options: SlashOptions, guildId: string | null, focused: { name: string; value: OptionValue } | null) {
    const definition = this.findCommand(name, guildId);
    if (!definition && this.commands.size > 0 && this.registeredCommands.length > 0) {
      throw new Error(`/${name} is not registered (registered: ${this.registeredCommands.map((command) => command.name).join(', ')})`);
    }
    const path = [name, options.subcommandGroup, options.subcommand].filter(Boolean).join(' ');
    let container: Json[] | undefined = definition ? ((definition.options ?? []) as Json[]) : undefined;
    const descend = (type: number, wanted: string | undefined, what: string) => {
      if (!container) return;
      const nested = container.filter((option) => option.type === type);
      if (wanted === undefined) {
        // Discord makes the user pick a subcommand (or group) when the command has them.
        const mustPick = type === 1 ? nested.length > 0 : nested.length > 0 && !container.some((option) => option.type === 1);
        if (mustPick) throw new Error(`/${path} needs a ${what} (one of ${nested.map((option) => option.name).join(', ')})`);
        return;
      }
      const found = nested.find((option) => option.name === wanted);
      if (!found) throw new Error(`/${path}: no ${what} '${wanted}' registered (have: ${nested.map((option) => option.name).join(', ') || 'none'})`);
      container = (found.options ?? []) as Json[];
    };
    descend(2, options.subcommandGroup, 'subcommand group');
    descend(1, options.subcommand, 'subcommand');

    const resolved: Json = {};
    const entries = Object.entries(options.options ?? {});
    if (focused && !entries.some(([key]) => key === focused.name)) entries.push([focused.name, focused.value]);
    const leaf = entries.map(([optionName, rawValue]) => {
      const definitionOption = container?.find((option) => option.name === optionName);
      if (container && !definitionOption) {
        throw new Error(`/${path}: no option '${optionName}' registered (have: ${container.map((option) => option.name).join(', ') || 'none'})`);
      }
      const type: number = definitionOption?.type ?? (typeof rawValue === 'boolean' ? 5 : typeof rawValue === 'number' ? (Number.isInteger(rawValue) ? 4 : 10) : 3);
      const isFocused = focused?.name === optionName;
      const value = isFocused ? rawValue : this.coerceOption(type, rawValue, resolved);
      return { name: optionName, type, value, ...(isFocused ? { focused: true } : {}) };
    });
    let top: Json[] = leaf;
    if (options.subcommand) top = [{ name: options.subcommand, type: 1, options: leaf }];
    if (options.subcommandGroup) top = [{ name: options.subcommandGroup, type: 2, options: top }];
    const shown = entries.map(([key, value]) => `${key}:${String(value)}`).join(' ');
    return {
      invocation: `/${path}${shown ? ` ${shown}` : ''}`,
      data: {
        id: definition?.id ?? snowflake(),
        name,
        type: 1,
        ...(definition?.guild_id ? { guild_id: definition.guild_id } : {}),
        options: top,
        ...(Object.keys(resolved).length ? { resolved } : {}),
      } as Json,
    };
  }

  private coerceOption(type: number, value: OptionValue, resolved: Json): OptionValue {
    switch (type) {
      case 4: {
        const number = Number(value);
        if (!Number.isInteger(number)) throw new Error(`option value ${String(value)} is not an integer`);
        return number;
      }
      case 10:
        return Number(value);
      case 5:
        return value === true || value === 'true';
      case 6:
      case 9: {
        const member = this.guild.members.get(String(value));
        if (member) {
          (resolved.users ??= {})[member.id] = apiUser(member, member.id === this.botUserId);
          const { user: _user, ...rest } = apiMember(this.guild, member, { withPermissions: true });
          (resolved.members ??= {})[member.id] = rest;
        } else if (type === 9) {
          const role = this.guild.roles.find((candidate) => candidate.id === String(value));
          if (role) (resolved.roles ??= {})[role.id] = apiRole(role, 0);
        }
        return String(value);
      }
      case 7: {
        const index = this.guild.channels.findIndex((channel) => channel.id === String(value));
        const channel = this.guild.channels[index];
        if (channel) (resolved.channels ??= {})[channel.id] = { id: channel.id, name: channel.name, type: 0, permissions: EVERYONE_PERMISSIONS.toString() };
        return String(value);
      }
      case 8: {
        const role = this.guild.roles.find((candidate) => candidate.id === String(value));
        if (role) (resolved.roles ??= {})[role.id] = apiRole(role, 0);
        return String(value);
      }
      default:
        return String(value);
    }
  }

  private injectInteraction(
    type: number,
    data: Json,
    context: ReturnType<DiscordStandin['interactionContext']>,
    commandName: string | null,
    invocation: string,
    extra: Json = {},
  ): InteractionHandle {
    if (this.closed) throw new Error('the stand-in is closed');
    if (this.sessions.length === 0) throw new Error(`cannot send ${invocation}: the bot has no gateway session (await waitForReady() first)`);
    const id = snowflake();
    const token = interactionToken();
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      data,
      token,
      version: 1,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      ...context.fields,
      ...extra,
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
      },
      this.feed,
    );
    this.interactions.push(handle);
    this.interactionsById.set(id, handle);
    this.interactionsByToken.set(token, handle);
    this.dispatch('INTERACTION_CREATE', payload);
    this.feed.notify();
    return handle;
  }

  // ── Messages and reactions ──────────────────────────────────────────────────────────────────────────────

  private knownChannel(channelId: string): { guildId: string | null } | null {
    if (this.guild.channels.some((channel) => channel.id === channelId)) return { guildId: this.guildId };
    if (this.dmChannels.has(channelId)) return { guildId: null };
    return null;
  }

  private attachmentsFrom(channelId: string, body: Json, files: UploadedFile[], keep: RecordedAttachment[]): RecordedAttachment[] {
    const described: Json[] = Array.isArray(body.attachments) ? body.attachments : [];
    const kept = Array.isArray(body.attachments)
      ? keep.filter((attachment) => described.some((entry) => String(entry.id) === attachment.id))
      : keep;
    const added = files.map((file, index) => {
      const entry = described.find((candidate) => `files[${String(candidate.id)}]` === file.field) ?? described[index];
      const filename = typeof entry?.filename === 'string' ? entry.filename : file.filename;
      const id = snowflake();
      return {
        id,
        filename,
        size: file.data.length,
        contentType: file.contentType,
        data: file.data,
        url: `http://127.0.0.1:${this.port}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
      };
    });
    return [...kept, ...added];
  }

  private recordMessage(input: {
    kind: MessageKind;
    channelId: string;
    guildId: string | null;
    author: StandinMember;
    body: Json;
    files: UploadedFile[];
    flags: number;
    interaction?: InteractionHandle;
    dispatch?: boolean;
  }): RecordedMessage {
    const now = Date.now();
    const attachments = this.attachmentsFrom(input.channelId, input.body, input.files, []);
    const reference = input.body.message_reference as Json | undefined;
    const message: RecordedMessage = {
      id: snowflake(now),
      channelId: input.channelId,
      guildId: input.guildId,
      kind: input.kind,
      author: { id: input.author.id, username: input.author.username, bot: input.author.id === this.botUserId },
      content: typeof input.body.content === 'string' ? input.body.content : '',
      embeds: Array.isArray(input.body.embeds) ? (input.body.embeds as APIEmbed[]) : [],
      components: Array.isArray(input.body.components) ? input.body.components : [],
      attachments,
      flags: input.flags,
      ephemeral: (input.flags & EPHEMERAL) !== 0,
      loading: (input.flags & LOADING) !== 0,
      interactionId: input.interaction?.id ?? null,
      visibleTo: (input.flags & EPHEMERAL) !== 0 ? input.interaction?.invokerId ?? null : null,
      referenceMessageId: reference?.message_id ? String(reference.message_id) : null,
      createdAt: now,
      editedAt: null,
      deleted: false,
      history: [],
    };
    message.history.push(this.version(message));
    this.messages.push(message);
    if (input.dispatch !== false && this.isPublicGuildMessage(message)) {
      this.dispatch('MESSAGE_CREATE', this.gatewayMessage(message), GatewayIntentBits.GuildMessages);
    }
    // Callers attach the message to its interaction, then touch() it, so waiters never see half a reply.
    this.feed.notify();
    return message;
  }

  private version(message: RecordedMessage) {
    return {
      at: message.editedAt ?? message.createdAt,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      flags: message.flags,
    };
  }

  private editMessage(message: RecordedMessage, body: Json, files: UploadedFile[], interaction?: InteractionHandle): void {
    const now = Date.now();
    const wasLoading = message.loading;
    if ('content' in body) message.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) message.embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
    if ('components' in body) message.components = Array.isArray(body.components) ? body.components : [];
    if ('attachments' in body || files.length) message.attachments = this.attachmentsFrom(message.channelId, body, files, message.attachments);
    if (typeof body.flags === 'number') message.flags = (message.flags & ~SUPPRESS_EMBEDS) | (body.flags & SUPPRESS_EMBEDS);
    message.flags &= ~LOADING;
    message.loading = false;
    if (!wasLoading) message.editedAt = now;
    message.history.push({ ...this.version(message), at: now });
    if (this.isPublicGuildMessage(message)) this.dispatch('MESSAGE_UPDATE', this.gatewayMessage(message), GatewayIntentBits.GuildMessages);
    if (interaction) {
      if (interaction.original === message) interaction.originalEditedAt = now;
      interaction.touch();
    }
    this.feed.notify();
  }

  private deleteMessage(message: RecordedMessage, interaction?: InteractionHandle): void {
    message.deleted = true;
    if (this.isPublicGuildMessage({ ...message, deleted: false })) {
      this.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channelId, guild_id: message.guildId }, GatewayIntentBits.GuildMessages);
    }
    interaction?.touch();
    this.feed.notify();
  }

  private isPublicGuildMessage(message: RecordedMessage): boolean {
    return !message.deleted && !message.ephemeral && message.guildId === this.guildId;
  }

  private authorUser(message: RecordedMessage) {
    if (message.author.id === this.botUserId) return apiUser(this.guild.botMember, true);
    const member = this.guild.members.get(message.author.id) ?? this.dmChannels.get(message.channelId);
    return apiUser(member ?? { id: message.author.id, username: message.author.username });
  }

  /** The REST message object for a recorded message. */
  apiMessageFor(message: RecordedMessage): Json {
    const interaction = message.interactionId ? this.interactionsById.get(message.interactionId) : undefined;
    const invoker = interaction ? this.guild.members.get(interaction.invokerId) ?? this.dmChannels.get(interaction.channelId) : undefined;
    return apiMessage(message, {
      applicationId: this.applicationId,
      author: this.authorUser(message),
      botUserId: this.botUserId,
      reactions: Object.entries(this.reactionsOn(message.id)).map(([emoji, userIds]) => ({ emoji, userIds })),
      ...(interaction && invoker
        ? {
            interaction: {
              id: interaction.id,
              type: interaction.type,
              name: interaction.commandName,
              user: apiUser(invoker),
              guildId: interaction.guildId,
            },
          }
        : {}),
    });
  }

  /** The MESSAGE_CREATE / MESSAGE_UPDATE form: adds guild_id and the author's member. */
  private gatewayMessage(message: RecordedMessage): Json {
    const author = this.guild.members.get(message.author.id);
    return {
      ...this.apiMessageFor(message),
      guild_id: message.guildId,
      ...(author ? { member: apiMember(this.guild, author, { withUser: false }) } : {}),
    };
  }

  private addReaction(message: RecordedMessage, emoji: string, userId: string): boolean {
    const byEmoji = this.reactionState.get(message.id) ?? new Map<string, string[]>();
    this.reactionState.set(message.id, byEmoji);
    const users = byEmoji.get(emoji) ?? [];
    if (users.includes(userId)) return false;
    users.push(userId);
    byEmoji.set(emoji, users);
    this.reactionLog.push({ messageId: message.id, channelId: message.channelId, emoji, userId, at: Date.now(), removedAt: null });
    this.feed.notify();
    return true;
  }

  private removeReaction(message: RecordedMessage, emoji: string, userId: string): boolean {
    const users = this.reactionState.get(message.id)?.get(emoji);
    const index = users?.indexOf(userId) ?? -1;
    if (!users || index < 0) return false;
    users.splice(index, 1);
    const entry = [...this.reactionLog].reverse().find((reaction) => reaction.messageId === message.id && reaction.emoji === emoji && reaction.userId === userId && reaction.removedAt === null);
    if (entry) entry.removedAt = Date.now();
    this.feed.notify();
    return true;
  }

  private dispatchReaction(event: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', message: RecordedMessage, emoji: string, member: StandinMember): void {
    if (message.guildId !== this.guildId) return;
    this.dispatch(
      event,
      {
        user_id: member.id,
        channel_id: message.channelId,
        message_id: message.id,
        guild_id: message.guildId,
        emoji: apiEmoji(emoji),
        burst: false,
        type: 0,
        ...(event === 'MESSAGE_REACTION_ADD'
          ? { member: apiMember(this.guild, member), message_author_id: message.author.id, burst_colors: [] }
          : {}),
      },
      GatewayIntentBits.GuildMessageReactions,
    );
  }

  // ── REST ────────────────────────────────────────────────────────────────────────────────────────────────

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return;
    }
    const text = raw.toString('utf8');
    if (raw.length) this.requestBodies.push(text);
    const parts = url.pathname
      .split('/')
      .filter((part, index) => index > 0 && part !== '')
      .map((part) => {
        try {
          return decodeURIComponent(part);
        } catch {
          return part;
        }
      });
    const path = `/${parts.slice(parts[0] === 'api' ? 1 : 0).join('/')}`;
    const record = (status: number) => {
      this.requests.push({ method, path, query: url.search, status, at: Date.now(), body: text });
      if (this.options.verbose) this.debug(`${method} ${path}${url.search} → ${status}`);
      this.feed.notify();
    };

    if (method === 'GET' && parts[0] === 'attachments') return this.serveAttachment(parts, res, record);
    if (this.outage === 'reset') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (this.outage === 'http-503') {
      record(503);
      return send(res, 503, discordError(0, '503: Service Unavailable'));
    }
    if (parts[0] !== 'api') {
      this.unknownRoutes.push(`${method} ${url.pathname}`);
      this.warn(`UNKNOWN ROUTE ${method} ${url.pathname} (not under /api: is DISCORD_API_BASE missing its /api?)`);
      record(404);
      return send(res, 404, discordError(0, '404: Not Found'));
    }
    if (this.options.token !== undefined && req.headers.authorization !== undefined && req.headers.authorization !== `Bot ${this.options.token}`) {
      record(401);
      return send(res, 401, discordError(0, '401: Unauthorized'));
    }
    const segments = parts.slice(1);
    let answer: Answer;
    const match = this.match(method, segments);
    if (!match) {
      this.unknownRoutes.push(`${method} ${path}`);
      this.warn(`UNKNOWN ROUTE ${method} ${path}${url.search}: answering 404; teach the stand-in this route if the bot needs it`);
      answer = fail(404, 0, '404: Not Found');
    } else {
      const body = await parseBody(raw, req.headers['content-type']);
      if (body.error) {
        answer = fail(400, 50109, `The request body contains invalid JSON. (${body.error})`);
        this.refuse(`${method} ${path}: ${body.error}`);
      } else {
        try {
          const json = (body.json && typeof body.json === 'object' ? body.json : {}) as Json;
          answer = await match.route.handler({ params: match.params, query: url.searchParams, body, json });
        } catch (error) {
          this.warn(`route ${method} ${path} threw: ${(error as Error).stack ?? String(error)}`);
          answer = fail(500, 0, '500: Internal Server Error');
        }
      }
    }
    record(answer.status);
    send(res, answer.status, answer.body);
  }

  private serveAttachment(parts: string[], res: ServerResponse, record: (status: number) => void): void {
    const attachment = this.messages.flatMap((message) => message.attachments).find((candidate) => candidate.id === parts[2]);
    record(attachment ? 200 : 404);
    if (!attachment) return send(res, 404, discordError(0, '404: Not Found'));
    send(res, 200, attachment.data, attachment.contentType ?? 'application/octet-stream');
  }

  private match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < route.parts.length; i++) {
        const part = route.parts[i]!;
        const segment = segments[i]!;
        if (part.startsWith(':')) params[part.slice(1)] = segment;
        else if (part !== segment) {
          matched = false;
          break;
        }
      }
      if (matched) return { route, params };
    }
    return null;
  }

  private route(method: string, pattern: string, handler: Route['handler']): void {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
  }

  private refuse(why: string): void {
    this.refusals.push(why);
    this.warn(`refused: ${why}`);
    this.feed.notify();
  }

  private validateMessage(where: string, json: Json, files: UploadedFile[], isNew: boolean): Answer | null {
    const problems = messageProblems(json);
    if (problems.length) {
      this.refuse(`${where}: ${problems.join('; ')}`);
      return { status: 400, body: invalidFormBody(problems) };
    }
    if (isNew && isEmptyMessage(json, files.length)) {
      this.refuse(`${where}: empty message`);
      return fail(400, 50006, 'Cannot send an empty message');
    }
    return null;
  }

  private defineRoutes(): void {
    const v = '/v10';
    // Gateway discovery and identity.
    this.route('GET', `${v}/gateway/bot`, () =>
      ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
    );
    this.route('GET', `${v}/gateway`, () => ok({ url: this.gatewayUrl }));
    this.route('GET', `${v}/users/@me`, () => ok({ ...apiUser(this.guild.botMember, true), verified: true, mfa_enabled: false }));
    this.route('POST', `${v}/users/@me/channels`, ({ json }) => {
      const member = this.guild.members.get(String(json.recipient_id));
      if (!member) return fail(400, 50007, 'Cannot send messages to this user');
      return ok(apiDmChannel(this.dmChannelFor(member), member));
    });
    this.route('GET', `${v}/users/:user`, ({ params }) => {
      const member = this.guild.members.get(params.user!);
      return member ? ok(apiUser(member, member.id === this.botUserId)) : fail(404, 10013, 'Unknown User');
    });
    const application = () => ({
      id: this.applicationId,
      name: this.guild.botMember.username,
      icon: null,
      description: 'tokenops (stand-in)',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      owner: apiUser({ id: this.guild.ownerId, username: 'owner' }),
      team: null,
      bot: apiUser(this.guild.botMember, true),
      approximate_guild_count: 1,
      integration_types_config: { '0': {} },
    });
    this.route('GET', `${v}/applications/@me`, () => ok(application()));
    this.route('PATCH', `${v}/applications/@me`, ({ json }) => ok({ ...application(), ...json }));
    this.route('GET', `${v}/oauth2/applications/@me`, () => ok(application()));

    // Application commands (global and guild).
    const scopeOf = (params: Record<string, string>): Answer | string => {
      if (params.app !== this.applicationId) return fail(404, 10002, 'Unknown Application');
      if (params.guild !== undefined && params.guild !== this.guildId) return fail(403, 50001, 'Missing Access');
      return params.guild ?? 'global';
    };
    const list = ({ params }: RouteContext) => {
      const scope = scopeOf(params);
      return typeof scope === 'string' ? ok(this.commands.get(scope) ?? []) : scope;
    };
    const overwrite = ({ params, body }: RouteContext) => {
      const scope = scopeOf(params);
      if (typeof scope !== 'string') return scope;
      const problems = commandsProblems(body.json);
      if (problems.length) {
        this.refuse(`PUT commands (${scope}): ${problems.join('; ')}`);
        return { status: 400, body: invalidFormBody(problems) };
      }
      const stored = this.storeCommands(scope, body.json as Json[], true);
      return ok(stored);
    };
    const createOne = ({ params, json }: RouteContext) => {
      const scope = scopeOf(params);
      if (typeof scope !== 'string') return scope;
      const problems = commandsProblems([json]);
      if (problems.length) {
        this.refuse(`POST command (${scope}): ${problems.join('; ')}`);
        return { status: 400, body: invalidFormBody(problems) };
      }
      const existing = (this.commands.get(scope) ?? []).filter((command) => !(command.name === json.name && (command.type ?? 1) === (json.type ?? 1)));
      const stored = this.storeCommands(scope, [...existing, json], false);
      return { status: 201, body: stored.find((command) => command.name === json.name) };
    };
    const one = (handler: (scope: string, index: number, commands: RegisteredCommand[], ctx: RouteContext) => Answer) => (ctx: RouteContext) => {
      const scope = scopeOf(ctx.params);
      if (typeof scope !== 'string') return scope;
      const commands = this.commands.get(scope) ?? [];
      const index = commands.findIndex((command) => command.id === ctx.params.command);
      if (index < 0) return fail(404, 10063, 'Unknown application command');
      return handler(scope, index, commands, ctx);
    };
    for (const base of [`${v}/applications/:app/commands`, `${v}/applications/:app/guilds/:guild/commands`]) {
      this.route('GET', base, list);
      this.route('PUT', base, overwrite);
      this.route('POST', base, createOne);
      this.route('GET', `${base}/:command`, one((_scope, index, commands) => ok(commands[index])));
      this.route(
        'PATCH',
        `${base}/:command`,
        one((scope, index, commands, { json }) => {
          const updated = { ...commands[index]!, ...json } as Json;
          const stored = this.storeCommands(scope, commands.map((command, i) => (i === index ? updated : command)) as Json[], false);
          return ok(stored[index]);
        }),
      );
      this.route(
        'DELETE',
        `${base}/:command`,
        one((scope, index, commands) => {
          this.commands.set(scope, commands.filter((_command, i) => i !== index));
          this.feed.notify();
          return noContent();
        }),
      );
    }

    // Interactions.
    this.route('POST', `${v}/interactions/:id/:token/callback`, (ctx) => this.onCallback(ctx));
    this.route('POST', `${v}/webhooks/:app/:token`, (ctx) => this.onFollowUp(ctx));
    this.route('GET', `${v}/webhooks/:app/:token/messages/:message`, (ctx) => {
      const found = this.webhookMessage(ctx.params);
      return 'status' in found ? found : ok(this.apiMessageFor(found.message));
    });
    this.route('PATCH', `${v}/webhooks/:app/:token/messages/:message`, (ctx) => {
      const found = this.webhookMessage(ctx.params);
      if ('status' in found) return found;
      const invalid = this.validateMessage(`PATCH webhook message ${ctx.params.message}`, ctx.json, ctx.body.files, false);
      if (invalid) {
        found.handle.refusals.push(`edit: ${this.refusals.at(-1) ?? 'invalid'}`);
        found.handle.touch();
        return invalid;
      }
      this.editMessage(found.message, ctx.json, ctx.body.files, found.handle);
      return ok(this.apiMessageFor(found.message));
    });
    this.route('DELETE', `${v}/webhooks/:app/:token/messages/:message`, (ctx) => {
      const found = this.webhookMessage(ctx.params);
      if ('status' in found) return found;
      this.deleteMessage(found.message, found.handle);
      return noContent();
    });

    // Guild, channels, members.
    const guildOnly = (params: Record<string, string>) => (params.guild === this.guildId ? null : fail(404, 10004, 'Unknown Guild'));
    this.route('GET', `${v}/guilds/:guild`, ({ params }) => guildOnly(params) ?? ok({ ...apiGuildBase(this.guild), approximate_member_count: this.guild.members.size }));
    this.route('GET', `${v}/guilds/:guild/channels`, ({ params }) => guildOnly(params) ?? ok(this.guild.channels.map((channel, index) => apiChannel(this.guild, channel, index))));
    this.route('GET', `${v}/guilds/:guild/roles`, ({ params }) => guildOnly(params) ?? ok(apiGuildBase(this.guild).roles));
    this.route('GET', `${v}/guilds/:guild/members`, ({ params, query }) => {
      const refused = guildOnly(params);
      if (refused) return refused;
      const limit = Number(query.get('limit') ?? 1);
      return ok([...this.guild.members.values()].slice(0, limit).map((member) => apiMember(this.guild, member)));
    });
    this.route('GET', `${v}/guilds/:guild/members/:user`, ({ params }) => {
      const refused = guildOnly(params);
      if (refused) return refused;
      const member = this.guild.members.get(params.user!);
      return member ? ok(apiMember(this.guild, member)) : fail(404, 10007, 'Unknown Member');
    });
    this.route('GET', `${v}/channels/:channel`, ({ params }) => {
      const index = this.guild.channels.findIndex((channel) => channel.id === params.channel);
      const channel = this.guild.channels[index];
      if (channel) return ok(apiChannel(this.guild, channel, index));
      const member = this.dmChannels.get(params.channel!);
      return member ? ok(apiDmChannel(params.channel!, member)) : unknownChannel();
    });
    this.route('POST', `${v}/channels/:channel/typing`, ({ params }) => (this.knownChannel(params.channel!) ? noContent() : unknownChannel()));

    // Channel messages.
    this.route('GET', `${v}/channels/:channel/messages`, ({ params, query }) => {
      if (!this.knownChannel(params.channel!)) return unknownChannel();
      const limit = Math.min(100, Number(query.get('limit') ?? 50));
      const before = query.get('before');
      const after = query.get('after');
      const visible = this.messages
        .filter((message) => message.channelId === params.channel && !message.deleted && !message.ephemeral)
        .filter((message) => (before ? BigInt(message.id) < BigInt(before) : true) && (after ? BigInt(message.id) > BigInt(after) : true));
      return ok(visible.reverse().slice(0, limit).map((message) => this.apiMessageFor(message)));
    });
    this.route('POST', `${v}/channels/:channel/messages`, ({ params, json, body }) => {
      const channel = this.knownChannel(params.channel!);
      if (!channel) return unknownChannel();
      const invalid = this.validateMessage(`POST /channels/${params.channel}/messages`, json, body.files, true);
      if (invalid) return invalid;
      const flags = Number(json.flags ?? 0) & (SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2);
      const message = this.recordMessage({ kind: 'channel', channelId: params.channel!, guildId: channel.guildId, author: this.guild.botMember, body: json, files: body.files, flags });
      return ok(this.apiMessageFor(message));
    });
    const channelMessage = (params: Record<string, string>) => {
      const message = this.messageById(params.message!);
      return message && message.channelId === params.channel && !message.deleted && !message.ephemeral ? message : null;
    };
    this.route('GET', `${v}/channels/:channel/messages/:message`, ({ params }) => {
      const message = channelMessage(params);
      return message ? ok(this.apiMessageFor(message)) : unknownMessage();
    });
    this.route('PATCH', `${v}/channels/:channel/messages/:message`, ({ params, json, body }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      if (message.author.id !== this.botUserId) return fail(403, 50005, 'Cannot edit a message authored by another user');
      const invalid = this.validateMessage(`PATCH /channels/${params.channel}/messages/${params.message}`, json, body.files, false);
      if (invalid) return invalid;
      this.editMessage(message, json, body.files);
      return ok(this.apiMessageFor(message));
    });
    this.route('DELETE', `${v}/channels/:channel/messages/:message`, ({ params }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      this.deleteMessage(message);
      return noContent();
    });

    // Reactions.
    const reactionBase = `${v}/channels/:channel/messages/:message/reactions`;
    this.route('PUT', `${reactionBase}/:emoji/:user`, ({ params }) => {
      if (params.user !== '@me') return fail(405, 0, '405: Method Not Allowed');
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      if (this.addReaction(message, params.emoji!, this.botUserId)) this.dispatchReaction('MESSAGE_REACTION_ADD', message, params.emoji!, this.guild.botMember);
      return noContent();
    });
    this.route('DELETE', `${reactionBase}/:emoji/:user`, ({ params }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      const userId = params.user === '@me' ? this.botUserId : params.user!;
      const member = this.guild.members.get(userId);
      if (this.removeReaction(message, params.emoji!, userId) && member) this.dispatchReaction('MESSAGE_REACTION_REMOVE', message, params.emoji!, member);
      return noContent();
    });
    this.route('GET', `${reactionBase}/:emoji`, ({ params }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      const users = this.reactionsOn(message.id)[params.emoji!] ?? [];
      return ok(users.map((id) => apiUser(this.guild.members.get(id) ?? { id, username: id }, id === this.botUserId)));
    });
    this.route('DELETE', `${reactionBase}/:emoji`, ({ params }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      for (const userId of this.reactionsOn(message.id)[params.emoji!] ?? []) this.removeReaction(message, params.emoji!, userId);
      if (message.guildId === this.guildId) {
        this.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: message.channelId, guild_id: message.guildId, message_id: message.id, emoji: apiEmoji(params.emoji!) }, GatewayIntentBits.GuildMessageReactions);
      }
      return noContent();
    });
    this.route('DELETE', reactionBase, ({ params }) => {
      const message = channelMessage(params);
      if (!message) return unknownMessage();
      for (const [emoji, users] of Object.entries(this.reactionsOn(message.id))) for (const userId of users) this.removeReaction(message, emoji, userId);
      if (message.guildId === this.guildId) {
        this.dispatch('MESSAGE_REACTION_REMOVE_ALL', { channel_id: message.channelId, guild_id: message.guildId, message_id: message.id }, GatewayIntentBits.GuildMessageReactions);
      }
      return noContent();
    });
  }

  private storeCommands(scope: string, definitions: Json[], bulk: boolean): RegisteredCommand[] {
    const previous = this.commands.get(scope) ?? [];
    const stored = definitions.map((definition) => {
      const type = Number(definition.type ?? 1);
      const kept = previous.find((command) => command.name === definition.name && (command.type ?? 1) === type);
      return {
        name_localizations: null,
        description_localizations: null,
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        options: [],
        description: '',
        ...definition,
        id: kept?.id ?? snowflake(),
        application_id: this.applicationId,
        ...(scope === 'global' ? {} : { guild_id: scope }),
        version: snowflake(),
        type,
      } as unknown as RegisteredCommand;
    });
    this.commands.set(scope, stored);
    if (bulk) this.commandRegistrations.push({ scope, names: stored.map((command) => command.name), at: Date.now() });
    this.feed.notify();
    return stored;
  }

  private onCallback({ params, query, json, body }: RouteContext): Answer {
    const handle = this.interactionsById.get(params.id!);
    if (!handle || handle.token !== params.token) {
      this.refuse(`callback for unknown interaction ${params.id}`);
      return unknownInteraction();
    }
    const now = Date.now();
    const type = Number(json.type);
    const withResponse = query.get('with_response') === 'true';
    const callback: RecordedCallback = { interactionId: handle.id, type, data: json.data ?? null, at: now, latencyMs: now - handle.dispatchedAt, withResponse, status: 0 };
    const refuse = (answer: Answer, why: string): Answer => {
      callback.status = answer.status;
      handle.callbacks.push(callback);
      handle.refusals.push(why);
      this.interactionResponses.push(callback);
      this.refuse(`${handle.invocation}: ${why}`);
      handle.touch();
      return answer;
    };
    const deadline = this.options.interactionDeadlineMs ?? 3_000;
    if (callback.latencyMs > deadline) return refuse(unknownInteraction(), `callback ${callback.latencyMs} ms after dispatch (Discord allows ${deadline} ms)`);
    if (handle.callbacks.some((earlier) => earlier.status < 300)) return refuse(fail(400, 40060, 'Interaction has already been acknowledged.'), 'acknowledged twice');
    const allowed: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
    if (!(allowed[handle.type] ?? []).includes(type)) {
      return refuse({ status: 400, body: invalidFormBody([`type: callback type ${type} is not valid for interaction type ${handle.type}`]) }, `callback type ${type} on interaction type ${handle.type}`);
    }
    const data = (json.data ?? {}) as Json;
    const files = body.files;
    switch (type) {
      case 4: {
        const invalid = this.validateMessage(`${handle.invocation} reply`, data, files, true);
        if (invalid) return refuse(invalid, `reply refused: ${this.refusals.at(-1) ?? ''}`);
        const flags = Number(data.flags ?? 0) & (EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2);
        callback.status = withResponse ? 200 : 204;
        handle.original = this.recordMessage({ kind: 'interaction-original', channelId: handle.channelId, guildId: handle.guildId, author: this.guild.botMember, body: data, files, flags, interaction: handle });
        handle.callbacks.push(callback);
        break;
      }
      case 5: {
        const flags = (Number(data.flags ?? 0) & EPHEMERAL) | LOADING;
        callback.status = withResponse ? 200 : 204;
        handle.original = this.recordMessage({ kind: 'interaction-original', channelId: handle.channelId, guildId: handle.guildId, author: this.guild.botMember, body: {}, files: [], flags, interaction: handle });
        handle.callbacks.push(callback);
        break;
      }
      case 6:
      case 7: {
        const message = this.componentMessages.get(handle.id);
        if (!message) return refuse(unknownMessage(), 'update without a component message');
        if (type === 7) {
          const invalid = this.validateMessage(`${handle.invocation} update`, data, files, false);
          if (invalid) return refuse(invalid, `update refused: ${this.refusals.at(-1) ?? ''}`);
        }
        callback.status = withResponse ? 200 : 204;
        handle.callbacks.push(callback);
        handle.original = message;
        if (type === 7) this.editMessage(message, data, files, handle);
        break;
      }
      case 8: {
        const problems = choicesProblems(data.choices);
        if (problems.length) return refuse({ status: 400, body: invalidFormBody(problems) }, `choices refused: ${problems.join('; ')}`);
        callback.status = withResponse ? 200 : 204;
        handle.callbacks.push(callback);
        handle.choices = data.choices as APIApplicationCommandOptionChoice[];
        break;
      }
      case 9: {
        callback.status = withResponse ? 200 : 204;
        handle.callbacks.push(callback);
        break;
      }
    }
    this.interactionResponses.push(callback);
    handle.touch();
    if (!withResponse) return noContent();
    const original = handle.original;
    return ok({
      interaction: {
        id: handle.id,
        type: handle.type,
        ...(original ? { response_message_id: original.id, response_message_loading: original.loading, response_message_ephemeral: original.ephemeral } : {}),
      },
      resource: { type, ...(original && [4, 5, 7].includes(type) ? { message: this.apiMessageFor(original) } : {}) },
    });
  }

  private webhookHandle(params: Record<string, string>): InteractionHandle | Answer {
    if (params.app !== this.applicationId) return unknownWebhook();
    const handle = this.interactionsByToken.get(params.token!);
    if (!handle) return unknownWebhook();
    if (!handle.callbacks.some((callback) => callback.status < 300)) return unknownWebhook();
    return handle;
  }

  private webhookMessage(params: Record<string, string>): { handle: InteractionHandle; message: RecordedMessage } | Answer {
    const handle = this.webhookHandle(params);
    if (!(handle instanceof InteractionHandle)) return handle;
    const message = params.message === '@original' ? handle.original : [handle.original, ...handle.followUps].find((candidate) => candidate?.id === params.message);
    if (!message || message.deleted) return unknownMessage();
    return { handle, message };
  }

  private onFollowUp({ params, query, json, body }: RouteContext): Answer {
    const handle = this.webhookHandle(params);
    if (!(handle instanceof InteractionHandle)) return handle;
    const invalid = this.validateMessage(`${handle.invocation} follow-up`, json, body.files, true);
    if (invalid) {
      handle.refusals.push(`follow-up: ${this.refusals.at(-1) ?? 'invalid'}`);
      handle.touch();
      return invalid;
    }
    let message: RecordedMessage;
    if (handle.original?.loading && handle.original.kind === 'interaction-original') {
      // Discord: the first follow-up after a deferred reply replaces the "thinking" message (keeping its ephemerality).
      message = handle.original;
      this.editMessage(message, json, body.files, handle);
    } else {
      const flags = Number(json.flags ?? 0) & (EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2);
      message = this.recordMessage({ kind: 'follow-up', channelId: handle.channelId, guildId: handle.guildId, author: this.guild.botMember, body: json, files: body.files, flags, interaction: handle });
      handle.followUps.push(message);
      handle.touch();
    }
    return query.get('wait') === 'false' ? noContent() : ok(this.apiMessageFor(message));
  }

  // ── Logging ─────────────────────────────────────────────────────────────────────────────────────────────

  private warn(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(`[discord-standin] ${line}`);
  }

  private debug(line: string): void {
    this.warn(line);
  }
}
