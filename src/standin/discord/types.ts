import type { Overwrite } from '../../discord/bot-permissions.js';
import type { RateLimits } from './rate-limits.js';
import type {
  APIActionRowComponent,
  APIApplicationCommand,
  APIApplicationCommandOptionChoice,
  APIComponentInMessageActionRow,
  APIEmbed,
} from 'discord.js';

/** A role of the stand-in guild. `permissions` is a Discord permission bitfield. */
export interface StandinRole {
  id: string;
  name: string;
  permissions?: bigint;
}

/** A person in the stand-in guild. */
export interface StandinMember {
  id: string;
  username: string;
  /** Role ids besides @everyone. */
  roleIds: string[];
  globalName?: string;
  nick?: string;
}

/** A text channel of the stand-in guild (besides the ops channel). */
export interface StandinChannel {
  id: string;
  name: string;
  /** The channel's permission overwrites (none: the roles' permissions hold). */
  overwrites?: Overwrite[];
}

export type OutageMode = 'http-503' | 'reset';

export interface StandinOptions {
  /** Listen port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  guildId?: string;
  guildName?: string;
  opsChannelId?: string;
  opsChannelName?: string;
  /** More text channels in the guild. */
  channels?: StandinChannel[];
  applicationId?: string;
  /** The bot's user id (Discord makes it equal to the application id; so does the default). */
  botUserId?: string;
  botUsername?: string;
  /** The ops role id; with the default `roles` it names the 'ops' role. */
  opsRoleId?: string;
  /** Roles besides @everyone (whose id is the guild id) and the bot's managed role. Default: the ops role. */
  roles?: StandinRole[];
  /** Default: DEFAULT_OPS_MEMBER (has the ops role) and DEFAULT_PLAIN_MEMBER (has not). */
  members?: StandinMember[];
  /** When set, REST calls with another `Authorization: Bot …` get 401 and an IDENTIFY with another token 4004. */
  token?: string;
  /** HELLO's heartbeat interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** An interaction callback later than this after dispatch gets 404 Unknown interaction (Discord: 3 s). */
  interactionDeadlineMs?: number;
  /**
   * How long after an interaction its token works on the webhook routes (follow-ups, GET/PATCH/DELETE of its
   * messages); later they get 401 50027 Invalid Webhook Token. Discord: 15 min (the default). The channel
   * routes, with the bot token, still edit the messages. See also `expireInteractionToken`.
   */
  interactionTokenTtlMs?: number;
  /**
   * Behave like Discord about intents (default true): MESSAGE_* need GuildMessages, MESSAGE_REACTION_* need
   * GuildMessageReactions, and without GuildMembers GUILD_CREATE lists only the bot's own member.
   */
  strictIntents?: boolean;
  /**
   * Several clients logged in with the bot's token each keep their own gateway session and each get every
   * dispatch (interactions, reactions, messages), as on Discord without sharding: two bot replicas both see
   * every interaction, and only the first acknowledgement is accepted (40060 for the other). Default false:
   * one session, a new IDENTIFY replacing the old one (what a single bot reconnecting needs).
   */
  multipleSessions?: boolean;
  /**
   * Discord's rate limits (default `DISCORD_RATE_LIMITS`): per-route buckets with `X-RateLimit-*` headers,
   * 429 with `retry_after` over them, and a global limit. `false` turns them off.
   */
  rateLimits?: RateLimits | false;
  /** Where warnings (unknown routes, rejected payloads, late callbacks) go; default stderr. */
  log?: (line: string) => void;
  /** Also log every request and gateway frame. */
  verbose?: boolean;
}

export interface RecordedAttachment {
  id: string;
  filename: string;
  size: number;
  contentType: string | null;
  /** The uploaded bytes (also served at `url`). */
  data: Buffer;
  url: string;
}

/** One version of a message: history[0] is how it was created, the last entry is how it is now. */
export interface MessageVersion {
  at: number;
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[] | unknown[];
  attachments: RecordedAttachment[];
  flags: number;
}

export type MessageKind =
  /** POST /channels/{c}/messages (or injectMessage). */
  | 'channel'
  /** An interaction's original response (reply, or the deferred "thinking" message). */
  | 'interaction-original'
  /** POST /webhooks/{app}/{token}. */
  | 'follow-up';

export interface RecordedAuthor {
  id: string;
  username: string;
  bot: boolean;
}

/** A message as a person in the channel would see it; mutable: edits update it in place. */
export interface RecordedMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  kind: MessageKind;
  author: RecordedAuthor;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: RecordedAttachment[];
  flags: number;
  /** flags & 64: only the invoking user sees it. */
  ephemeral: boolean;
  /** flags & 128: a deferred response still "thinking". */
  loading: boolean;
  /** The interaction it answers, for interaction-original and follow-up messages. */
  interactionId: string | null;
  /** The member who invoked that interaction (ephemeral messages are visible to them only). */
  visibleTo: string | null;
  referenceMessageId: string | null;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Every version, first to current. */
  history: MessageVersion[];
}

export interface RecordedCallback {
  interactionId: string;
  /** 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete result, 9 modal. */
  type: number;
  data: unknown;
  at: number;
  /** Milliseconds from dispatch to callback. */
  latencyMs: number;
  withResponse: boolean;
  /** What the stand-in answered (204/200 accepted; 400/404 refused). */
  status: number;
}

export interface RecordedReaction {
  messageId: string;
  channelId: string;
  emoji: string;
  userId: string;
  at: number;
  removedAt: number | null;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without the /api prefix, e.g. `/v10/webhooks/1/tok/messages/@original`. */
  path: string;
  query: string;
  status: number;
  at: number;
  /** The raw body as text (multipart bodies included as sent). */
  body: string;
}

export interface RegisteredCommand extends Omit<APIApplicationCommand, 'guild_id'> {
  guild_id?: string;
}

export interface InteractionMemberRef {
  /** A member id known to the stand-in, or a StandinMember (e.g. for a guild the bot is not in). */
  member: string | StandinMember;
}

export type OptionValue = string | number | boolean;

export interface SlashOptions extends InteractionMemberRef {
  subcommand?: string;
  subcommandGroup?: string;
  options?: Record<string, OptionValue>;
  /** Default: the ops channel (or the member's DM channel when guildId is null). */
  channelId?: string;
  /** Default: the stand-in guild. null: a DM interaction (`user` instead of `member`). */
  guildId?: string | null;
  locale?: string;
}

export interface AutocompleteOptions extends SlashOptions {
  /** The focused option's name and what the user has typed so far. */
  focused: string;
  value: OptionValue;
}

export interface ComponentOptions extends InteractionMemberRef {
  /** 2 button (default), 3 string select. */
  componentType?: number;
  values?: string[];
}

/** What one interaction has produced so far. */
export interface InteractionState {
  interactionId: string;
  commandName: string | null;
  callbacks: RecordedCallback[];
  acknowledged: boolean;
  deferred: boolean;
  /** The original response; null until a type 4/5 callback (or, for a component, the message it sits on). */
  original: RecordedMessage | null;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: RecordedAttachment[];
  flags: number;
  ephemeral: boolean;
  loading: boolean;
  followUps: RecordedMessage[];
  /** The autocomplete answer (type 8), if any. */
  choices: APIApplicationCommandOptionChoice[] | null;
  /** Set when the stand-in refused a callback (late, twice, wrong type). */
  refusals: string[];
}
