import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { renderSyncReport } from '../../../src/bot/render/sync-report.js';
import { LIMITS } from '../../../src/bot/render/discord-format.js';
import { summarizeSync, syncChanges, syncOutcome, type SyncReport } from '../../../src/fleet/operations/sync-report.js';
import { importResponseSchema, SKIP_REASONS, type ImportResponse, type ProfilePlan, type StoreImportResult } from '../../../src/protocol/agent-api.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';

/*
 * Hand-built sync reports, shaped as syncTokens returns them, through the renderer that
 * answers /tokens sync and the one-liners that go to the audit log.
 */

const OLD = '2026-02-14T06:40:00.000Z';
const NEW = '2026-02-14T17:00:00.000Z';
const tag = (iso: string) => `<t:${Date.parse(iso) / 1000}:R>`;
const COLOR = { ok: 0x2ecc71, planned: 0x5865f2, partial: 0xf1c40f, failed: 0xe74c3c };
/** Token-shaped strings an agent or a provider might quote by mistake. */
const TOKEN_A = 'sk-ant-ort01-Zx9Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz';
const TOKEN_B = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiJvcHMifQ';

function plan(profileId: string, action: ProfilePlan['action'], reason: ProfilePlan['reason'], overrides: Partial<ProfilePlan> = {}): ProfilePlan {
  return {
    profileId,
    action,
    reason,
    changedFields: action === 'update' ? ['access', 'refresh', 'expires'] : [],
    fromExpiresAt: OLD,
    toExpiresAt: NEW,
    fromFingerprint: 'aaaaaaaaaaaa',
    toFingerprint: 'bbbbbbbbbbbb',
    ...overrides,
  };
}

function store(agentId: string, profiles: ProfilePlan[], overrides: Partial<StoreImportResult> = {}): StoreImportResult {
  const writes = profiles.some((profile) => profile.action === 'update');
  return { agentId, path: `agents/${agentId}/agent/auth-profiles.json`, outcome: writes ? 'written' : 'unchanged', profiles, ...overrides };
}

function ok(node: string, stores: StoreImportResult[], notHeld: string[] = [], dryRun = false): NodeResult<ImportResponse> {
  const fixed = dryRun ? stores.map((s) => (s.outcome === 'written' ? { ...s, outcome: 'planned' as const } : s)) : stores;
  const value = importResponseSchema.parse({ node, dryRun, force: false, stores: fixed, notHeld });
  return { node, ok: true, value, ms: 12 };
}

function failed(node: string, error: Extract<NodeResult<unknown>, { ok: false }>['error']): NodeResult<ImportResponse> {
  return { node, ok: false, error, ms: 3 };
}

function busy(node: string, message = `${node} is busy: restart by alice, started <t:1771059600:R>. Try again when it is done.`) {
  return failed(node, { kind: 'http_error', code: 'busy', message });
}

function report(targets: NodeResult<ImportResponse>[], overrides: Partial<SyncReport> = {}): SyncReport {
  return {
    from: 'pc-a',
    dryRun: false,
    force: false,
    exported: [
      { profileId: 'anthropic:default', type: 'oauth', provider: 'anthropic', sourceAgentId: 'main', expiresAt: NEW, fingerprint: 'bbbbbbbbbbbb', health: 'ok' },
    ],
    skippedAtSource: [],
    targets,
    ...overrides,
  };
}

function allText(embed: APIEmbed): string {
  return [embed.title, embed.description, ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]), embed.footer?.text].filter(Boolean).join('\n');
}

function embedChars(embed: APIEmbed): number {
  return [embed.title, embed.description, ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]), embed.footer?.text, embed.author?.name]
    .filter((part): part is string => typeof part === 'string')
    .reduce((sum, part) => sum + part.length, 0);
}

function expectWithinLimits(embed: APIEmbed) {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
  for (const field of embed.fields ?? []) {
    expect(field.name.length).toBeGreaterThan(0);
    expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
    expect(field.value.length).toBeGreaterThan(0);
    expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
  }
}

