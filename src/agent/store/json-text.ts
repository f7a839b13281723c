/**
 * Parses JSON without letting the parser's message through: V8 quotes the text around a
 * syntax error, and in a credential store that text is a token.
 */
export function parseJsonQuietly(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, reason: 'file is empty (half-written?)' };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const message = (error as Error).message;
    if (/end of (JSON )?input|Unterminated/i.test(message)) return { ok: false, reason: 'not valid JSON: it ends early (truncated?)' };
    const position = /position (\d+)/.exec(message)?.[1];
    if (position !== undefined && Number(position) >= body.trimEnd().length) return { ok: false, reason: 'not valid JSON: it ends early (truncated?)' };
    return { ok: false, reason: `not valid JSON${position ? ` (near byte ${position})` : ''}` };
  }
}

/** How OpenClaw writes its JSON stores: two-space indent and one trailing newline. */
export function serializeLikeOpenClaw(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
