import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayIntentBits } from 'discord.js';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { StandinContext } from './context.js';
import { apiGuildCreate, apiMember, apiUser } from './fixtures.js';
import type { Json } from './http-util.js';
import type { Outage } from './outage.js';

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

/**
 * The gateway (WebSocket, API v10, plain JSON): HELLO, heartbeat ACK, IDENTIFY → READY + GUILD_CREATE, RESUME
 * (replaying what the session missed) or INVALID_SESSION, REQUEST_GUILD_MEMBERS, and the dispatches the rest
 * of the stand-in sends. Sessions outlive their sockets so that a cut connection can resume, as on Discord.
 */
export class Gateway {
  /** A readable log of gateway events (connect, identify, resume, drop, skipped dispatches). */
  readonly log: string[] = [];
  /** IDENTIFY payloads (token removed). */
  readonly identifies: Json[] = [];
  readyCount = 0;
  resumeCount = 0;

  private readonly wss = new WebSocketServer({ noServer: true });
  /** At most one unless `multipleSessions` (then one per logged-in client, as on Discord). */
  private sessions: GatewaySession[] = [];

  constructor(
    private readonly ctx: StandinContext,
    private readonly outage: Outage,
  ) {}

  /** Some session exists (connected or waiting to resume): a dispatch now reaches the bot, now or on RESUME. */
  get hasSession(): boolean {
    return this.sessions.length > 0;
  }

  /** Gateway sessions connected right now (more than one only with `multipleSessions`). */
  get connectedSessions(): number {
    return this.sessions.filter((session) => session.live && session.ws?.readyState === WebSocket.OPEN).length;
  }

  /** Some session has a socket (possibly not yet identified or resumed on it): there is something to cut. */
  get hasSocket(): boolean {
    return this.sessions.some((session) => session.ws);
  }