describe('renderSyncReport: one target', () => {
  it('a real sync: title, head line, ✅ update line with old → new expiry', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])])]));
    expect(embed.title).toBe('Sync pc-a → t440');
    expect(embed.description).toBe(`From pc-a: \`anthropic:default\` ${tag(NEW)}`);
    expect(embed.fields).toHaveLength(1);
    expect(embed.fields?.[0]?.name).toBe('✅ t440 · updated 1 profile');
    expect(embed.fields?.[0]?.value).toBe(`✅ \`anthropic:default\` → main · ${tag(OLD)} → ${tag(NEW)}`);
    expect(embed.color).toBe(COLOR.ok);
  });

  it('a dry run says so in the title and marks planned lines with 📝', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], [], true)], { dryRun: true }));
    expect(embed.title).toBe('Sync pc-a → t440 · dry run, nothing written');
    expect(embed.fields?.[0]?.name).toBe('📝 t440 · would update 1 profile');
    expect(embed.fields?.[0]?.value.startsWith('📝 `anthropic:default`')).toBe(true);
    expect(allText(embed)).not.toContain('✅');
    expect(embed.color).toBe(COLOR.planned);
  });

  it('groups one profile updated in several agent stores into one line ("→ main, coder")', () => {
    const embed = renderSyncReport(
      report([
        ok('t440', [
          store('main', [plan('anthropic:default', 'update', 'newer'), plan('openai-codex:ops@example.com', 'update', 'newer')]),
          store('coder', [plan('anthropic:default', 'update', 'newer')]),
          store('reviewer', [plan('openai-codex:ops@example.com', 'update', 'newer')]),
        ]),
      ]),
    );
    const field = embed.fields?.[0];
    expect(field?.name).toBe('✅ t440 · updated 2 profiles');
    const lines = field?.value.split('\n') ?? [];
    expect(lines).toHaveLength(2);
    expect(lines.find((line) => line.includes('anthropic:default'))).toContain('→ main, coder ·');
    expect(lines.find((line) => line.includes('openai-codex:ops@example.com'))).toContain('→ main, reviewer ·');
  });

  it('a forced update is flagged', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'forced', { toExpiresAt: OLD, fromExpiresAt: NEW })])])], { force: true }));
    expect(embed.fields?.[0]?.value).toContain('⚠️ forced');
  });

  it('a credential without expiry reads "no expiry"', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:manual', 'update', 'newer', { fromExpiresAt: null, toExpiresAt: null })])])]));
    expect(embed.fields?.[0]?.value).toContain('no expiry → no expiry');
  });

  it('every skip reason is in words, never the code', () => {
    const reasons = SKIP_REASONS;
    const embed = renderSyncReport(report([ok('t440', [store('main', reasons.map((reason, index) => plan(`p${index}:default`, 'skip', reason)))])]));
    const value = embed.fields?.[0]?.value ?? '';
    expect(embed.fields?.[0]?.name).toBe('➖ t440 · nothing to change');
    expect(value.split('\n')).toHaveLength(reasons.length);
    for (const line of value.split('\n')) expect(line.startsWith('⏭ ')).toBe(true);
    expect(value).toContain('already the same token');
    expect(value).toContain('target already holds a newer one');
    expect(value).toContain('not newer than what the target holds');
    expect(value).toContain('source copy expired');
    expect(value).toContain('a different profile type on the target');
    for (const reason of reasons) expect(value).not.toMatch(new RegExp(`: ${reason}$`, 'm'));
  });

  it("a credential refused for its expiry says why, in the target's words", () => {
    const detail = 'expires 51234-01-01: not a plausible expiry (more than 400 days ahead; epoch milliseconds expected)';
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'skip', 'implausible_expiry', { toExpiresAt: null, detail })])])]));
    expect(embed.fields?.[0]?.value).toBe(`⏭ \`anthropic:default\` (main): ${detail}`);
  });

  it('skips are grouped across stores too', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'skip', 'target_newer')]), store('coder', [plan('anthropic:default', 'skip', 'target_newer')])])]));
    expect(embed.fields?.[0]?.value).toBe('⏭ `anthropic:default` (main, coder): target already holds a newer one');
  });

  it('a busy target is ⛔ with the lock message; the sync counts as failed', () => {
    const embed = renderSyncReport(report([busy('t440')]));
    expect(embed.fields?.[0]?.name).toBe('⛔ t440 · busy');
    expect(embed.fields?.[0]?.value).toContain('restart by alice');
    expect(embed.color).toBe(COLOR.failed);
  });

  it('an unreachable target is 📵 with its error kind', () => {
    const embed = renderSyncReport(report([failed('t440', { kind: 'unreachable', message: 'cannot connect (ECONNREFUSED)' })]));
    expect(embed.fields?.[0]?.name).toBe('📵 t440 · unreachable');
    expect(embed.fields?.[0]?.value).toBe('cannot connect (ECONNREFUSED)');
  });

  it("the agent's own busy answer (409 busy from its mutation guard) is ⛔ too", () => {
    const embed = renderSyncReport(report([failed('t440', { kind: 'http_error', status: 409, code: 'busy', message: 'restart is running on t440 since 09:12' })]));
    expect(embed.fields?.[0]?.name).toBe('⛔ t440 · busy');
  });

  // Regression (found by this test, fixed): any failure other than code 'busy' gets
  // the unreachable icon and the bare kind, so an agent that answered and refused (409
  // lock_busy: OpenClaw holds its store lock; 422 store_invalid: a store is unreadable) reads
  // "📵 t440 · http_error", sending the operator to check the network.
  it('a target that answered with a refusal is not shown as unreachable, and says which refusal', () => {
    for (const [status, code] of [[409, 'lock_busy'], [422, 'store_invalid']] as const) {
      const embed = renderSyncReport(report([failed('t440', { kind: 'http_error', status, code, message: 'import refused, nothing written' })]));
      const name = embed.fields?.[0]?.name ?? '';
      expect(name).not.toContain('📵');
      expect(name).toContain(code);
    }
  });

  it('a store the agent refused to write is listed with its reason, and makes the sync partial', () => {
    const embed = renderSyncReport(
      report([
        ok('t440', [
          store('main', [plan('anthropic:default', 'update', 'newer')]),
          store('coder', [], { outcome: 'refused', reason: 'auth-profiles.json.lock is held by pid 4242 (live); gave up after 60 s' }),
        ]),
      ]),
    );
    const value = embed.fields?.[0]?.value ?? '';
    expect(value).toContain('⛔ `agents/coder/agent/auth-profiles.json`: auth-profiles.json.lock is held by pid 4242');
    expect(embed.color).toBe(COLOR.partial);
  });

  it('profiles the target does not hold are listed (sync never adds a profile)', () => {
    const embed = renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], ['openai-codex:ops@example.com', 'anthropic:work'])]));
    expect(embed.fields?.[0]?.value).toContain('➖ not held here (sync never adds a profile): `openai-codex:ops@example.com`, `anthropic:work`');
  });

  it('a target holding none of the profiles says so', () => {
    const embed = renderSyncReport(report([ok('t440', [])]));
    expect(embed.fields?.[0]?.name).toBe('➖ t440 · nothing to change');
    expect(embed.fields?.[0]?.value).toBe('no matching profiles');
  });

  it('profiles left out at the source are listed with why', () => {
    const embed = renderSyncReport(report([ok('t440', [])], { skippedAtSource: [{ profileId: 'openai-codex:ops@example.com', reason: 'expired on pc-a <t:1771000000:R>' }] }));
    expect(embed.description).toContain('⏭ `openai-codex:ops@example.com` not sent: expired on pc-a <t:1771000000:R>');
  });

  it('an empty export reads "nothing"', () => {
    const embed = renderSyncReport(report([ok('t440', [])], { exported: [] }));
    expect(embed.description).toBe('From pc-a: nothing');
  });
});

