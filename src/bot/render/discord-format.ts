/** Discord's limits for an embed and a message (developer docs, "Embed Limits"). */
export const LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** All embeds of one message together. */
  messageEmbedChars: 6000,
  embedsPerMessage: 10,
  content: 2000,
} as const;

/** `<t:…:R>`: Discord renders it as "in 3 hours" / "2 hours ago" in each reader's locale. */
export function relativeTime(iso: string): string {
  return `<t:${Math.floor(Date.parse(iso) / 1000)}:R>`;
}

/** Text that cannot break out of inline code or trigger markdown. */
export function code(text: string): string {
  return `\`${text.replaceAll('`', 'ˋ')}\``;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Lines joined up to `max` characters, whole lines only, saying how many were left out. */
export function wholeLines(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const more = `… and ${lines.length - index} more`;
    if (length + line.length + 1 > max - more.length - 1) {
      kept.push(more);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

/** Characters of embeds that count toward Discord's 6000 per message. */
export function embedChars(embeds: ReadonlyArray<{ title?: string; description?: string; footer?: { text: string }; fields?: ReadonlyArray<{ name: string; value: string }> }>): number {
  let total = 0;
  for (const embed of embeds) {
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
    for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  }
  return total;
}
