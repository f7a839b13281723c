import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { isBackupOf, removeAbandonedTempFiles } from '../../../src/agent/store/atomic-file.js';
import { cleanup, tempDir } from './helpers.js';

afterEach(cleanup);

it("removes only the target's write-file-atomic temp files, never the target, its lock, its backups or another file's temps", async () => {
  const dir = tempDir('tokenops-temps-');
  const names = [
    'auth-profiles.json',
    'auth-profiles.json.lock',
    'auth-profiles.json.3141592653',
    'auth-profiles.json.7',
    'auth-profiles.json.bak',
    'auth-profiles.json.12345678901',
    'auth-state.json.2718281828',
    'models.json.1',
  ];
  for (const name of names) writeFileSync(path.join(dir, name), 'x');
  expect(await removeAbandonedTempFiles(dir, (name) => name === 'auth-profiles.json')).toBe(2);
  expect(readdirSync(dir).sort()).toEqual(names.filter((name) => !['auth-profiles.json.3141592653', 'auth-profiles.json.7'].includes(name)).sort());
});

it("in a backups dir: a backup's temp goes, the backups stay; a missing dir is nothing to do", async () => {
  const dir = path.join(tempDir('tokenops-temps-'), '.tokenops-backups');
  expect(await removeAbandonedTempFiles(dir, () => true)).toBe(0);
  mkdirSync(dir);
  const backup = 'auth-profiles.json.20261128T051000123Z.bak';
  for (const name of [backup, `${backup}.99`, 'auth-profiles.json.20261128T051000123Z-1.bak']) writeFileSync(path.join(dir, name), 'x');
  expect(await removeAbandonedTempFiles(dir, (name) => isBackupOf('auth-profiles.json', name))).toBe(1);
  expect(readdirSync(dir).sort()).toEqual([backup, 'auth-profiles.json.20261128T051000123Z-1.bak'].sort());
});
