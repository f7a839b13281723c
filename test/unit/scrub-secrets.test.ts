import { describe, expect, it } from 'vitest';
import { scrub } from '../../src/domain/scrub-secrets.js';

/*
 * scrub: what an agent says (a store's unreadable reason, a provider's error, a command's last lines)
 * reaches Discord and terminals with anything token-shaped cut out, and everything else kept.
 */

const run = (length: number, alphabet = 'Ab9+_-'): string => Array.from({ length }, (_, index) => alphabet[index % alphabet.length]).join('');

describe('scrub', () => {
  it('an `sk-` key is cut from eight characters on, and a shorter one is left (it is no key)', () => {
    expect(scrub('provider said: bad key sk-Ab9_-xyZ (401)')).toBe('provider said: bad key [redacted] (401)');
    expect(scrub('option sk-Ab9_-xy stays')).toBe('option sk-Ab9_-xy stays');
  });

  it('an `sk-` key is cut whole, however long, with its underscores and dashes', () => {
    expect(scrub(`key=sk-ant-api03_${run(40, 'aZ09_-')}; retry`)).toBe('key=[redacted]; retry');
  });

  it('any run of 32 letters, digits, "+", "_" or "-" is cut; 31 are left', () => {
    expect(scrub(`refresh ${run(32)} refused`)).toBe('refresh [redacted] refused');
    expect(scrub(`refresh ${run(31)} refused`)).toBe(`refresh ${run(31)} refused`);
    expect(scrub(run(200, 'xY7'))).toBe('[redacted]');
  });

  it('base64 padding goes with the token, up to two "=" (a third is no padding)', () => {
    expect(scrub(`token ${run(32)}= end`)).toBe('token [redacted] end');
    expect(scrub(`token ${run(32)}== end`)).toBe('token [redacted] end');
    expect(scrub(`token ${run(32)}=== end`)).toBe('token [redacted]= end');
    // "=" alone never makes a run long enough.
    expect(scrub(`a=${'='.repeat(40)}`)).toBe(`a=${'='.repeat(40)}`);
  });

  it('every token in the text is cut, each on its own; dots, slashes, spaces and colons end a run', () => {
    const a = run(40, 'aB3');
    const b = run(33, 'Zq-');
    expect(scrub(`${a}.${b}.${a}`)).toBe('[redacted].[redacted].[redacted]');
    expect(scrub(`first ${a} then sk-12345678 and ${b}:${a}`)).toBe('first [redacted] then [redacted] and [redacted]:[redacted]');
  });

  it('a long file path is kept: no run between its slashes is token-long', () => {
    const path = '/home/openclaw-operator/.openclaw/agents/main-agent-for-customer-support/agent/auth-profiles.json';
    expect(scrub(`not valid JSON (line 3) in ${path}`)).toBe(`not valid JSON (line 3) in ${path}`);
  });

  it('other characters never join a run: two runs of 20 (each under 32) joined by "." or "@" or "!" are left', () => {
    for (const mark of ['.', '@', '!', '~', '*', '\u00e9']) {
      const text = `${run(20)}${mark}${run(20)}`;
      expect(scrub(text), mark).toBe(text);
    }
  });

  it('text without secrets comes back as it was', () => {
    expect(scrub('the gateway does not answer (ECONNREFUSED 127.0.0.1:18789)')).toBe('the gateway does not answer (ECONNREFUSED 127.0.0.1:18789)');
    expect(scrub('')).toBe('');
  });
});
