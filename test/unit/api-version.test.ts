import { describe, expect, it } from 'vitest';
import { agentInfoSchema, API_VERSION, apiOf, OLDEST_WRITABLE_API, UNVERSIONED_API, writeRefusal } from '../../src/protocol/api-version.js';

/*
 * Writes go only to an agent whose API this code speaks; reads go to any. The refusal names
 * the node, both versions and what to upgrade.
 */

describe('writeRefusal', () => {
  it('an agent of this API, or of any older one still written the same way, may be written to', () => {
    for (let api = OLDEST_WRITABLE_API; api <= API_VERSION; api++) expect(writeRefusal('t440', { version: '0.1.0', api }, '0.2.0')).toBeNull();
  });

  it('an agent that does not say its version speaks API 1, which is written to', () => {
    expect(apiOf(undefined)).toBe(UNVERSIONED_API);
    expect(apiOf(null)).toBe(1);
    expect(writeRefusal('t440', undefined, '0.2.0')).toBeNull();
  });

  it('an older agent: refused, naming both versions and the upgrade on that node', () => {
    expect(writeRefusal('t440', { version: '0.0.3', api: OLDEST_WRITABLE_API - 1 }, '0.2.0')).toBe(
      `t440's agent speaks API ${OLDEST_WRITABLE_API - 1} (tokenops 0.0.3), older than this tokenops (0.2.0) writes API ${OLDEST_WRITABLE_API}–${API_VERSION}: upgrade tokenops on t440 (\`git pull && npm ci\` in its checkout, then restart tokenops-agent), then run this again (reading t440 still works)`,
    );
  });

  it('a newer agent: refused, telling to upgrade the bot and the CLI', () => {
    expect(writeRefusal('pc-a', { version: '0.9.0', api: API_VERSION + 1 }, '0.2.0')).toBe(
      `pc-a's agent speaks API ${API_VERSION + 1} (tokenops 0.9.0), newer than this tokenops (0.2.0) writes API ${OLDEST_WRITABLE_API}–${API_VERSION}: upgrade the bot and the CLI, then run this again (reading pc-a still works)`,
    );
  });
});

describe('agentInfoSchema', () => {
  it('keeps the version and the API an agent says; refuses a version past 64 characters or an API that is not a whole number', () => {
    expect(agentInfoSchema.parse({ version: '0.1.0', api: 2 })).toEqual({ version: '0.1.0', api: 2 });
    expect(agentInfoSchema.safeParse({ version: 'x'.repeat(65), api: 2 }).success).toBe(false);
    expect(agentInfoSchema.safeParse({ version: '0.1.0', api: 1.5 }).success).toBe(false);
    expect(agentInfoSchema.safeParse({ version: '0.1.0', api: -1 }).success).toBe(false);
  });
});
