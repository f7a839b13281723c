import type { APIEmbed } from 'discord.js';
import type { InteractionHandle } from './interaction-handle.js';
import type { RecordedMessage } from './types.js';

export interface TranscriptInput {
  channelName: string;
  channelId: string;
  messages: RecordedMessage[];
  interactions: InteractionHandle[];
  /** emoji → user ids, per message id. */
  reactionsOn: (messageId: string) => Record<string, string[]>;
  nameOf: (userId: string) => string;
  /** Show ephemeral messages (marked as such); default true. */
  includeEphemeral?: boolean;
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((line) => `${prefix}${line}`);
}

function renderEmbed(embed: APIEmbed): string[] {
  const lines: string[] = [];
  const bar = '  │ ';
  if (embed.author?.name) lines.push(`${bar}${embed.author.name}`);
  if (embed.title) lines.push(`${bar}**${embed.title}**`);
  if (embed.description) lines.push(...indent(embed.description, bar));
  for (const field of embed.fields ?? []) {
    lines.push(`${bar}${field.name}:`);
    lines.push(...indent(field.value, `${bar}  `));
  }
  if (embed.footer?.text) lines.push(`${bar}— ${embed.footer.text}`);
  if (embed.timestamp) lines.push(`${bar}(${embed.timestamp})`);
  const colour = typeof embed.color === 'number' ? ` #${embed.color.toString(16).padStart(6, '0')}` : '';
  return [`  ┌ embed${colour}`, ...lines, '  └'];
}

/** The channel as a person in it would read it: invocations, messages, embeds, files and reactions in order. */
export function renderTranscript(input: TranscriptInput): string {
  type Entry = { at: number; order: number; lines: string[] };
  const entries: Entry[] = [];
  let order = 0;
  for (const handle of input.interactions) {
    if (handle.channelId !== input.channelId || handle.type !== 2) continue;
    entries.push({ at: handle.dispatchedAt, order: order++, lines: [`[${time(handle.dispatchedAt)}] ${handle.invokerName} used ${handle.invocation}`] });
  }
  for (const message of input.messages) {
    if (message.channelId !== input.channelId || message.deleted) continue;
    if (message.ephemeral && input.includeEphemeral === false) continue;
    const tags: string[] = [];
    if (message.author.bot) tags.push('BOT');
    if (message.ephemeral) tags.push(`only visible to ${message.visibleTo ? input.nameOf(message.visibleTo) : 'the invoker'}`);
    if (message.editedAt) tags.push('edited');
    if (message.kind === 'follow-up') tags.push('follow-up');
    const header = `[${time(message.createdAt)}] ${message.author.username}${tags.length ? ` (${tags.join(', ')})` : ''}:`;
    const lines = [header];
    if (message.loading) lines.push(`  ${message.author.username} is thinking…`);
    if (message.content) lines.push(...indent(message.content, '  '));
    for (const embed of message.embeds) lines.push(...renderEmbed(embed));
    for (const attachment of message.attachments) lines.push(`  📎 ${attachment.filename} (${attachment.size} bytes)`);
    if (message.components.length) lines.push(`  [${message.components.length} component row(s)]`);
    const reactions = Object.entries(input.reactionsOn(message.id)).filter(([, users]) => users.length > 0);
    if (reactions.length) {
      lines.push(`  reactions: ${reactions.map(([emoji, users]) => `${emoji} ${users.map(input.nameOf).join(', ')}`).join(' · ')}`);
    }
    entries.push({ at: message.createdAt, order: order++, lines });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  return [`── #${input.channelName} ──`, ...entries.flatMap((entry) => entry.lines)].join('\n');
}