describe('renderSyncReport: several targets', () => {
  it('counts them in the title and gives each its own field, failures first', () => {
    const embed = renderSyncReport(
      report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])]), busy('pc-b'), failed('pc-c', { kind: 'timeout', message: 'no answer within 30000 ms' })]),
    );
    expect(embed.title).toBe('Sync pc-a → all (3 nodes)');
    expect(embed.fields?.map((field) => field.name)).toEqual(['⛔ pc-b · busy', '📵 pc-c · timeout', '✅ t440 · updated 1 profile']);
    expect(embed.color).toBe(COLOR.partial);
  });

  it('colour follows syncOutcome: ok, planned, partial, failed', () => {
    const good = ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])]);
    expect(renderSyncReport(report([good])).color).toBe(COLOR.ok);
    expect(renderSyncReport(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], [], true)], { dryRun: true })).color).toBe(COLOR.planned);
    expect(renderSyncReport(report([good, busy('pc-b')])).color).toBe(COLOR.partial);
    expect(renderSyncReport(report([busy('t440'), failed('pc-b', { kind: 'unreachable', message: 'x' })])).color).toBe(COLOR.failed);
  });
});

describe('renderSyncReport: secrets', () => {
  it('token-shaped text in reasons and error messages is scrubbed', () => {
    const embed = renderSyncReport(
      report(
        [
          failed('pc-b', { kind: 'bad_response', message: `agent said: refresh ${TOKEN_A} rejected` }),
          busy('pc-c', `pc-c is busy: tokens sync by ${TOKEN_B}`),
          ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')]), store('coder', [], { outcome: 'refused', reason: `store broke on value ${TOKEN_A}` })]),
        ],
        { skippedAtSource: [{ profileId: 'anthropic:work', reason: `malformed near "${TOKEN_B}"` }] },
      ),
    );
    const text = JSON.stringify(embed);
    expect(text).not.toContain(TOKEN_A);
    expect(text).not.toContain(TOKEN_B);
    expect(text).not.toContain('Zx9Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz');
    expect(text).toContain('[redacted]');
    // The words around it survive.
    expect(text).toContain('rejected');
    expect(text).toContain('store broke on value');
  });
});

