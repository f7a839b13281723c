import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTH_PROFILES_FILE, AuthProfilesJsonStore, BACKUP_DIR } from '../../../src/agent/store/auth-profiles-json-store.js';
import { StoreInvalidError, type UpdateOptions } from '../../../src/agent/store/credential-store.js';
import { processStartTime } from '../../../src/agent/store/process-starttime.js';
import { LockBusyError } from '../../../src/agent/store/sidecar-lock.js';
import { cleanup, deadPid, leaksSecret, liveProcess, PLANTED_SECRET, tempDir } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

const OPTIONS: UpdateOptions = { lockWaitMs: 300, dryRun: false, backupsKeep: 5 };
const openclawJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function legacyDocument() {
  return {
    version: 1,
    profiles: {
      'anthropic:default': {
        type: 'oauth',
        provider: 'anthropic',
        access: 'sk-ant-oat01-OLD-ACCESS-legacy-0001',
        refresh: 'sk-ant-ort01-OLD-REFRESH-legacy-0001',
        expires: 1771051200000,
        email: 'ops@example.com',
      },
      'openai-codex:ops@example.com': {
        type: 'oauth',
        provider: 'openai-codex',
        access: 'eyJhbGciOiJSUzI1NiJ9.EXAMPLE.legacy',
        refresh: 'rt_EXAMPLE_legacy_0001',
        expires: 1771030800000,
        accountId: '11111111-2222-3333-4444-555555555555',
        email: 'ops@example.com',
        futureField: { nested: [1, 'two', null], flag: true },
      },
      'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-EXAMPLE-API-KEY' },
    },
    order: { anthropic: ['anthropic:default'], 'openai-codex': ['openai-codex:ops@example.com'] },
    lastGood: { anthropic: 'anthropic:default' },
    usageStats: { 'anthropic:default': { lastUsed: 1771040000000, errorCount: 0 } },
  };
}

function splitDocument() {
  return {
    version: 1,
    profiles: {
      'anthropic:default': {
        type: 'oauth',
        provider: 'anthropic',
        access: 'sk-ant-oat01-OLD-ACCESS-split-0042',
        refresh: 'sk-ant-ort01-OLD-REFRESH-split-0042',
        expires: 1771088400000,
        email: 'ops@example.com',
      },
      'anthropic:manual': { type: 'token', provider: 'anthropic', token: 'sk-ant-oat01-EXAMPLE-SETUP-TOKEN', expires: 1802624400000 },
    },
  };
}

interface Fixture {
  stateDir: string;
  agentDir: string;
  file: string;
  store: AuthProfilesJsonStore;
}