  /** The HTTP server's `upgrade`: takes /gateway connections the way Discord would, refuses the rest loudly. */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const refuse = (status: string, why: string) => {
      this.log.push(`refused ${url.pathname}${url.search}: ${why}`);
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.ctx.closed) return refuse('503 Service Unavailable', 'closed');
    if (!url.pathname.startsWith('/gateway')) {
      this.ctx.warn(`gateway connection to unknown path ${url.pathname}`);
      return refuse('404 Not Found', 'unknown path');
    }
    if (this.outage.gateway) return refuse('503 Service Unavailable', 'outage');
    const compress = url.searchParams.get('compress');
    if (compress) {
      this.ctx.warn(`the client asked for compress=${compress}; the stand-in speaks plain JSON only (is zlib-sync installed?)`);
      return refuse('400 Bad Request', `compress=${compress} unsupported`);
    }
    const encoding = url.searchParams.get('encoding') ?? 'json';
    if (encoding !== 'json') {
      this.ctx.warn(`the client asked for encoding=${encoding}; the stand-in speaks JSON only (is erlpack installed?)`);
      return refuse('400 Bad Request', `encoding=${encoding} unsupported`);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  /**
   * Sends a dispatch to the bot: to every session (several only with `multipleSessions`: each logged-in client,
   * as on Discord), kept for replay while one is disconnected. Returns false when no session got it.
   */
  dispatch(t: string, d: unknown, intent?: number): boolean {
    if (this.sessions.length === 0) {
      this.log.push(`dropped ${t}: no gateway session`);
      return false;
    }
    let sent = false;
    for (const session of this.sessions) sent = this.dispatchTo(session, t, d, intent) || sent;
    return sent;
  }

  /** Failure injection: see DiscordStandin.dropGateway. */
  drop(options: { code?: number; invalidateSession?: boolean } = {}): void {
    // Every connected session (one, unless `multipleSessions`).
    const connected = this.sessions.filter((session) => session.ws);
    if (connected.length === 0) throw new Error('dropGateway: the bot is not connected');
    for (const session of connected) {
      const ws = session.ws!;
      session.ws = null;
      session.live = false;
      this.log.push(`drop (${options.code ?? 'cut'}${options.invalidateSession ? ', session invalidated' : ''})`);
      if (options.code) ws.close(options.code, 'stand-in dropGateway');
      else ws.terminate();
    }
    if (options.invalidateSession) this.sessions = this.sessions.filter((session) => !connected.includes(session));
    this.ctx.feed.notify();
  }

  /** Cuts every client and stops taking connections. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    this.log.push(`connect ${url.pathname}${url.search}`);
    const connection: GatewayConnection = { ws, authenticated: false };
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      this.log.push(`closed ${code}`);
      const session = this.sessions.find((candidate) => candidate.ws === ws);
      if (session) {
        session.ws = null;
        session.live = false;
        this.ctx.feed.notify();
      }
    });
    ws.on('message', (data) => this.onFrame(connection, data));
    const version = url.searchParams.get('v');
    if (version !== null && version !== '10') {
      this.ctx.warn(`gateway version v=${version} requested; only 10 is spoken`);
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.sendFrame(ws, { op: 10, t: null, s: null, d: { heartbeat_interval: this.ctx.options.heartbeatIntervalMs ?? 41_250, _trace: ['standin'] } });
  }

  private onFrame(connection: GatewayConnection, data: RawData): void {
    let payload: Json;
    try {
      payload = JSON.parse(data.toString()) as Json;
    } catch {
      this.ctx.warn('gateway frame is not JSON');
      connection.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    const op = Number(payload.op);
    this.ctx.debug(`gateway ← op ${op}`);
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
        this.ctx.warn(`unknown gateway opcode ${op}`);
        connection.ws.close(4001, 'Unknown opcode.');
    }
  }

  private onIdentify(connection: GatewayConnection, d: Json): void {
    const { options, guild } = this.ctx;
    if (connection.authenticated) {
      connection.ws.close(4005, 'Already authenticated.');
      return;
    }
    if (options.token !== undefined && d.token !== options.token) {
      this.log.push('IDENTIFY with a wrong token → 4004');
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    const { token: _token, ...rest } = d;
    this.identifies.push(rest);
    if (rest.compress === true) this.log.push('IDENTIFY asked for compress: true (ignored; frames stay plain JSON)');
    const intents = Number(d.intents ?? 0);
    if (!options.multipleSessions) {
      // One bot connection: a new IDENTIFY replaces the session (the old socket is a zombie).
      for (const old of this.sessions) if (old.ws && old.ws !== connection.ws) old.ws.terminate();
      this.sessions = [];
    }
    connection.authenticated = true;
    const session: GatewaySession = { id: randomBytes(16).toString('hex'), seq: 0, buffer: [], intents, ws: connection.ws, live: false };
    this.sessions.push(session);
    this.log.push(`IDENTIFY intents=${intents} → READY session ${session.id.slice(0, 8)}`);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...apiUser(guild.botMember, true), verified: true, mfa_enabled: false, email: null },
      guilds: [{ id: this.ctx.guildId, unavailable: true }],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.ctx.gatewayUrl}/resume`,
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: this.ctx.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['standin'],
    });
    // Like Discord, GUILD_CREATE lists every member only to a bot with the GuildMembers intent.
    const members = this.hasIntent(session, GatewayIntentBits.GuildMembers) || options.strictIntents === false ? [...guild.members.values()] : [guild.botMember];
    this.dispatchTo(session, 'GUILD_CREATE', apiGuildCreate(guild, members));
    session.live = true;
    this.readyCount++;
    this.ctx.feed.notify();
  }

  private onResume(connection: GatewayConnection, d: Json): void {
    const session = this.sessions.find((candidate) => candidate.id === d.session_id);
    if (!session || typeof d.seq !== 'number' || d.seq > session.seq) {
      this.log.push(`RESUME ${String(d.session_id).slice(0, 8)} seq=${String(d.seq)} → INVALID_SESSION`);
      this.sendFrame(connection.ws, { op: 9, t: null, s: null, d: false });
      return;
    }
    if (this.ctx.options.token !== undefined && d.token !== this.ctx.options.token) {
      connection.ws.close(4004, 'Authentication failed.');
      return;
    }
    if (session.ws && session.ws !== connection.ws) session.ws.terminate();
    connection.authenticated = true;
    session.ws = connection.ws;
    const missed = session.buffer.filter((frame) => (frame.s ?? 0) > d.seq);
    for (const frame of missed) this.sendFrame(connection.ws, frame);
    this.log.push(`RESUME seq=${d.seq} → RESUMED, replayed ${missed.length}`);
    this.dispatchTo(session, 'RESUMED', { _trace: ['standin'] });
    session.live = true;
    this.resumeCount++;
    this.ctx.feed.notify();
  }

  private onRequestGuildMembers(connection: GatewayConnection, d: Json): void {
    const { guild, guildId } = this.ctx;
    const session = this.sessions.find((candidate) => candidate.ws === connection.ws);
    if (!session) return;
    const guildIds: string[] = Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id];
    if (!guildIds.includes(guildId)) return;
    let members = [...guild.members.values()];
    const userIds: string[] | null = d.user_ids ? (Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]) : null;
    if (userIds) members = members.filter((member) => userIds.includes(member.id));
    else if (typeof d.query === 'string' && d.query) members = members.filter((member) => member.username.startsWith(d.query as string));
    if (typeof d.limit === 'number' && d.limit > 0) members = members.slice(0, d.limit);
    this.dispatchTo(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guildId,
      members: members.map((member) => apiMember(guild, member)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: userIds ? userIds.filter((id) => !guild.members.has(id)) : [],
      ...(d.nonce ? { nonce: d.nonce } : {}),
    });
  }

  private hasIntent(session: GatewaySession, bit: number): boolean {
    return (session.intents & bit) !== 0;
  }

  private sendFrame(ws: WebSocket, frame: GatewayFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    this.ctx.debug(`gateway → op ${frame.op}${frame.t ? ` ${frame.t} s=${frame.s}` : ''}`);
    ws.send(JSON.stringify(frame));
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown, intent?: number): boolean {
    // Discord does not send an event to a session without its intent (strictIntents: false lets every one through).
    if (intent !== undefined && this.ctx.options.strictIntents !== false && !this.hasIntent(session, intent)) {
      this.log.push(`skipped ${t}: the bot lacks intent ${GatewayIntentBits[intent] ?? intent}`);
      return false;
    }
    const frame: GatewayFrame = { op: 0, t, s: ++session.seq, d };
    session.buffer.push(frame);
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.ws) this.sendFrame(session.ws, frame);
    else this.log.push(`queued ${t} s=${frame.s} (disconnected)`);
    return true;
  }
}
