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

/** A store is a few KB (15 profiles are about 10 KB); one far larger is not read at all. */
export const MAX_STORE_BYTES = 8 * 1024 * 1024;

export function tooLargeReason(bytes: number): string {
  return `is ${(bytes / 1024 / 1024).toFixed(1)} MiB; no credential store is that large (limit ${MAX_STORE_BYTES / 1024 / 1024} MiB), so it is not read`;
}

/**
 * Nesting deeper than this is no credential store (OpenClaw's go four levels deep), and a
 * rewrite of it would overflow JSON.stringify's stack (and status's, for a deep keyRef).
 */
const MAX_STORE_DEPTH = 256;

/**
 * What JSON.parse accepts but a read-modify-write could not give back as it was: a key twice
 * in one object (the parser keeps the last, so a rewrite drops the other copy), a number a
 * double cannot hold (1e400 turns into Infinity and is written back as null; an integer
 * past 2^53 comes back rounded), or nesting too deep to serialize. Such a store is refused,
 * since writing it would change fields that are not ours to change. Only for text that
 * JSON.parse accepted; the answer names a place, never a value.
 */
export function rewriteProblem(source: string): string | null {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  type Frame = { keys: Set<string> | null; at: string | number; expectKey: boolean };
  const stack: Frame[] = [];
  const where = () => formatPlace(stack.map((frame) => frame.at));
  const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      // `{` or `[`: the element's place was set by its parent.
      if (stack.length >= MAX_STORE_DEPTH) return `nested deeper than ${MAX_STORE_DEPTH} levels`;
      stack.push({ keys: c === 0x7b ? new Set() : null, at: c === 0x7b ? '' : 0, expectKey: c === 0x7b });
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
      i++;
    } else if (c === 0x22) {
      let end = i + 1;
      for (;;) {
        end = text.indexOf('"', end);
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        end++;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) {
          top.at = key;
          return `has a key twice (${where()}); JSON.parse keeps the last, so a rewrite would drop the other`;
        }
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      number.lastIndex = i;
      const literal = number.exec(text)?.[0] ?? text[i]!;
      const value = Number(literal);
      if (!Number.isFinite(value)) return `holds a number too large for JSON to keep (at ${where()}); a rewrite would turn it into null`;
      if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(value) && BigInt(literal) !== BigInt(value)) {
        return `holds an integer too large to keep exactly (at ${where()}); a rewrite would round it`;
      }
      i += literal.length;
    } else {
      i++;
    }
  }
  return null;
}

function formatPlace(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of parts) out += typeof part === 'number' ? `[${part}]` : out ? `.${part.slice(0, 64)}` : part.slice(0, 64);
  if (!out) return 'the top level';
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}