describe('renderSyncReport: Discord limits', () => {
  /** An owner's sync to 25 followers, each holding three profiles in two agent stores. */
  function bigReport(targets: number, extra: (index: number) => Partial<{ notHeld: string[] }> = () => ({})): SyncReport {
    const profiles = ['anthropic:default', 'openai-codex:ops@example.com', 'openai-codex:bot@example.com'];
    return report(
      Array.from({ length: targets }, (_, index) => {
        const node = `follower-${String(index).padStart(3, '0')}`;
        if (index % 7 === 3) return busy(node);
        if (index % 11 === 5) return failed(node, { kind: 'unreachable', message: 'cannot connect (EHOSTUNREACH)' });
        return ok(
          node,
          ['main', 'coder'].map((agentId) => store(agentId, profiles.map((profileId) => plan(profileId, 'update', 'newer')))),
          extra(index).notHeld ?? [],
        );
      }),
      {
        exported: profiles.map((profileId) => ({ profileId, type: 'oauth', provider: profileId.split(':')[0] ?? 'x', sourceAgentId: 'main', expiresAt: NEW, fingerprint: 'bbbbbbbbbbbb', health: 'ok' as const })),
      },
    );
  }

  it('a 25-target report keeps every per-part limit (title, description, fields, names, values)', () => {
    const embed = renderSyncReport(bigReport(25));
    expectWithinLimits(embed);
    expect(embed.fields).toHaveLength(25);
  });

  it('a single target with hundreds of profiles is cut to the field limit', () => {
    const many = Array.from({ length: 200 }, (_, index) => plan(`openai-codex:user-${index}@example.com`, 'update', 'newer'));
    const embed = renderSyncReport(report([ok('t440', [store('main', many)], Array.from({ length: 100 }, (_, index) => `anthropic:n${index}`))], { skippedAtSource: many.map((p) => ({ profileId: p.profileId, reason: 'not held on this node' })) }));
    expectWithinLimits(embed);
    expect(embed.fields?.[0]?.value).toMatch(/… and \d+ more$/);
  });

  // Discord caps all embeds of a message at 6000 characters in total, not just each part.
  it('a 25-target report fits in the 6000-character total of one embed', () => {
    const embed = renderSyncReport(bigReport(25));
    expect(embedChars(embed)).toBeLessThanOrEqual(LIMITS.messageEmbedChars);
  });

  // Regression (found by this test, fixed): fields.slice(0, 25) drops targets past the
  // 25th without a word; a busy or unreachable node there vanishes from the report.
  it('with more targets than fields, no target disappears silently', () => {
    const targets = Array.from({ length: 29 }, (_, index) => ok(`follower-${String(index).padStart(3, '0')}`, [store('main', [plan('anthropic:default', 'skip', 'unchanged')])]));
    targets.push(busy('follower-029'));
    const embed = renderSyncReport(report(targets));
    expectWithinLimits(embed);
    const text = allText(embed);
    expect(text).toMatch(/follower-029|\b5 more\b/);
  });
});

