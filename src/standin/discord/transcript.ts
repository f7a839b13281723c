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
  /**
   * Every version of an edited message at the time it was shown, rather than only the
   * last one at the time the message was first posted: for reading the channel as a story.
   */
  versions?: boolean;
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function relative(seconds: number, nowMs: number): string {
  const delta = seconds * 1000 - nowMs;
  const minutes = Math.round(Math.abs(delta) / 60_000);
  const span = minutes < 1 ? 'a few seconds' : minutes < 90 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : minutes < 36 * 60 ? `${Math.round(minutes / 60)} hours` : `${Math.round(minutes / 1440)} days`;
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** Discord's `<t:unix:style>` as a reader sees it, relative ones as of the moment shown. */
function timestamps(text: string, nowMs: number): string {
  return text.replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_match, unix: string, style?: string) =>
    style === 'R' ? relative(Number(unix), nowMs) : `${new Date(Number(unix) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  );
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
    const body = (version: Pick<RecordedMessage, 'content' | 'embeds' | 'attachments' | 'components'>, loading: boolean, at: number, previous?: Pick<RecordedMessage, 'embeds'>) => {
      const lines: string[] = [];
      if (loading) lines.push(`  ${message.author.username} is thinking…`);
      if (version.content) lines.push(...indent(timestamps(version.content, at), '  '));
      if (previous && version.embeds.length > 0 && JSON.stringify(previous.embeds) === JSON.stringify(version.embeds)) lines.push('  ┆ (embeds as before)');
      else for (const embed of version.embeds) lines.push(...renderEmbed(embed).map((line) => timestamps(line, at)));
      for (const attachment of version.attachments) lines.push(`  📎 ${attachment.filename} (${attachment.size} bytes)`);
      if (version.components.length) lines.push(`  [${version.components.length} component row(s)]`);
      return lines;
    };
    const reactions = Object.entries(input.reactionsOn(message.id)).filter(([, users]) => users.length > 0);
    const reactionLine = reactions.length ? [`  reactions: ${reactions.map(([emoji, users]) => `${emoji} ${users.map(input.nameOf).join(', ')}`).join(' · ')}`] : [];
    // A deferred reply's first version is only "thinking": not worth a line of its own.
    const shown = input.versions ? message.history.filter((version) => version.content || version.embeds.length || version.attachments.length) : [];
    if (shown.length > 1) {
      shown.forEach((version, index) => {
        const label = [...tags.filter((tag) => tag !== 'edited'), ...(index === 0 ? [] : [`edit ${index} of the message from ${time(shown[0]!.at)}`])];
        const header = `[${time(version.at)}] ${message.author.username}${label.length ? ` (${label.join(', ')})` : ''}:`;
        entries.push({ at: version.at, order: order++, lines: [header, ...body(version, false, version.at, shown[index - 1]), ...(index === shown.length - 1 ? reactionLine : [])] });
      });
      continue;
    }
    const header = `[${time(message.createdAt)}] ${message.author.username}${tags.length ? ` (${tags.join(', ')})` : ''}:`;
    const lines = [header, ...body(message, message.loading, message.editedAt ?? message.createdAt), ...reactionLine];
    entries.push({ at: message.createdAt, order: order++, lines });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  return [`── #${input.channelName} ──`, ...entries.flatMap((entry) => entry.lines)].join('\n');
}
