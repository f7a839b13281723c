import { describe, expect, it } from 'vitest';
import { parseJsonQuietly, serializeLikeOpenClaw } from '../../src/agent/store/json-text.js';

const SECRET = 'sk-ant-oat01-QUIET-Zq8wKx1c9d0e1f2a3b4c5d6e7f8g9h0';
const TRUNCATED = 'not valid JSON: it ends early (truncated?)';
/** The only shapes a reason may take: fixed words, at most a number. */
const REASON_SHAPE = /^(file is empty \(half-written\?\)|not valid JSON: it ends early \(truncated\?\)|not valid JSON( \(near byte \d+\))?)$/;

const STORE = serializeLikeOpenClaw({
  version: 1,
  profiles: {
    'anthropic:default': { type: 'oauth', provider: 'anthropic', access: SECRET, refresh: `${SECRET}-r`, expires: 1771080000000, enabled: true, note: null },
    'openai-codex:ops@example.com': { type: 'oauth', provider: 'openai-codex', access: `${SECRET}-c`, expires: 1771990000000, scopes: ['a', 'b'] },
  },
});

function failure(text: string): string {
  const result = parseJsonQuietly(text);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
}

describe('parseJsonQuietly', () => {
  it('parses valid JSON', () => {
    const result = parseJsonQuietly(STORE);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual(JSON.parse(STORE));
  });

  it('accepts a UTF-8 byte order mark', () => {
    const result = parseJsonQuietly(`\uFEFF${STORE}`);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual(JSON.parse(STORE));
  });

  it('accepts a BOM before a small document', () => {
    expect(parseJsonQuietly('\uFEFF{"version":1,"profiles":{}}')).toEqual({ ok: true, value: { version: 1, profiles: {} } });
  });

  it('calls an empty or whitespace-only file empty', () => {
    expect(failure('')).toBe('file is empty (half-written?)');
    expect(failure(' \n\t ')).toBe('file is empty (half-written?)');
  });

  describe('syntax errors never quote the input', () => {
    const broken: string[] = [
      `{"access":"${SECRET}" x}`,
      `{"access":${SECRET}}`,
      `{"access":"${SECRET}",,}`,
      `{"access":"${SECRET}"} trailing-${SECRET}`,
      `{"access":"${SECRET}\n"}`,
      `[${SECRET}]`,
      `${SECRET}`,
      `{'access':'${SECRET}'}`,
      `{"a":1}}${SECRET}`,
      `{"access":"${SECRET}",}`,
      STORE.replace(`"${SECRET}"`, `"${SECRET}" ${SECRET}`),
    ];
    for (const text of broken) {
      it(JSON.stringify(text.slice(0, 40)), () => {
        const reason = failure(text);
        expect(reason).toMatch(REASON_SHAPE);
        expect(reason).not.toContain(SECRET);
        expect(reason).not.toContain('sk-');
        expect(reason).not.toContain('QUIET');
        expect(reason).not.toMatch(/["']/);
      });
    }
  });

  it('a syntax error in the middle is not called truncated', () => {
    expect(failure(`{"access":"${SECRET}" x, "b": 2}`)).not.toBe(TRUNCATED);
    expect(failure(`{"a":1}} more`)).not.toBe(TRUNCATED);
  });

  describe('truncated input says truncated', () => {
    const cases = [
      `{"access":"${SECRET}`, // inside a string
      `{"access":`, // after a colon
      `{"version":1,"profiles":{`, // after an open brace
      `{"version":1,"profiles":{"a":{"type":"oauth"}`, // inside nesting
      `{"version":1`, // after a value
      `{"version":1,`, // after a comma
      `{"version"`, // after a key
      `{`, // first byte only
      `[1,2`, // in an array
      `{"expires":17710`, // inside a number
      `{"enabled":tr`, // inside a literal
    ];
    for (const text of cases) {
      it(JSON.stringify(text.slice(0, 40)), () => {
        const reason = failure(text);
        expect(reason).toBe(TRUNCATED);
      });
    }
  });

  it('every prefix of a real store document (a half-written file) is reported as truncated', () => {
    const misreported: string[] = [];
    for (let cut = 1; cut < STORE.trimEnd().length; cut++) {
      const prefix = STORE.slice(0, cut);
      const result = parseJsonQuietly(prefix);
      if (result.ok) continue; // e.g. a prefix that happens to be a complete value cannot happen here, but be safe
      expect(result.reason).toMatch(REASON_SHAPE);
      expect(result.reason).not.toContain(SECRET);
      if (result.reason !== TRUNCATED) misreported.push(`${JSON.stringify(prefix.slice(-12))} -> ${result.reason}`);
    }
    expect(misreported).toEqual([]);
  });

  it('a truncated file that starts with a BOM is still reported as truncated', () => {
    const misreported: string[] = [];
    const withBom = `\uFEFF${STORE}`;
    for (let cut = 2; cut < withBom.trimEnd().length; cut++) {
      const prefix = withBom.slice(0, cut);
      const result = parseJsonQuietly(prefix);
      if (!result.ok && result.reason !== TRUNCATED) misreported.push(`${JSON.stringify(prefix.slice(-12))} -> ${result.reason}`);
    }
    expect(misreported).toEqual([]);
  });
});

describe('serializeLikeOpenClaw', () => {
  it('uses two-space indentation and one trailing newline', () => {
    expect(serializeLikeOpenClaw({ version: 1, profiles: { a: { type: 'oauth' } } })).toBe(
      '{\n  "version": 1,\n  "profiles": {\n    "a": {\n      "type": "oauth"\n    }\n  }\n}\n',
    );
  });

  it('keeps key order and round-trips through parseJsonQuietly', () => {
    const value = { z: 1, a: 2, m: { y: [1, 2], b: null } };
    const text = serializeLikeOpenClaw(value);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    const parsed = parseJsonQuietly(text);
    expect(parsed.ok && Object.keys(parsed.value as object)).toEqual(['z', 'a', 'm']);
  });
});
