import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/*
 * The file sink: write a temp file beside the target, fsync it, rename it over the target,
 * mode 0600, then fsync the directory so the rename itself survives a power cut.
 * write-file-atomic does the first part (and cleans its temp file on a failed write);
 * the directory fsync is ours.
 */
export async function writeFileDurably(file: string, contents: string | Buffer): Promise<void> {
  await writeFileAtomic(file, contents, { mode: 0o600, fsync: true, ...(typeof contents === 'string' ? { encoding: 'utf8' as const } : {}) });
  await fsyncDirectory(path.dirname(file));
}

/**
 * Deletes the temp files of writes that never finished: write-file-atomic names its temp
 * `<target>.<uint32>` and removes it on failure or exit, but not after a SIGKILL or a power
 * cut, and it holds a whole copy of the credentials. Call only while holding the target's
 * lock, so that no live writer's temp file is among them.
 */
export async function removeAbandonedTempFiles(dir: string, isTarget: (name: string) => boolean): Promise<number> {
  let removed = 0;
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const name of names) {
    const match = /^(.+)\.\d{1,10}$/.exec(name);
    if (!match || !isTarget(match[1]!)) continue;
    await unlink(path.join(dir, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The same, synchronously, for a caller that must finish before it returns (the replay log's rewrites). */
export function fsyncDirectorySync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Keeps a copy of `contents` as `<dir>/<name>.<stamp>.bak`, or `<stamp>-<n>.bak` when
 * several land in one millisecond (dir 0700, file 0600); returns its path.
 */
export async function writeBackup(backupDir: string, baseName: string, contents: string | Buffer, nowMs: number): Promise<string> {
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  // Same millisecond as an existing backup (even a pruned one's neighbour): count on from the highest.
  const sameStamp = (await readdir(backupDir)).map((name) => backupOrder(baseName, name)).filter((order) => order?.[0] === stamp);
  const next = sameStamp.length === 0 ? 0 : Math.max(...sameStamp.map((order) => order![1])) + 1;
  const file = path.join(backupDir, `${baseName}.${stamp}${next === 0 ? '' : `-${next}`}.bak`);
  await writeFileDurably(file, contents);
  return file;
}

/** Order of a backup by its name: time stamp, then the same-millisecond counter. */
function backupOrder(baseName: string, name: string): [string, number] | null {
  if (!name.startsWith(`${baseName}.`)) return null;
  const match = /^(\d{8}T\d{9}Z)(?:-(\d+))?\.bak$/.exec(name.slice(baseName.length + 1));
  return match ? [match[1]!, Number(match[2] ?? 0)] : null;
}

/** Whether `name` is one of `baseName`'s backups. */
export function isBackupOf(baseName: string, name: string): boolean {
  return backupOrder(baseName, name) !== null;
}

/** Deletes all but the newest `keep` backups of `baseName`. */
export async function pruneBackups(backupDir: string, baseName: string, keep: number): Promise<void> {
  const names = (await readdir(backupDir))
    .map((name) => ({ name, order: backupOrder(baseName, name) }))
    .filter((entry): entry is { name: string; order: [string, number] } => entry.order !== null)
    .sort((a, b) => (a.order[0] === b.order[0] ? a.order[1] - b.order[1] : a.order[0] < b.order[0] ? -1 : 1))
    .map((entry) => entry.name);
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    await unlink(path.join(backupDir, name)).catch(() => undefined);
  }
}