function fixture(contents?: string, agentId = 'main'): Fixture {
  const stateDir = tempDir('tokenops-json-store-');
  const agentDir = path.join(stateDir, 'agents', agentId, 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const file = path.join(agentDir, AUTH_PROFILES_FILE);
  if (contents !== undefined) writeFileSync(file, contents, { mode: 0o600 });
  return { stateDir, agentDir, file, store: new AuthProfilesJsonStore(agentId, file, stateDir) };
}

const backupDir = (f: Fixture) => path.join(f.agentDir, BACKUP_DIR);
function backups(f: Fixture): string[] {
  if (!existsSync(backupDir(f))) return [];
  return readdirSync(backupDir(f)).sort();
}

/** Sets the access token of one profile; the mutation every sync performs. */
function setAccess(id: string, access: string) {
  return (profiles: Record<string, unknown>) => {
    (profiles[id] as Record<string, unknown>).access = access;
    return { write: true, result: id };
  };
}

describe('AuthProfilesJsonStore basics', () => {
  it('names itself relative to the state dir', () => {
    const f = fixture(openclawJson(splitDocument()), 'research');
    expect(f.store.kind).toBe('auth-profiles-json');
    expect(f.store.agentId).toBe('research');
    expect(f.store.displayPath).toBe(path.join('agents', 'research', 'agent', 'auth-profiles.json'));
  });
});

describe('AuthProfilesJsonStore.read', () => {
  it('reads the legacy layout (state fields at the top level)', async () => {
    const doc = legacyDocument();
    const f = fixture(openclawJson(doc));
    const read = await f.store.read();
    expect(read).toEqual({ ok: true, profiles: doc.profiles, layout: 'legacy' });
  });

  it.each(['order', 'lastGood', 'usageStats'])('any one legacy state field (%s) makes it legacy', async (field) => {
    const f = fixture(openclawJson({ version: 1, profiles: {}, [field]: {} }));
    const read = await f.store.read();
    expect(read.ok && read.layout).toBe('legacy');
  });

  it('reads the split layout (profiles only; auth-state.json beside it)', async () => {
    const doc = splitDocument();
    const f = fixture(openclawJson(doc));
    writeFileSync(path.join(f.agentDir, 'auth-state.json'), openclawJson({ version: 1, order: { anthropic: ['anthropic:default'] } }));
    const read = await f.store.read();
    expect(read).toEqual({ ok: true, profiles: doc.profiles, layout: 'split' });
  });

  it('reads a document with no version and unknown top-level fields as split', async () => {
    const f = fixture(openclawJson({ profiles: { 'x:y': { type: 'token', provider: 'x', token: 't' } }, somethingNew: 1 }));
    const read = await f.store.read();
    expect(read.ok && read.layout).toBe('split');
  });

  it('accepts a byte order mark', async () => {
    const f = fixture(`\ufeff${openclawJson(splitDocument())}`);
    const read = await f.store.read();
    expect(read.ok).toBe(true);
  });

  it('does not wait for (or touch) a lock held by OpenClaw', async () => {
    const f = fixture(openclawJson(splitDocument()));
    const holder = liveProcess();
    const lock = openclawJson({ pid: holder.pid, createdAt: new Date().toISOString(), starttime: processStartTime(holder.pid) });
    writeFileSync(`${f.file}.lock`, lock);
    const started = Date.now();
    const read = await f.store.read();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(read.ok).toBe(true);
    expect(readFileSync(`${f.file}.lock`, 'utf8')).toBe(lock);
  });

  const secretStore = openclawJson({
    version: 1,
    profiles: { 'anthropic:default': { type: 'oauth', provider: 'anthropic', access: PLANTED_SECRET, refresh: `${PLANTED_SECRET}-r`, expires: 1771051200000 } },
  });

  it.each<[string, string, RegExp]>([
    ['an empty file', '', /empty/],
    ['a whitespace-only file', '  \n\n', /empty/],
    ['a truncated file', secretStore.slice(0, secretStore.indexOf(PLANTED_SECRET) + 20), /truncated/],
    ['a file cut right after the secret', secretStore.slice(0, secretStore.indexOf(PLANTED_SECRET) + PLANTED_SECRET.length + 1), /truncated/],
    ['a syntax error next to the secret', secretStore.replace(`"${PLANTED_SECRET}"`, `"${PLANTED_SECRET}" x`), /not valid JSON/],
    ['an unquoted secret', secretStore.replace(`"${PLANTED_SECRET}"`, PLANTED_SECRET), /not valid JSON/],
    ['profiles that are a string', openclawJson({ version: 1, profiles: PLANTED_SECRET }), /profiles/],
    ['profiles that are an array', openclawJson({ version: 1, profiles: [PLANTED_SECRET] }), /profiles/],
    ['profiles that are null', openclawJson({ version: 1, profiles: null }), /profiles/],
    ['no profiles at all', openclawJson({ version: 1, token: PLANTED_SECRET }), /profiles/],
    ['a top-level array', openclawJson([PLANTED_SECRET]), /object/],
    ['a top-level string', openclawJson(PLANTED_SECRET), /object/],
    ['a version that is not a number', openclawJson({ version: PLANTED_SECRET, profiles: {} }), /version/],
  ])('%s → ok:false with a reason free of the file content', async (_label, contents, reasonPattern) => {
    const f = fixture(contents);
    const read = await f.store.read();
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.reason).toMatch(reasonPattern);
    expect(leaksSecret(read.reason)).toBe(false);
    // update refuses the same file, with a message as clean, and leaves it byte-identical.
    const error = await f.store.update(setAccess('anthropic:default', 'new'), OPTIONS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreInvalidError);
    expect((error as StoreInvalidError).reason).toBe(read.reason);
    expect((error as StoreInvalidError).displayPath).toBe(f.store.displayPath);
    expect(leaksSecret((error as Error).message)).toBe(false);
    expect(leaksSecret(String((error as Error).stack))).toBe(false);
    expect(readFileSync(f.file, 'utf8')).toBe(contents);
    expect(existsSync(`${f.file}.lock`)).toBe(false);
    expect(backups(f)).toEqual([]);
  });

  it('a missing file → ok:false, "file is missing"', async () => {
    const f = fixture();
    expect(await f.store.read()).toEqual({ ok: false, reason: 'file is missing' });
  });

  it('a missing agent dir → ok:false, "file is missing"', async () => {
    const stateDir = tempDir();
    const store = new AuthProfilesJsonStore('ghost', path.join(stateDir, 'agents', 'ghost', 'agent', AUTH_PROFILES_FILE), stateDir);
    expect(await store.read()).toEqual({ ok: false, reason: 'file is missing' });
  });

  it('a directory in place of the file → ok:false, not a regular file', async () => {
    const f = fixture();
    mkdirSync(f.file);
    const read = await f.store.read();
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason).toMatch(/not a regular file/);
  });

  it('a symbolic link, even to a valid store → ok:false; update leaves the link target alone', async () => {
    const f = fixture();
    const elsewhere = path.join(tempDir(), 'real-auth-profiles.json');
    const contents = openclawJson({ version: 1, profiles: { 'anthropic:default': { type: 'oauth', provider: 'anthropic', access: PLANTED_SECRET, expires: 1 } } });
    writeFileSync(elsewhere, contents);
    symlinkSync(elsewhere, f.file);
    const read = await f.store.read();
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.reason).toMatch(/symbolic link/);
      expect(leaksSecret(read.reason)).toBe(false);
    }
    await expect(f.store.update(setAccess('anthropic:default', 'new'), OPTIONS)).rejects.toBeInstanceOf(StoreInvalidError);
    expect(readFileSync(elsewhere, 'utf8')).toBe(contents);
    expect(existsSync(`${f.file}.lock`)).toBe(false);
    expect(backups(f)).toEqual([]);
  });

  it('a dangling symbolic link → ok:false naming the link, not "missing"', async () => {
    const f = fixture();
    symlinkSync(path.join(f.agentDir, 'nowhere.json'), f.file);
    const read = await f.store.read();
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason).toMatch(/symbolic link/);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file → ok:false, permission denied', async () => {
    const f = fixture(openclawJson(splitDocument()));
    chmodSync(f.file, 0o000);
    expect(await f.store.read()).toEqual({ ok: false, reason: 'permission denied' });
  });
});

