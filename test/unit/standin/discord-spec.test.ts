import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DiscordStandin } from '../../../src/standin/discord/index.js';
import { discordSpec, specFiles, specViolation, type SpecRequest } from '../../../src/standin/discord/spec/spec-check.js';
import { parseSpecPaths } from '../../../src/standin/discord/spec/spec-paths.js';
import { takeUnclaimedSpecViolations } from '../../../src/standin/discord/spec/unclaimed-violations.js';

const request = (method: string, url: string, json?: unknown): SpecRequest => {
  const parsed = new URL(url, 'http://discord.invalid');
  return { method, path: parsed.pathname, query: parsed.searchParams, json };
};

describe("reading the spec's operations", () => {
  it("finds every operation the package lists, no more (the generated file's format is what the reader assumes)", async () => {
    const files = specFiles();
    const operations = parseSpecPaths(readFileSync(files.types, 'utf8'));
    const { pathsList } = (await import(files.list)) as { pathsList: Record<string, readonly string[]> };
    const listed = Object.entries(pathsList).flatMap(([method, paths]) => paths.map((p) => `${method} ${p}`));
    expect(operations.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual(listed.sort());
    // The bodies tokenops sends are read with their schema, not skipped.
    const body = (method: string, p: string) => operations.find((operation) => operation.method === method && operation.path === p)?.body;
    expect(body('post', '/channels/{channel_id}/messages')).toEqual([{ schema: 'MessageCreateRequest', array: false }]);
    expect(body('put', '/applications/{application_id}/guilds/{guild_id}/commands')).toEqual([
      { schema: 'ApplicationCommandUpdateRequest', array: true },
      { null: true },
    ]);
    expect(body('post', '/interactions/{interaction_id}/{interaction_token}/callback')).toHaveLength(7);
    expect(operations.find((operation) => operation.method === 'get' && operation.path === '/channels/{channel_id}/messages')?.query).toEqual(['around', 'before', 'after', 'limit']);
  });

  it('refuses a file without the Paths interface, saying so', () => {
    expect(() => parseSpecPaths('export interface Other {\n}\n')).toThrow(/no `export interface Paths \{`/);
  });

  it('reads a union written over several lines, arrays, null and inline shapes', () => {
    const source = [
      'export interface Paths {',
      '  "/things/{thing_id}": {',
      '    post: {',
      '      parameters: {',
      '        query?: {',
      '          wait?: boolean;',
      '          thread_id?: SnowflakeType;',
      '        };',
      '      };',
      '      requestBody?:',
      '        | ThingRequest',
      '        | OtherRequest[]',
      '        | null;',
      '    };',
      '    patch: {',
      '      requestBody?: {',
      '        file: string;',
      '      };',
      '    };',
      '    get: {',
      '      requestBody?: undefined;',
      '    };',
      '  };',
      '}',
    ].join('\n');
    expect(parseSpecPaths(source)).toEqual([
      { path: '/things/{thing_id}', method: 'post', query: ['wait', 'thread_id'], body: [{ schema: 'ThingRequest', array: false }, { schema: 'OtherRequest', array: true }, { null: true }] },
      { path: '/things/{thing_id}', method: 'patch', query: [], body: 'inline' },
      { path: '/things/{thing_id}', method: 'get', query: [], body: 'none' },
    ]);
  });
});

describe('a request against the spec', () => {
  it('takes what Discord takes', async () => {
    const spec = await discordSpec();
    expect(specViolation(spec, request('POST', '/v10/channels/123/messages', { content: 'hello', embeds: [{ title: 'x', color: 0xff0000 }] }))).toBeNull();
    expect(specViolation(spec, request('GET', '/v10/channels/123/messages?limit=50'))).toBeNull();
    expect(specViolation(spec, request('PUT', '/v10/channels/123/messages/456/reactions/%E2%9C%85/@me'.replace('%E2%9C%85', '✅')))).toBeNull();
    expect(specViolation(spec, request('POST', '/v10/interactions/123/tok-en/callback?with_response=true', { type: 5, data: { flags: 64 } }))).toBeNull();
    expect(specViolation(spec, request('PATCH', '/v10/webhooks/123/tok-en/messages/@original', { content: 'done' }))).toBeNull();
    expect(specViolation(spec, request('PUT', '/v10/applications/123/guilds/456/commands', [{ name: 'tokens', description: 'Tokens', type: 1 }]))).toBeNull();
    expect(specViolation(spec, request('GET', '/v10/users/@me'))).toBeNull();
  });

  it('an unknown route: 404, named', async () => {
    const violation = specViolation(await discordSpec(), request('GET', '/v10/nowhere/at/all'));
    expect(violation).toMatchObject({ status: 404, body: { code: 0, message: '404: Not Found' } });
    expect(violation!.message).toBe("GET /v10/nowhere/at/all: Discord's API has no such route");
    expect(specViolation(await discordSpec(), request('GET', '/v9/users/@me'))!.message).toMatch(/not under \/v10/);
  });

  it('a wrong method: 405, with the methods the route takes', async () => {
    const violation = specViolation(await discordSpec(), request('PUT', '/v10/channels/123/messages'));
    expect(violation).toMatchObject({ status: 405, body: { code: 0, message: '405: Method Not Allowed' } });
    expect(violation!.message).toBe('PUT /v10/channels/123/messages: /channels/{channel_id}/messages takes GET, POST, not PUT');
  });

  it('a body the schema refuses: 400 50035 with the field, as Discord words its form errors', async () => {
    const violation = specViolation(await discordSpec(), request('POST', '/v10/channels/123/messages', { content: 'x', embeds: [{ title: 42 }] }));
    expect(violation).toMatchObject({ status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_INVALID' }] } } } } } });
    expect(violation!.message).toMatch(/^POST \/v10\/channels\/123\/messages \(POST \/channels\/\{channel_id\}\/messages\): embeds\.0\.title: /);
  });

  it('an unknown query parameter, an id that is not a snowflake, a body where none is taken', async () => {
    const spec = await discordSpec();
    expect(specViolation(spec, request('GET', '/v10/channels/123/messages?count=5'))!.message).toMatch(/takes no query parameter count \(it takes around, before, after, limit\)/);
    expect(specViolation(spec, request('GET', '/v10/channels/ops/messages'))!.message).toMatch(/channel_id: Value "ops" is not snowflake/);
    expect(specViolation(spec, request('DELETE', '/v10/channels/1/messages/2', { why: 'x' }))!.message).toMatch(/\(body\): this operation takes no body/);
  });

  it("names an interaction's token as <token>, never its value: the message reaches logs and test failures", async () => {
    const violation = specViolation(await discordSpec(), request('PATCH', '/v10/webhooks/123/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original', { embeds: [{ title: 42 }] }));
    expect(violation!.message).toMatch(/^PATCH \/v10\/webhooks\/123\/<token>\/messages\/@original \(PATCH \/webhooks\/\{webhook_id\}\/\{webhook_token\}\/messages\/@original\): embeds\.0\.title: /);
    expect(violation!.message).not.toContain('aW50ZXJhY3Rpb246c2VjcmV0');
    const wrongMethod = specViolation(await discordSpec(), request('PUT', '/v10/interactions/123/aW50ZXJhY3Rpb246c2VjcmV0/callback'));
    expect(wrongMethod!.message).toBe('PUT /v10/interactions/123/<token>/callback: /interactions/{interaction_id}/{interaction_token}/callback takes POST, not PUT');
    // A route Discord lacks, or another API version, still carries the token where Discord puts it.
    const noRoute = specViolation(await discordSpec(), request('PATCH', '/v10/webhooks/123/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original/extra'));
    expect(noRoute!.message).toBe("PATCH /v10/webhooks/123/<token>/messages/@original/extra: Discord's API has no such route");
    const oldVersion = specViolation(await discordSpec(), request('POST', '/v9/interactions/123/aW50ZXJhY3Rpb246c2VjcmV0/callback'));
    expect(oldVersion!.message).toBe('POST /v9/interactions/123/<token>/callback: not under /v10, the API version tokenops speaks');
  });

  it('of a union, reports the member that fits best', async () => {
    const violation = specViolation(await discordSpec(), request('POST', '/v10/interactions/1/tok/callback', { type: 4, data: { content: 5 } }));
    expect(violation?.status).toBe(400);
    expect(violation!.message).toMatch(/data\.content/);
  });

  it('every route the stand-in serves is one of Discord\'s', async () => {
    const spec = await discordSpec();
    const standin = await DiscordStandin.start({ log: () => undefined });
    const routes = standin.servedRoutes;
    await standin.close();
    expect(routes.length).toBeGreaterThan(20);
    const unknown = routes.filter((route) => {
      const [method, pattern] = route.split(' ') as [string, string];
      // A sample value per parameter: a snowflake for ids; the bot reacts as @me.
      const sample = pattern.replace(/:([a-z]+)/g, (_, name: string) => ({ token: 'sample', emoji: '✅', user: '@me' })[name] ?? '123');
      const violation = specViolation(spec, request(method, sample));
      return violation !== null && violation.status !== 400;
    });
    expect(unknown).toEqual([]);
  });

  it("a violation no test claims is left for the suite's check; a claimed one is not", async () => {
    const standin = await DiscordStandin.start({ log: () => undefined });
    try {
      const unknownRoute = await fetch(`${standin.apiBase}/v10/nowhere`);
      const wrongMethod = await fetch(`${standin.apiBase}/v10/channels/${standin.opsChannelId}/messages`, { method: 'PUT' });
      expect([unknownRoute.status, wrongMethod.status]).toEqual([404, 405]);
      expect(standin.claimSpecViolations()).toHaveLength(2);
      expect(takeUnclaimedSpecViolations()).toEqual([]);
      await fetch(`${standin.apiBase}/v10/nowhere/else`);
      // What test/support/discord-spec.setup.ts finds after this test, and fails it for (taken here instead).
      expect(takeUnclaimedSpecViolations()).toEqual(["GET /v10/nowhere/else: Discord's API has no such route"]);
      expect(standin.specViolations).toHaveLength(3);
    } finally {
      await standin.close();
    }
  });
});
