import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateSecrets } from '../support/secret-scan.js';
import { scanCaptureDir } from '../support/suite-secret-scan.global.js';

/*
 * The suite-wide scan must find what a per-secret includes() finds, or "secrets found: 0"
 * at the end of npm test would mean nothing.
 */

const naive = (secrets: string[], sources: Array<[string, string]>) =>
  sources.flatMap(([where, text]) => [...new Set(secrets)].filter((secret) => secret.length > 0 && text.includes(secret)).map((secret) => ({ secret, where })));
const sorted = (hits: Array<{ secret: string; where: string }>) => [...hits].sort((x, y) => `${x.where}${x.secret}`.localeCompare(`${y.where}${y.secret}`));

describe('locateSecrets', () => {
  it('finds a secret at the start, the middle and the end of a text, and says where', () => {
    const secret = 'anthropic-access-0123456789abcdef01234567';
    const hits = locateSecrets([secret, 'never-appears-anywhere-at-all-000000'], [
      ['start', `${secret} then text`],
      ['middle', `{"msg":"x","token":"${secret}","n":1}`],
      ['end', `text then ${secret}`],
      ['clean', 'anthropic-access-0123456789abcdef0123456 (one character short)'],
    ]);
    expect(sorted(hits)).toEqual(sorted([
      { secret, where: 'start' },
      { secret, where: 'middle' },
      { secret, where: 'end' },
    ]));
  });

  it('tells apart secrets with the same tail, and handles short ones', () => {
    const hits = locateSecrets(['a-0123456789abcdef01234567', 'b-0123456789abcdef01234567', 'k3y'], [['log', 'xx b-0123456789abcdef01234567 xx k3y']]);
    expect(sorted(hits)).toEqual(sorted([{ secret: 'b-0123456789abcdef01234567', where: 'log' }, { secret: 'k3y', where: 'log' }]));
  });

  it('property: the same hits as includes() for every secret', () => {
    const alphabet = fc.constantFrom(...'ab-01');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.constantFrom('one', 'two'), fc.string({ unit: alphabet, maxLength: 300 })), { maxLength: 4 }),
        (secrets, sources) => {
          // Plant some of the secrets for real, so hits are not only chance.
          const planted = sources.map(([where, text], index) => [where, index % 2 === 0 ? `${text}${secrets[index % secrets.length]}${text}` : text] as [string, string]);
          const unique = (hits: Array<{ secret: string; where: string }>) => [...new Map(hits.map((hit) => [`${hit.where}\u0000${hit.secret}`, hit])).values()];
          expect(sorted(locateSecrets(secrets, planted))).toEqual(sorted(unique(naive(secrets, planted))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('scanCaptureDir', () => {
  it("looks for every file's secrets in every file's output, and names the file and source of each hit", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-capture-test-'));
    const leaked = 'openai-codex-refresh-aaaaaaaaaaaaaaaaaaaaaaaa';
    writeFileSync(path.join(dir, '1.json'), JSON.stringify({ file: 'test/a.test.ts', secrets: [leaked], sources: { 'process output': 'clean' }, hostile: { tried: 3, changed: 0 } }));
    writeFileSync(path.join(dir, '2.json'), JSON.stringify({ file: 'test/b.test.ts', secrets: ['other-secret-bbbbbbbbbbbbbbbbbbbbbbbb'], sources: { 'Discord payloads (stand-in #1)': `{"content":"${leaked}"}` }, hostile: { tried: 4, changed: 1 } }));
    const report = scanCaptureDir(dir);
    expect(report).toMatchObject({ files: 2, secrets: 2, hostile: { tried: 7, changed: 1 }, found: [{ secret: 'openai-codex…', file: 'test/b.test.ts', source: 'Discord payloads (stand-in #1)' }] });
    expect(JSON.stringify(report)).not.toContain(leaked);
  });
});
