import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { locateSecrets, secretLabel } from './secret-scan.js';

/*
 * The suite-wide secret scan (issue 9): every file's workers leave what they captured in
 * one temp dir (see suite-capture.setup.ts); once all files ran, every secret any file
 * planted is looked for in everything every file captured. One line at the end of the run
 * says how many were found; any found fails the run, naming the test file and the source.
 */

interface Capture {
  file: string;
  secrets: string[];
  sources: Record<string, string>;
  hostile?: { tried: number; changed: number };
}

export interface ScanReport {
  files: number;
  secrets: number;
  /** Characters scanned, by kind of source (the source name up to its first space). */
  scanned: Record<string, number>;
  found: Array<{ secret: string; file: string; source: string }>;
  hostile: { tried: number; changed: number };
}

export function scanCaptureDir(dir: string): ScanReport {
  const captures = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Capture);
  const secrets = new Set(captures.flatMap((capture) => capture.secrets));
  const sources = captures.flatMap((capture) => Object.entries(capture.sources).map(([source, text]) => [`${capture.file}\u0000${source}`, text] as const));
  const found = locateSecrets(secrets, sources).map(({ secret, where }) => {
    const [file = '', source = ''] = where.split('\u0000');
    return { secret: secretLabel(secret), file, source };
  });
  const scanned: Record<string, number> = {};
  for (const [where, text] of sources) {
    const kind = where.split('\u0000')[1]!.split(' (')[0]!.replace(/ (sqlite|redis):\/\/.*$/, '');
    scanned[kind] = (scanned[kind] ?? 0) + text.length;
  }
  const hostile = { tried: 0, changed: 0 };
  for (const capture of captures) {
    hostile.tried += capture.hostile?.tried ?? 0;
    hostile.changed += capture.hostile?.changed ?? 0;
  }
  return { files: captures.length, secrets: secrets.size, scanned, found, hostile };
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenops-suite-capture-'));
  project.provide('suiteCaptureDir', dir);
  return () => {
    const report = scanCaptureDir(dir);
    rmSync(dir, { recursive: true, force: true });
    const sizes = Object.entries(report.scanned).map(([kind, chars]) => `${kind} ${(chars / 1024 / 1024).toFixed(2)} MB`);
    const scanned = `${report.secrets} planted secrets, ${report.files} test files: ${sizes.join(', ') || 'nothing captured'}`;
    if (report.hostile.tried > 0) console.log(`hostile inputs tried: ${report.hostile.tried}; changed state: ${report.hostile.changed}`);
    console.log(`secrets found: ${report.found.length} (scanned ${scanned})`);
    if (report.found.length > 0) {
      // Vitest reports a teardown error but does not fail the run for it: the exit code does.
      process.exitCode = 1;
      throw new Error(`secrets found in test output:\n${report.found.map((hit) => `  ${hit.secret} in ${hit.file}: ${hit.source}`).join('\n')}`);
    }
  };
}
