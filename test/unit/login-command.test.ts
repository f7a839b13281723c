import { describe, expect, it } from 'vitest';
import { loginCommand, pasteTokenCommand } from '../../src/domain/login-command.js';

/*
 * The commands a person pastes on a node, in OpenClaw's own words: the provider always, the
 * profile only when it is not the provider's default one.
 */

describe('loginCommand', () => {
  it("the provider's default profile needs no profile flag", () => {
    expect(loginCommand('anthropic:default')).toBe('openclaw models auth login --provider anthropic');
  });

  it('any other profile is named in full', () => {
    expect(loginCommand('openai-codex:ops@example.com')).toBe('openclaw models auth login --provider openai-codex --profile-id openai-codex:ops@example.com');
    expect(loginCommand('anthropic:work')).toBe('openclaw models auth login --provider anthropic --profile-id anthropic:work');
  });

  it('only the part after the first colon is the name: a name with a colon in it is named in full', () => {
    expect(loginCommand('google-gemini-cli:me:default')).toBe('openclaw models auth login --provider google-gemini-cli --profile-id google-gemini-cli:me:default');
  });

  it('a name that only ends in "default" is not the default profile', () => {
    expect(loginCommand('anthropic:nodefault')).toBe('openclaw models auth login --provider anthropic --profile-id anthropic:nodefault');
  });

  it('an id without a name (no colon, or nothing after it) logs the provider in, without a profile flag', () => {
    expect(loginCommand('anthropic')).toBe('openclaw models auth login --provider anthropic');
    expect(loginCommand('anthropic:')).toBe('openclaw models auth login --provider anthropic');
  });
});

describe('pasteTokenCommand', () => {
  it('names the provider only, whatever the profile', () => {
    expect(pasteTokenCommand('anthropic:manual')).toBe('openclaw models auth paste-token --provider anthropic');
    expect(pasteTokenCommand('openai-codex:default')).toBe('openclaw models auth paste-token --provider openai-codex');
  });
});