describe('AuthProfilesJsonStore.update', () => {
  it('changes only the mutated field: every other byte (unknown fields, key order, other profiles, legacy state) is kept', async () => {
    const doc = legacyDocument();
    const before = openclawJson(doc);
    const f = fixture(before);
    const outcome = await f.store.update(setAccess('anthropic:default', 'sk-ant-oat01-NEW-ACCESS-0002'), OPTIONS);
    expect(outcome.written).toBe(true);
    expect(outcome.result).toBe('anthropic:default');
    const after = readFileSync(f.file, 'utf8');
    expect(after).toBe(before.replace('sk-ant-oat01-OLD-ACCESS-legacy-0001', 'sk-ant-oat01-NEW-ACCESS-0002'));
    // Legacy state stays at the top level: moving it is OpenClaw's job.
    expect(Object.keys(JSON.parse(after) as object)).toEqual(['version', 'profiles', 'order', 'lastGood', 'usageStats']);
  });

  it('keeps unknown top-level fields in their places, wherever they sit', async () => {
    const doc = { zFirst: { a: 1 }, profiles: splitDocument().profiles, version: 1, extra: [true, null, 'x'], $schema: 'https://example.invalid' };
    const before = openclawJson(doc);
    const f = fixture(before);
    await f.store.update((profiles) => {
      profiles['anthropic:manual'] = { ...(profiles['anthropic:manual'] as object), token: 'sk-ant-oat01-NEW-SETUP' };
      return { write: true, result: null };
    }, OPTIONS);
    expect(readFileSync(f.file, 'utf8')).toBe(before.replace('sk-ant-oat01-EXAMPLE-SETUP-TOKEN', 'sk-ant-oat01-NEW-SETUP'));
  });

  it("rewrites a file not in OpenClaw's format as JSON.stringify(doc, null, 2) + newline", async () => {
    const doc = splitDocument();
    const f = fixture(JSON.stringify(doc));
    const read = await f.store.read();
    expect(read.ok).toBe(true);
    await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    const expected = structuredClone(doc);
    expected.profiles['anthropic:default'].access = 'NEW';
    expect(readFileSync(f.file, 'utf8')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('leaves auth-state.json beside it alone', async () => {
    const f = fixture(openclawJson(splitDocument()));
    const state = '{"version":1,"order":{"anthropic":["anthropic:default"]}}';
    const stateFile = path.join(f.agentDir, 'auth-state.json');
    writeFileSync(stateFile, state);
    await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    expect(readFileSync(stateFile, 'utf8')).toBe(state);
  });

  it('writes the store 0600 even if it was wider, and leaves no temp files', async () => {
    const f = fixture(openclawJson(splitDocument()));
    chmodSync(f.file, 0o644);
    await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    expect(statSync(f.file).mode & 0o777).toBe(0o600);
    expect(readdirSync(f.agentDir).sort()).toEqual([BACKUP_DIR, AUTH_PROFILES_FILE].sort());
  });

  it('keeps the old bytes as a backup (dir 0700, file 0600) and reports it relative to the state dir', async () => {
    const before = openclawJson(legacyDocument());
    const f = fixture(before);
    const outcome = await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    const names = backups(f);
    expect(names).toHaveLength(1);
    const name = names[0] ?? '';
    expect(name).toMatch(/^auth-profiles\.json\..+\.bak$/);
    const backupFile = path.join(backupDir(f), name);
    expect(readFileSync(backupFile, 'utf8')).toBe(before);
    expect(outcome.backup).toBe(path.relative(f.stateDir, backupFile));
    expect(statSync(backupDir(f)).mode & 0o777).toBe(0o700);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it('the backup keeps a byte order mark and odd formatting exactly', async () => {
    const before = `\ufeff{ "version": 1,\t"profiles": { "anthropic:default": {"type":"oauth","provider":"anthropic","access":"OLD","expires":1} } }`;
    const f = fixture(before);
    await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    const [name] = backups(f);
    expect(readFileSync(path.join(backupDir(f), name ?? ''))).toEqual(Buffer.from(before, 'utf8'));
  });

  it('prunes to the newest backupsKeep backups', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.parse('2026-02-14T12:00:00.000Z');
    const f = fixture(openclawJson(splitDocument()));
    const versions: string[] = [];
    for (let i = 1; i <= 6; i++) {
      vi.setSystemTime(start + i * 60_000);
      versions.push(readFileSync(f.file, 'utf8'));
      await f.store.update(setAccess('anthropic:default', `ACCESS-${i}`), { ...OPTIONS, backupsKeep: 3 });
    }
    const kept = backups(f).map((name) => readFileSync(path.join(backupDir(f), name), 'utf8'));
    expect(kept).toEqual(versions.slice(-3));
    expect(JSON.parse(readFileSync(f.file, 'utf8'))).toMatchObject({ profiles: { 'anthropic:default': { access: 'ACCESS-6' } } });
  });

  it('prunes to the newest backups even when several updates fall in the same millisecond', async () => {
    // Same-millisecond backups get "-1", "-2" suffixes; those must still count as newer,
    // and a pruned "<stamp>.bak" must not be reused for a newer one.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-02-14T12:00:00.000Z'));
    const f = fixture(openclawJson(splitDocument()));
    const versions: string[] = [];
    for (let i = 1; i <= 4; i++) {
      versions.push(readFileSync(f.file, 'utf8'));
      await f.store.update(setAccess('anthropic:default', `ACCESS-${i}`), { ...OPTIONS, backupsKeep: 2 });
    }
    const kept = backups(f).map((name) => readFileSync(path.join(backupDir(f), name), 'utf8'));
    expect(kept.sort()).toEqual(versions.slice(-2).sort());
  });

  it('backupsKeep 0 keeps no backup', async () => {
    const f = fixture(openclawJson(splitDocument()));
    await f.store.update(setAccess('anthropic:default', 'NEW'), { ...OPTIONS, backupsKeep: 0 });
    expect(backups(f)).toEqual([]);
    expect(readFileSync(f.file, 'utf8')).toContain('"NEW"');
  });

  it('dry run: runs the mutation and returns its result, but writes nothing and keeps no backup', async () => {
    const before = openclawJson(legacyDocument());
    const f = fixture(before);
    const mutate = vi.fn(setAccess('anthropic:default', 'NEW'));
    const outcome = await f.store.update(mutate, { ...OPTIONS, dryRun: true });
    expect(mutate).toHaveBeenCalledOnce();
    expect(outcome).toEqual({ result: 'anthropic:default', written: false });
    expect(readFileSync(f.file, 'utf8')).toBe(before);
    expect(existsSync(backupDir(f))).toBe(false);
    expect(existsSync(`${f.file}.lock`)).toBe(false);
  });

  it('a mutation that says write:false writes nothing and keeps no backup', async () => {
    const before = openclawJson(splitDocument());
    const f = fixture(before);
    const ino = statSync(f.file).ino;
    const outcome = await f.store.update((profiles) => ({ write: false, result: Object.keys(profiles).length }), OPTIONS);
    expect(outcome).toEqual({ result: 2, written: false });
    expect(readFileSync(f.file, 'utf8')).toBe(before);
    expect(statSync(f.file).ino).toBe(ino);
    expect(existsSync(backupDir(f))).toBe(false);
  });

  it('hands the mutation the profiles as on disk at lock time, not at construction', async () => {
    const f = fixture(openclawJson(splitDocument()));
    const doc = splitDocument();
    doc.profiles['anthropic:default'].access = 'WRITTEN-BY-OPENCLAW-MEANWHILE';
    writeFileSync(f.file, openclawJson(doc));
    const seen = await f.store.update((profiles) => ({ write: false, result: (profiles['anthropic:default'] as { access: string }).access }), OPTIONS);
    expect(seen.result).toBe('WRITTEN-BY-OPENCLAW-MEANWHILE');
  });

  it('holds the sidecar lock while the mutation runs, and removes it after success', async () => {
    const f = fixture(openclawJson(splitDocument()));
    let lockDuring: unknown = null;
    await f.store.update((profiles) => {
      lockDuring = JSON.parse(readFileSync(`${f.file}.lock`, 'utf8'));
      (profiles['anthropic:default'] as Record<string, unknown>).access = 'NEW';
      return { write: true, result: null };
    }, OPTIONS);
    expect(lockDuring).toMatchObject({ pid: process.pid });
    expect(existsSync(`${f.file}.lock`)).toBe(false);
  });

  it('removes the lock when the mutation throws, and writes nothing', async () => {
    const before = openclawJson(splitDocument());
    const f = fixture(before);
    await expect(
      f.store.update(() => {
        throw new Error('boom');
      }, OPTIONS),
    ).rejects.toThrow('boom');
    expect(existsSync(`${f.file}.lock`)).toBe(false);
    expect(readFileSync(f.file, 'utf8')).toBe(before);
    expect(backups(f)).toEqual([]);
  });

  it('a missing file: StoreInvalidError, nothing created, lock removed', async () => {
    const f = fixture();
    const error = await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreInvalidError);
    expect((error as StoreInvalidError).message).toBe(`${f.store.displayPath}: file is missing`);
    expect(readdirSync(f.agentDir)).toEqual([]);
  });

  it('a live OpenClaw holder: LockBusyError after lockWaitMs; file, lock and backups untouched', async () => {
    const before = openclawJson(splitDocument());
    const f = fixture(before);
    const holder = liveProcess();
    const lock = openclawJson({ pid: holder.pid, createdAt: new Date().toISOString(), starttime: processStartTime(holder.pid) });
    writeFileSync(`${f.file}.lock`, lock);
    const mutate = vi.fn(setAccess('anthropic:default', 'NEW'));
    const error = await f.store.update(mutate, { ...OPTIONS, lockWaitMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockBusyError);
    expect((error as LockBusyError).holder?.pid).toBe(holder.pid);
    expect(mutate).not.toHaveBeenCalled();
    expect(readFileSync(f.file, 'utf8')).toBe(before);
    expect(readFileSync(`${f.file}.lock`, 'utf8')).toBe(lock);
    expect(backups(f)).toEqual([]);
  });

  it("takes over a dead holder's lock and writes", async () => {
    const f = fixture(openclawJson(splitDocument()));
    writeFileSync(`${f.file}.lock`, openclawJson({ pid: deadPid(), createdAt: new Date().toISOString(), starttime: 5 }));
    const outcome = await f.store.update(setAccess('anthropic:default', 'NEW'), OPTIONS);
    expect(outcome.written).toBe(true);
    expect(existsSync(`${f.file}.lock`)).toBe(false);
  });

  it('two updates at once in one process are serialised: neither loses the other', async () => {
    const f = fixture(openclawJson(splitDocument()));
    const add = (id: string) => (profiles: Record<string, unknown>) => {
      profiles[id] = { type: 'token', provider: 'x', token: id };
      return { write: true, result: id };
    };
    await Promise.all([f.store.update(add('x:one'), { ...OPTIONS, lockWaitMs: 5_000 }), f.store.update(add('x:two'), { ...OPTIONS, lockWaitMs: 5_000 })]);
    const doc = JSON.parse(readFileSync(f.file, 'utf8')) as { profiles: Record<string, unknown> };
    expect(Object.keys(doc.profiles).sort()).toEqual(['anthropic:default', 'anthropic:manual', 'x:one', 'x:two']);
  });
});

describe('links above the store file', () => {
  it('an agent dir that is a symbolic link out of the state dir: unreadable, and never written through', async () => {
    const outside = tempDir('tokenops-outside-');
    const outsideFile = path.join(outside, AUTH_PROFILES_FILE);
    const text = openclawJson(splitDocument());
    writeFileSync(outsideFile, text);
    const stateDir = tempDir('tokenops-json-store-');
    mkdirSync(path.join(stateDir, 'agents', 'main'), { recursive: true });
    symlinkSync(outside, path.join(stateDir, 'agents', 'main', 'agent'));
    const file = path.join(stateDir, 'agents', 'main', 'agent', AUTH_PROFILES_FILE);
    const store = new AuthProfilesJsonStore('main', file, stateDir);
    expect(await store.read()).toMatchObject({ ok: false, reason: expect.stringMatching(/symbolic link/) });
    await expect(store.update(() => ({ write: true, result: null }), OPTIONS)).rejects.toBeInstanceOf(StoreInvalidError);
    expect(readFileSync(outsideFile, 'utf8')).toBe(text);
    expect(readdirSync(outside)).toEqual([AUTH_PROFILES_FILE]);
  });

  it('a state dir that is itself reached through a link is fine (only links inside it are refused)', async () => {
    const real = fixture(openclawJson(splitDocument()));
    const linkParent = tempDir('tokenops-link-');
    const linkedState = path.join(linkParent, 'state');
    symlinkSync(real.stateDir, linkedState);
    const store = new AuthProfilesJsonStore('main', path.join(linkedState, 'agents', 'main', 'agent', AUTH_PROFILES_FILE), linkedState);
    expect(await store.read()).toMatchObject({ ok: true });
  });

  it('a backups dir that is a symbolic link: refused before anything is written', async () => {
    const f = fixture(openclawJson(splitDocument()));
    const elsewhere = tempDir('tokenops-backups-elsewhere-');
    symlinkSync(elsewhere, backupDir(f));
    const before = readFileSync(f.file, 'utf8');
    await expect(f.store.update(() => ({ write: true, result: null }), OPTIONS)).rejects.toBeInstanceOf(StoreInvalidError);
    expect(readFileSync(f.file, 'utf8')).toBe(before);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
