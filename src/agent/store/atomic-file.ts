import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/*
 * The file sink: write a temp file beside the target, fsync it, rename it over the target,
 * mode 0600, then fsync the directory so the rename itself survives a power cut.
 * write-file-atomic does the first part (and cleans its temp file on a failed write);
 * the directory fsync is ours.
 */
export async function writeFileDurably(file: string, contents: string): Promise<void> {
  await writeFileAtomic(file, contents, { mode: 0o600, fsync: true, encoding: 'utf8' });
  await fsyncDirectory(path.dirname(file));
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Keeps a copy of `contents` as `<dir>/<name>.<stamp>.bak` (dir 0700, file 0600); returns its path. */
export async function writeBackup(backupDir: string, baseName: string, contents: string, nowMs: number): Promise<string> {
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  let file = path.join(backupDir, `${baseName}.${stamp}.bak`);
  for (let n = 1; await exists(file); n++) file = path.join(backupDir, `${baseName}.${stamp}-${n}.bak`);
  await writeFileDurably(file, contents);
  return file;
}

/** Deletes all but the newest `keep` backups of `baseName` (names sort by time). */
export async function pruneBackups(backupDir: string, baseName: string, keep: number): Promise<void> {
  const names = (await readdir(backupDir)).filter((name) => name.startsWith(`${baseName}.`) && name.endsWith('.bak')).sort();
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    await unlink(path.join(backupDir, name)).catch(() => undefined);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await (await open(file, 'r')).close();
    return true;
  } catch {
    return false;
  }
}
