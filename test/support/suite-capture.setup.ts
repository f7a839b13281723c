import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { capturedOutput } from './processes.js';
import { plantedSecrets } from './state-dir.js';
import { suiteCapture } from './suite-capture.js';

/*
 * Runs in every test file (vitest setupFiles): after the file's own hooks, writes what it
 * produced (process output, Discord payloads, the bots' stored state) and the secrets it
 * planted to the capture dir, for the one suite-wide scan in suite-secret-scan.global.ts.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    suiteCaptureDir: string;
  }
}

/** Every value of every table of a bot's SQLite state, as text: audit records, alerts, plans. */
async function sqliteState(url: string): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  let db;
  try {
    db = new Database(url.slice('sqlite://'.length), { readonly: true, fileMustExist: true });
  } catch (error) {
    return `(could not open: ${(error as Error).message})`;
  }
  try {
    const out: string[] = [];
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>) {
      for (const row of db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).raw().iterate() as IterableIterator<unknown[]>) {
        out.push(row.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value))).join('\t'));
      }
    }
    return out.join('\n');
  } finally {
    db.close();
  }
}

afterAll(async () => {
  const dir = inject('suiteCaptureDir');
  if (!dir) return;
  const sources: Record<string, string> = { 'process output (logs, CLI output, errors)': capturedOutput.join('\n') };
  let index = 0;
  for (const standin of suiteCapture.standins) sources[`Discord payloads (stand-in #${++index})`] = standin.requestBodies.join('\n');
  for (const url of suiteCapture.stateUrls) if (url.startsWith('sqlite://')) sources[`stored state (audit log, alerts, plans) ${url}`] = await sqliteState(url);
  const file = path.relative(process.cwd(), expect.getState().testPath ?? 'unknown');
  writeFileSync(path.join(dir, `${process.pid}-${randomUUID()}.json`), JSON.stringify({ file, secrets: [...plantedSecrets], sources, hostile: suiteCapture.hostile }));
});
