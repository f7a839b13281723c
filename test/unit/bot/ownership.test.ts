import { describe, expect, it } from 'vitest';
import { ownerNodes, ownerOf, ownersOf, primaryOwners } from '../../../src/domain/ownership.js';

describe('ownerOf', () => {
  const owners = { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' };

  it('a wildcard pattern covers every profile of the provider', () => {
    expect(ownerOf('anthropic:default', owners)).toBe('pc-a');
    expect(ownerOf('anthropic:ops', owners)).toBe('pc-a');
    expect(ownerOf('openai-codex:ops@example.com', owners)).toBe('pc-a');
  });

  it('no pattern covers the profile → null (nobody refreshes it)', () => {
    expect(ownerOf('google-gemini-cli:me@example.com', owners)).toBeNull();
    expect(ownerOf('anthropic:default', {})).toBeNull();
  });

  it('a wildcard does not match across the provider boundary', () => {
    expect(ownerOf('anthropic-vertex:default', owners)).toBeNull();
    expect(ownerOf('xanthropic:default', owners)).toBeNull();
    expect(ownerOf('anthropic', owners)).toBeNull();
  });

  it('the whole id must match: an exact pattern is not a prefix', () => {
    expect(ownerOf('anthropic:default2', { 'anthropic:default': 't440' })).toBeNull();
    expect(ownerOf('my-anthropic:default', { 'anthropic:default': 't440' })).toBeNull();
  });

  it('an exact id beats a wildcard, whatever the order in the file', () => {
    expect(ownerOf('anthropic:ops', { 'anthropic:*': 'pc-a', 'anthropic:ops': 't440' })).toBe('t440');
    expect(ownerOf('anthropic:ops', { 'anthropic:ops': 't440', 'anthropic:*': 'pc-a' })).toBe('t440');
    expect(ownerOf('anthropic:default', { 'anthropic:ops': 't440', 'anthropic:*': 'pc-a' })).toBe('pc-a');
  });

  it('an exact id beats even a wildcard with a longer literal part', () => {
    expect(ownerOf('anthropic:ops', { 'anthropic:op*': 'pc-a', '*': 'nas', 'anthropic:ops': 't440' })).toBe('t440');
  });

  it('a longer literal part beats a shorter one, in either order', () => {
    const a = { 'openai-codex:*': 'pc-a', 'openai-codex:team-*': 't440' };
    const b = { 'openai-codex:team-*': 't440', 'openai-codex:*': 'pc-a' };
    for (const table of [a, b]) {
      expect(ownerOf('openai-codex:team-ops@example.com', table)).toBe('t440');
      expect(ownerOf('openai-codex:me@example.com', table)).toBe('pc-a');
    }
  });

  it('a catch-all * loses to any provider pattern', () => {
    const table = { '*': 'nas', 'anthropic:*': 'pc-a' };
    expect(ownerOf('anthropic:default', table)).toBe('pc-a');
    expect(ownerOf('mistral:default', table)).toBe('nas');
  });

  it('a wildcard in the middle matches any run of characters there', () => {
    const table = { 'openai-codex:*@example.com': 't440' };
    expect(ownerOf('openai-codex:ops@example.com', table)).toBe('t440');
    expect(ownerOf('openai-codex:@example.com', table)).toBe('t440');
    expect(ownerOf('openai-codex:ops@example.org', table)).toBeNull();
  });

  describe('regex metacharacters in ids are literal', () => {
    it("'.' matches only a dot", () => {
      const table = { 'openai-codex:ops@example.com': 'pc-a' };
      expect(ownerOf('openai-codex:ops@example.com', table)).toBe('pc-a');
      expect(ownerOf('openai-codex:ops@exampleXcom', table)).toBeNull();
      expect(ownerOf('openai-codex:ops@example-com', table)).toBeNull();
    });

    it("'+' matches only a plus (mail sub-addressing)", () => {
      const table = { 'openai-codex:ops+bot@example.com': 't440' };
      expect(ownerOf('openai-codex:ops+bot@example.com', table)).toBe('t440');
      expect(ownerOf('openai-codex:opsbot@example.com', table)).toBeNull();
      expect(ownerOf('openai-codex:opssbot@example.com', table)).toBeNull();
    });

    it("'@' and other characters are literal; a wildcard after them still works", () => {
      const table = { 'google-gemini-cli:a.b+c@x.io*': 'nas' };
      expect(ownerOf('google-gemini-cli:a.b+c@x.io', table)).toBe('nas');
      expect(ownerOf('google-gemini-cli:a.b+c@x.io.backup', table)).toBe('nas');
      expect(ownerOf('google-gemini-cli:aXb+c@x.io', table)).toBeNull();
      expect(ownerOf('google-gemini-cli:a.bbc@x.io', table)).toBeNull();
    });

    it('brackets, parentheses, ?, ^ and $ do not act as regex syntax', () => {
      expect(ownerOf('custom:a(b)?', { 'custom:a(b)?': 'pc-a' })).toBe('pc-a');
      expect(ownerOf('custom:a', { 'custom:a(b)?': 'pc-a' })).toBeNull();
      expect(ownerOf('custom:[x]', { 'custom:[x]': 'pc-a' })).toBe('pc-a');
      expect(ownerOf('custom:x', { 'custom:[x]': 'pc-a' })).toBeNull();
      expect(ownerOf('custom:$^', { 'custom:$^': 'pc-a' })).toBe('pc-a');
      expect(ownerOf('custom:a|b', { 'custom:a|b': 'pc-a' })).toBe('pc-a');
      expect(ownerOf('custom:a', { 'custom:a|b': 'pc-a' })).toBeNull();
    });
  });
});

describe('which node owns an account (issue 17)', () => {
  it('an exact id beats a wildcard of the same literal length listed first', () => {
    expect(ownerOf('a:b', { 'a:b*': 'x', 'a:b': 'y' })).toBe('y');
  });

  it('specificity counts the literal characters, not the stars', () => {
    expect(ownerOf('ab', { '**a**': 'x', 'ab*': 'y' })).toBe('y');
    expect(ownerOf('ab', { 'ab*': 'y', '**a**': 'x' })).toBe('y');
  });

  it('between equally specific patterns, the first in the fleet file wins', () => {
    expect(ownerOf('ab', { 'a*': 'x', '*b': 'y' })).toBe('x');
    expect(ownerOf('ab', { '*b': 'y', 'a*': 'x' })).toBe('y');
  });

  it('the owners list in order: the owner, then its stand-ins; a single name is a list of one', () => {
    expect(ownersOf('anthropic:default', { 'anthropic:*': ['pc-a', 'cx'] })).toEqual(['pc-a', 'cx']);
    expect(ownersOf('anthropic:default', { 'anthropic:*': 'pc-a' })).toEqual(['pc-a']);
    expect(ownersOf('openai:x', { 'anthropic:*': 'pc-a' })).toEqual([]);
  });

  it('primaryOwners: every node named first somewhere, once; ownerNodes: every node named anywhere, once', () => {
    const owners = { 'anthropic:*': ['pc-a', 'cx'], 'openai-codex:*': ['cx', 'pc-a'], 'google:*': 'pc-a', 'x:*': ['t440'] };
    expect(primaryOwners(owners)).toEqual(['pc-a', 'cx', 't440']);
    expect(ownerNodes(owners)).toEqual(['pc-a', 'cx', 't440']);
    expect(primaryOwners({ 'anthropic:*': ['pc-a', 'cx'] })).toEqual(['pc-a']);
    expect(ownerNodes({ 'anthropic:*': ['pc-a', 'cx'] })).toEqual(['pc-a', 'cx']);
  });
});
