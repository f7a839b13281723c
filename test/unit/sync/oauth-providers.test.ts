import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_PROVIDERS, loadOAuthProviders } from '../../../src/agent/refresh/oauth-providers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-providers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

function loadError(at: string | undefined): Error {
  try {
    loadOAuthProviders(at);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loadOAuthProviders to throw');
}

describe('loadOAuthProviders defaults', () => {
  it('has anthropic (JSON body, platform.claude.com) and openai-codex (form body)', () => {
    const providers = loadOAuthProviders(undefined);
    const anthropic = providers.anthropic;
    const codex = providers['openai-codex'];
    expect(anthropic).toBeDefined();
    expect(anthropic?.format).toBe('json');
    expect(new URL(anthropic!.tokenUrl).hostname).toBe('platform.claude.com');
    expect(new URL(anthropic!.tokenUrl).protocol).toBe('https:');
    expect(anthropic?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(codex?.format).toBe('form');
    expect(new URL(codex!.tokenUrl).protocol).toBe('https:');
    expect(codex?.clientId.length).toBeGreaterThan(0);
  });

  it('an empty setting means the defaults', () => {
    expect(loadOAuthProviders('')).toEqual(DEFAULT_OAUTH_PROVIDERS);
  });

  it('hands out a copy: changing the result does not change the defaults', () => {
    const providers = loadOAuthProviders(undefined);
    delete providers.anthropic;
    providers.extra = { tokenUrl: 'http://127.0.0.1:1/token', clientId: 'x', format: 'form' };
    const again = loadOAuthProviders(undefined);
    expect(again.anthropic).toBeDefined();
    expect(again.extra).toBeUndefined();
  });
});

describe('loadOAuthProviders with a file', () => {
  it('overrides a default and adds a provider, keeping the other defaults', () => {
    const at = file(
      'providers.json',
      JSON.stringify({
        anthropic: { tokenUrl: 'http://127.0.0.1:8080/v1/oauth/token', clientId: 'local-client', format: 'json' },
        'google-gemini-cli': { tokenUrl: 'https://oauth2.googleapis.com/token', clientId: 'gemini-id', clientSecret: 'gemini-public-secret', scope: 'openid email' },
      }),
    );
    const providers = loadOAuthProviders(at);
    expect(providers.anthropic).toEqual({ tokenUrl: 'http://127.0.0.1:8080/v1/oauth/token', clientId: 'local-client', format: 'json' });
    // format defaults to form when the file leaves it out.
    expect(providers['google-gemini-cli']).toEqual({
      tokenUrl: 'https://oauth2.googleapis.com/token',
      clientId: 'gemini-id',
      clientSecret: 'gemini-public-secret',
      scope: 'openid email',
      format: 'form',
    });
    expect(providers['openai-codex']).toEqual(DEFAULT_OAUTH_PROVIDERS['openai-codex']);
  });

  function expectOneLine(error: Error, at: string) {
    expect(error.message).toContain(at);
    expect(error.message).not.toMatch(/\n/);
    expect(error.message.length).toBeLessThan(500);
  }

  it('a missing file: one line naming it', () => {
    const at = path.join(dir, 'nope.json');
    const error = loadError(at);
    expectOneLine(error, at);
    expect(error.message).toContain('ENOENT');
  });

  it('not JSON: one line naming the file', () => {
    const at = file('broken.json', '{ "anthropic": { tokenUrl: ');
    const error = loadError(at);
    expectOneLine(error, at);
    expect(error.message).toMatch(/JSON/);
  });

  it('a bad entry: one line naming the file, the provider and the field, never the value', () => {
    const at = file('bad-url.json', JSON.stringify({ anthropic: { tokenUrl: 'ftp://secret-host-0123456789abcdef/x', clientId: 'c' } }));
    const error = loadError(at);
    expectOneLine(error, at);
    expect(error.message).toContain('anthropic');
    expect(error.message).toContain('tokenUrl');
    expect(error.message).not.toContain('secret-host-0123456789abcdef');
  });

  it('several problems still make one line', () => {
    const at = file('many.json', JSON.stringify({ a: { clientId: '' }, b: { tokenUrl: 'https://x.example/token', clientId: 'c', format: 'xml' }, c: 'nope' }));
    const error = loadError(at);
    expectOneLine(error, at);
    expect(error.message).toContain('format');
  });

  it('an unknown field is refused (a typo should not pass silently)', () => {
    const at = file('typo.json', JSON.stringify({ anthropic: { tokenURL: 'https://x.example/token', clientId: 'c' } }));
    const error = loadError(at);
    expectOneLine(error, at);
    expect(error.message).toMatch(/tokenURL|tokenUrl/);
  });

  it('a JSON array or scalar is refused readably', () => {
    for (const text of ['[]', '42', 'null']) {
      const at = file(`scalar-${text}.json`, text);
      expectOneLine(loadError(at), at);
    }
  });
});
