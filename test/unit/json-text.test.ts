import { describe, expect, it } from 'vitest';
import { MAX_STORE_BYTES, parseJsonQuietly, rewriteProblem, serializeLikeOpenClaw, tooLargeReason } from '../../src/agent/store/json-text.js';

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

  it('a syntax error in the middle names where, counted in the text after any BOM', () => {
    expect(failure('{"a":1 x}')).toBe('not valid JSON (near byte 7)');
    expect(failure('\uFEFF{"a":1 x}')).toBe('not valid JSON (near byte 7)');
  });

  it('leading whitespace does not make an error in the middle look like the end', () => {
    // Ten spaces before the value: the error sits past the length of the text without them.
    expect(failure(`${' '.repeat(10)}{"a":1 x}`)).toBe('not valid JSON (near byte 17)');
  });

  it('an error found only at the end of trailing whitespace is truncation', () => {
    expect(failure('{"a":1 \n\n\n')).toBe(TRUNCATED);
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

describe('tooLargeReason', () => {
  it('the limit is 8 MiB', () => {
    expect(MAX_STORE_BYTES).toBe(8_388_608);
  });

  it('gives the size in MiB to one decimal and the limit', () => {
    expect(tooLargeReason(12.5 * 1024 * 1024)).toBe('is 12.5 MiB; no credential store is that large (limit 8 MiB), so it is not read');
    expect(tooLargeReason(MAX_STORE_BYTES + 1)).toBe('is 8.0 MiB; no credential store is that large (limit 8 MiB), so it is not read');
  });
});

const twice = (place: string) => `has a key twice (${place}); JSON.parse keeps the last, so a rewrite would drop the other`;
const overflows = (place: string) => `holds a number too large for JSON to keep (at ${place}); a rewrite would turn it into null`;
const rounded = (place: string) => `holds an integer too large to keep exactly (at ${place}); a rewrite would round it`;

/** rewriteProblem only sees text JSON.parse accepted; a test text that it would not is a mistake in the test. */
function problem(text: string): string | null {
  JSON.parse(text.replace(/^\uFEFF/, ''));
  return rewriteProblem(text);
}

describe('rewriteProblem', () => {
  it('a real store, with or without a BOM, can be rewritten', () => {
    expect(problem(STORE)).toBeNull();
    expect(problem(`\uFEFF${STORE}`)).toBeNull();
  });

  it('a document that is a lone string, literal or small number can be rewritten', () => {
    for (const text of ['"abc"', '"a\\\\"', 'true', 'null', '0', '-1', '[]', '{}']) expect(problem(text), text).toBeNull();
  });

  describe('a key twice in one object', () => {
    it('at the top level, named by the key', () => {
      expect(problem('{"a":1,"a":2}')).toBe(twice('a'));
      expect(problem('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}\n')).toBe(twice('a'));
    });

    it('after a BOM', () => {
      expect(problem('\uFEFF{"a":1,"a":2}')).toBe(twice('a'));
    });

    it('in a nested object, named by its path', () => {
      expect(problem('{"version":1,"profiles":{"x":{"type":"oauth"},"x":{}}}')).toBe(twice('profiles.x'));
    });

    it('after a nested object and array have closed, in the outer object', () => {
      expect(problem('{"a":{"b":1,"c":[1,2]},"d":[{"e":1}],"a":3}')).toBe(twice('a'));
    });

    it('inside an object in an array, named by index', () => {
      expect(problem('[{"a":1},{"b":1,"c":[0],"b":2}]')).toBe(twice('[1].b'));
      expect(problem('{"list":[1,{"k":1,"k":1}]}')).toBe(twice('list[1].k'));
    });

    it('even when spelled with an escape, since JSON.parse reads both as one key', () => {
      expect(problem('{"\\u0061":1,"a":2}')).toBe(twice('a'));
    });

    it('holding an escaped quote or a trailing escaped backslash', () => {
      expect(problem('{"x\\"":1,"x\\"":2}')).toBe(twice('x"'));
      expect(problem('{"a\\\\":1,"a\\\\":2}')).toBe(twice('a\\'));
      expect(problem('{"a\\\\\\"b":1,"a\\\\\\"b":2}')).toBe(twice('a\\"b'));
    });
  });

  describe('what is not a key twice', () => {
    it('the same key in different objects, or a key repeated as a value', () => {
      expect(problem('{"a":{"b":1},"b":2}')).toBeNull();
      expect(problem('{"a":[{"b":1}],"b":2}')).toBeNull();
      expect(problem('{"a":"a","b":["a","a"],"c":{"a":"b"}}')).toBeNull();
      expect(problem('[{"a":1},{"a":2}]')).toBeNull();
    });

    it('keys that differ only by a backslash', () => {
      expect(problem('{"a\\\\":1,"a":2}')).toBeNull();
      expect(problem('{"a":1,"a\\"":2}')).toBeNull();
    });

    it('text inside a value that looks like a key, behind escaped quotes', () => {
      expect(problem('{"a":"\\",\\"a\\":\\"","b":1}')).toBeNull();
      expect(problem('{"a":"x\\\\","b":"\\\\\\",\\"a"}')).toBeNull();
    });

    it('a value ending in a backslash still ends there', () => {
      expect(problem('{"a":"x\\\\","a":1}')).toBe(twice('a'));
    });
  });

  describe('a number a rewrite would change', () => {
    it('one too large for a double, either sign, any exponent spelling', () => {
      for (const n of ['1e400', '-1e400', '1E400', '1e+400', '1.5e400', '-0.5E+400']) expect(problem(`{"n":${n}}`), n).toBe(overflows('n'));
    });

    it('an integer past 2^53 that a double rounds, either sign', () => {
      expect(problem('{"n":9007199254740993}')).toBe(rounded('n'));
      expect(problem('{"n":-9007199254740993}')).toBe(rounded('n'));
      expect(problem('{"expires":12345678901234567890}')).toBe(rounded('expires'));
    });

    it('at the top level', () => {
      expect(problem('1e400')).toBe(overflows('the top level'));
      expect(problem(' 9007199254740993 ')).toBe(rounded('the top level'));
    });

    it('in arrays, named by index', () => {
      expect(problem('{"a":[1,2,1e400]}')).toBe(overflows('a[2]'));
      expect(problem('[[1],[2,9007199254740993]]')).toBe(rounded('[1][1]'));
      expect(problem('[\n  "x",\n  {"y":1},\n  [],\n  1e999\n]')).toBe(overflows('[3]'));
    });

    it('after a nested object or array has closed', () => {
      expect(problem('{"a":[1],"b":1e400}')).toBe(overflows('b'));
      expect(problem('{"a":{"x":1},"b":9007199254740993}')).toBe(rounded('b'));
    });
  });

  describe('numbers a rewrite keeps', () => {
    it('2^53 itself, which a double holds exactly, and large doubles', () => {
      for (const n of ['9007199254740992', '-9007199254740992', '18014398509481984', '1e300', '-1.7976931348623157e308']) expect(problem(`{"n":${n}}`), n).toBeNull();
    });

    it('fractions whose digits alone would be an integer past 2^53', () => {
      for (const n of ['0.9007199254740993', '9.9007199254740993', '1.09007199254740993', '1.5', '-0.25e-3']) expect(problem(`[${n}]`), n).toBeNull();
    });

    it('digits inside strings', () => {
      expect(problem('{"n":"1e400","m":"9007199254740993"}')).toBeNull();
    });
  });

  describe('nesting', () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}[]${'}'.repeat(levels - 1)}`;

    it('256 levels can be rewritten, 257 cannot', () => {
      expect(problem(nested(256))).toBeNull();
      expect(problem(nested(257))).toBe('nested deeper than 256 levels');
      expect(problem(`${'['.repeat(256)}${']'.repeat(256)}`)).toBeNull();
      expect(problem(`${'['.repeat(257)}${']'.repeat(257)}`)).toBe('nested deeper than 256 levels');
    });
  });

  describe('the place named', () => {
    it('cuts each key to 64 characters', () => {
      const long = `${'k'.repeat(64)}XYZ`;
      expect(problem(`{"${long}":{"${long}":1e400}}`)).toBe(overflows(`${'k'.repeat(64)}.${'k'.repeat(64)}`));
    });

    it('keeps a place of 200 characters and cuts a longer one to 199 and an ellipsis', () => {
      // Three 64-character keys and their dots make 194 characters.
      const keys = ['a', 'b', 'c'].map((c) => c.repeat(70));
      const at = (last: string) => `{"${keys[0]}":{"${keys[1]}":{"${keys[2]}":{"${last}":1e400}}}}`;
      const prefix = keys.map((key) => key.slice(0, 64)).join('.');
      expect(problem(at('vwxyz'))).toBe(overflows(`${prefix}.vwxyz`));
      expect(`${prefix}.vwxyz`).toHaveLength(200);
      expect(problem(at('uvwxyz'))).toBe(overflows(`${prefix}.uvwx…`));
    });
  });
});
