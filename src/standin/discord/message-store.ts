import { GatewayIntentBits, type APIEmbed } from 'discord.js';
import type { StandinContext } from './context.js';
import type { DmChannels } from './dm-channels.js';
import { apiMember, apiMessage, apiUser } from './fixtures.js';
import type { Gateway } from './gateway.js';
import type { Json, UploadedFile } from './http-util.js';
import type { InteractionHandle } from './interaction-handle.js';
import type { InteractionStore } from './interaction-store.js';
import { EPHEMERAL, LOADING, SUPPRESS_EMBEDS } from './message-flags.js';
import type { ReactionStore } from './reaction-store.js';
import { snowflake } from './snowflake.js';
import type { MessageKind, MessageVersion, RecordedAttachment, RecordedMessage, StandinMember } from './types.js';

export interface NewMessage {
  kind: MessageKind;
  channelId: string;
  guildId: string | null;
  author: StandinMember;
  body: Json;
  files: UploadedFile[];
  flags: number;
  interaction?: InteractionHandle;
  /** false: recorded without MESSAGE_CREATE (a message the bot never saw). */
  dispatch?: boolean;
}

/**
 * Every message in every channel (channel messages, interaction responses, follow-ups), each with its
 * history of versions, and how Discord shows one: the REST message object, and MESSAGE_CREATE / UPDATE /
 * DELETE to the bot for what everyone in the guild can see.
 */
export class MessageStore {
  /** In the order they were created; edits change them in place. */
  readonly all: RecordedMessage[] = [];

  constructor(
    private readonly ctx: StandinContext,
    private readonly gateway: Gateway,
    private readonly reactions: ReactionStore,
    private readonly interactions: InteractionStore,
    private readonly dms: DmChannels,
  ) {}

  byId(id: string): RecordedMessage | undefined {
    return this.all.find((message) => message.id === id);
  }

  /** A message the channel routes may touch: in that channel, not deleted, not ephemeral (those only have a webhook). */
  inChannel(channelId: string, messageId: string): RecordedMessage | null {
    const message = this.byId(messageId);
    return message && message.channelId === channelId && !message.deleted && !message.ephemeral ? message : null;
  }

  attachment(id: string): RecordedAttachment | undefined {
    return this.all.flatMap((message) => message.attachments).find((candidate) => candidate.id === id);
  }

  record(input: NewMessage): RecordedMessage {
    const now = Date.now();
    const attachments = this.attachmentsFrom(input.channelId, input.body, input.files, []);
    const reference = input.body.message_reference as Json | undefined;
    const message: RecordedMessage = {
      id: snowflake(now),
      channelId: input.channelId,
      guildId: input.guildId,
      kind: input.kind,
      author: { id: input.author.id, username: input.author.username, bot: input.author.id === this.ctx.botUserId },
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
    this.all.push(message);
    if (input.dispatch !== false && this.isPublicGuildMessage(message)) {
      this.gateway.dispatch('MESSAGE_CREATE', this.gatewayMessage(message), GatewayIntentBits.GuildMessages);
    }
    // Callers attach the message to its interaction, then touch() it, so waiters never see half a reply.
    this.ctx.feed.notify();
    return message;
  }

  /**
   * Applies an edit (only the fields the body names). The edit that ends a deferral fills the "thinking"
   * message rather than editing it, so it does not count as edited, as on Discord.
   */
  edit(message: RecordedMessage, body: Json, files: UploadedFile[], interaction?: InteractionHandle): void {
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
    if (this.isPublicGuildMessage(message)) this.gateway.dispatch('MESSAGE_UPDATE', this.gatewayMessage(message), GatewayIntentBits.GuildMessages);
    if (interaction?.original === message) interaction.originalEditedAt = now;
    this.changed(interaction);
  }

  /** Marks it deleted (it stays in the record, for transcripts and assertions). */
  delete(message: RecordedMessage, interaction?: InteractionHandle): void {
    const wasPublic = this.isPublicGuildMessage(message);
    message.deleted = true;
    if (wasPublic) {
      this.gateway.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channelId, guild_id: message.guildId }, GatewayIntentBits.GuildMessages);
    }
    this.changed(interaction);
  }

  /** Wakes waiters once: through the interaction when there is one (touch() notifies the same feed), else directly. */
  private changed(interaction: InteractionHandle | undefined): void {
    if (interaction) interaction.touch();
    else this.ctx.feed.notify();
  }

  /** The REST message object for a recorded message. */
  apiMessage(message: RecordedMessage): Json {
    const interaction = message.interactionId ? this.interactions.byId(message.interactionId) : undefined;
    const invoker = interaction ? this.person(interaction.invokerId) : undefined;
    return apiMessage(message, {
      applicationId: this.ctx.applicationId,
      author: this.authorUser(message),
      botUserId: this.ctx.botUserId,
      reactions: Object.entries(this.reactions.on(message.id)).map(([emoji, userIds]) => ({ emoji, userIds })),
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

  /** Kept attachments (those the body's `attachments` still lists, or all without one) plus the uploaded files. */
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
        url: `http://127.0.0.1:${this.ctx.port}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
      };
    });
    return [...kept, ...added];
  }

  private version(message: RecordedMessage): MessageVersion {
    return {
      at: message.editedAt ?? message.createdAt,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      flags: message.flags,
    };
  }

  /** What the bot hears about on the gateway: a live, non-ephemeral message in the stand-in guild. */
  private isPublicGuildMessage(message: RecordedMessage): boolean {
    return !message.deleted && !message.ephemeral && message.guildId === this.ctx.guildId;
  }

  private authorUser(message: RecordedMessage) {
    if (message.author.id === this.ctx.botUserId) return apiUser(this.ctx.guild.botMember, true);
    const member = this.person(message.author.id);
    return apiUser(member ?? { id: message.author.id, username: message.author.username });
  }

  /** Someone by user id: a guild member, or someone a DM channel was opened with. */
  private person(userId: string): StandinMember | undefined {
    return this.ctx.guild.members.get(userId) ?? this.dms.byUser(userId);
  }

  /** The MESSAGE_CREATE / MESSAGE_UPDATE form: adds guild_id and the author's member. */
  private gatewayMessage(message: RecordedMessage): Json {
    const author = this.ctx.guild.members.get(message.author.id);
    return {
      ...this.apiMessage(message),
      guild_id: message.guildId,
      ...(author ? { member: apiMember(this.ctx.guild, author, { withUser: false }) } : {}),
    };
  }
}