describe('summarizeSync', () => {
  it('one clause per target: updated profiles, nothing to change, busy, error kind', () => {
    const text = summarizeSync(
      report([
        ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer'), plan('openai-codex:x', 'update', 'newer')]), store('coder', [plan('anthropic:default', 'update', 'newer')])]),
        ok('pc-b', [store('main', [plan('anthropic:default', 'skip', 'unchanged')])]),
        busy('pc-c'),
        failed('pc-d', { kind: 'timeout', message: 'no answer' }),
      ]),
    );
    expect(text).toBe('t440: updated anthropic:default, openai-codex:x; pc-b: nothing to change; pc-c: busy; pc-d: timeout');
  });

  it('a dry run says "would update"', () => {
    expect(summarizeSync(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], [], true)], { dryRun: true }))).toBe('t440: would update anthropic:default');
  });

  it('never carries a secret from an error message', () => {
    const text = summarizeSync(report([failed('t440', { kind: 'bad_response', message: `bad ${TOKEN_A}` })]));
    expect(text).not.toContain(TOKEN_A);
  });
});

describe('syncOutcome', () => {
  const good = () => ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])]);
  it('ok when every target answered and no store was refused', () => {
    expect(syncOutcome(report([good(), ok('pc-b', [])]))).toBe('ok');
  });
  it('planned for a dry run that went through', () => {
    expect(syncOutcome(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], [], true)], { dryRun: true }))).toBe('planned');
  });
  it('partial when some target failed or was busy', () => {
    expect(syncOutcome(report([good(), busy('pc-b')]))).toBe('partial');
    expect(syncOutcome(report([good(), failed('pc-b', { kind: 'unreachable', message: 'x' })]))).toBe('partial');
  });
  it('partial when a store on an answering target was refused, dry run or not', () => {
    const refused = ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')]), store('coder', [], { outcome: 'refused', reason: 'lock' })]);
    expect(syncOutcome(report([refused]))).toBe('partial');
    expect(syncOutcome(report([refused], { dryRun: true }))).toBe('partial');
  });
  it('failed when no target answered', () => {
    expect(syncOutcome(report([busy('t440')]))).toBe('failed');
    expect(syncOutcome(report([busy('t440'), failed('pc-b', { kind: 'timeout', message: 'x' })]))).toBe('failed');
  });
});

describe('syncChanges', () => {
  it('lists written (or planned) updates per target and profile, with the agent stores', () => {
    const changes = syncChanges(
      report([
        ok('t440', [
          store('main', [plan('anthropic:default', 'update', 'newer'), plan('openai-codex:x', 'skip', 'target_newer')]),
          store('coder', [plan('anthropic:default', 'update', 'newer')]),
          store('reviewer', [plan('openai-codex:x', 'skip', 'unchanged')]),
        ]),
        ok('pc-b', [store('main', [plan('openai-codex:x', 'update', 'forced')])]),
        busy('pc-c'),
      ]),
    );
    expect(changes).toEqual([
      { node: 't440', profileId: 'anthropic:default', agents: ['main', 'coder'] },
      { node: 'pc-b', profileId: 'openai-codex:x', agents: ['main'] },
    ]);
  });

  it('counts planned stores in a dry run', () => {
    expect(syncChanges(report([ok('t440', [store('main', [plan('anthropic:default', 'update', 'newer')])], [], true)], { dryRun: true }))).toEqual([
      { node: 't440', profileId: 'anthropic:default', agents: ['main'] },
    ]);
  });

  it('leaves out refused and unchanged stores even if their plans say update', () => {
    const changes = syncChanges(
      report([
        ok('t440', [
          store('main', [plan('anthropic:default', 'update', 'newer')], { outcome: 'refused', reason: 'lock' }),
          // Re-planned under the lock: someone else had written it already.
          store('coder', [plan('anthropic:default', 'update', 'newer')], { outcome: 'unchanged' }),
        ]),
      ]),
    );
    expect(changes).toEqual([]);
  });

  it('nothing for a report with only failures', () => {
    expect(syncChanges(report([busy('t440')]))).toEqual([]);
  });
});
