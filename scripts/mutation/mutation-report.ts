import { z } from 'zod';

/*
 * The mutation run's results as a person reads them: a table per file, and survivors told
 * apart into the ones judged equivalent (a line in mutation/equivalent-mutants.json with
 * why) and new ones. A survivor is matched by file, mutator and the text before and after,
 * not by line: lines move with every edit, the code a judgement was about does not.
 */

export interface MutantRow {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
  /** Stryker's status: Killed, Survived, NoCoverage, Timeout, CompileError, RuntimeError, Ignored. */
  status: string;
  /**
   * Its code also runs at import (a module-level schema or table, or a function a test fixture
   * calls as it loads). Many such mutants are never switched on, since the tests load each module
   * once; some are (446 of 682 were killed in the last full run), so they count as any other.
   */
  static: boolean;
}

const equivalentSchema = z.strictObject({
  file: z.string().min(1),
  mutator: z.string().min(1),
  original: z.string(),
  replacement: z.string(),
  reason: z.string().min(10, 'say why the mutant is equivalent, in a sentence'),
});
export type Equivalent = z.infer<typeof equivalentSchema>;

export function parseEquivalents(text: string): Equivalent[] {
  const parsed = z.array(equivalentSchema).safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `entry ${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const DETECTED = new Set(['Killed', 'Timeout']);

function matches(entry: Equivalent, row: MutantRow): boolean {
  return entry.file === row.file && entry.mutator === row.mutator && entry.original === row.original && entry.replacement === row.replacement;
}

export interface JudgedSurvivors {
  /** Undetected mutants an entry judges equivalent. */
  known: MutantRow[];
  /** Undetected mutants nobody judged: a missing test, or a judgement to make. */
  fresh: MutantRow[];
  /** Entries that match no undetected mutant of a mutated file: killed since, or the code changed. */
  stale: Equivalent[];
}

export function judgeSurvivors(rows: readonly MutantRow[], equivalents: readonly Equivalent[]): JudgedSurvivors {
  const undetected = rows.filter((row) => UNDETECTED.has(row.status));
  const known = undetected.filter((row) => equivalents.some((entry) => matches(entry, row)));
  const fresh = undetected.filter((row) => !known.includes(row));
  const mutatedFiles = new Set(rows.map((row) => row.file));
  const stale = equivalents.filter((entry) => mutatedFiles.has(entry.file) && !undetected.some((row) => matches(entry, row)));
  return { known, fresh, stale };
}

interface Tally {
  mutants: number;
  killed: number;
  survived: number;
  noCoverage: number;
  equivalent: number;
}

function tally(rows: readonly MutantRow[], known: ReadonlySet<MutantRow>): Tally {
  const count: Tally = { mutants: 0, killed: 0, survived: 0, noCoverage: 0, equivalent: 0 };
  for (const row of rows) {
    count.mutants++;
    if (known.has(row)) count.equivalent++;
    else if (DETECTED.has(row.status)) count.killed++;
    else if (row.status === 'Survived') count.survived++;
    else if (row.status === 'NoCoverage') count.noCoverage++;
    // Anything else (compile or runtime errors) is invalid: counted among the mutants only.
  }
  return count;
}

/** Killed (or timed out) among the mutants that could be killed: not equivalent, not invalid (compile or runtime errors, ignored). 100 when none could. */
function scoreOf(count: Tally): number {
  const killable = count.killed + count.survived + count.noCoverage;
  return killable === 0 ? 100 : (100 * count.killed) / killable;
}

export function mutationScore(rows: readonly MutantRow[], known: readonly MutantRow[]): number {
  return scoreOf(tally(rows, new Set(known)));
}

/** The markdown table: one row per file, then `all`. */
export function mutationTable(rows: readonly MutantRow[], known: readonly MutantRow[]): string {
  const knownSet = new Set(known);
  const files = [...new Set(rows.map((row) => row.file))].sort();
  const line = (name: string, count: Tally) =>
    `| ${name} | ${count.mutants} | ${count.killed} | ${count.survived} | ${count.noCoverage} | ${count.equivalent} | ${scoreOf(count).toFixed(1)} % |`;
  return [
    '| file | mutants | killed | survived | no coverage | equivalent | score |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...files.map((file) => line(`\`${file}\``, tally(rows.filter((row) => row.file === file), knownSet))),
    line('all', tally(rows, knownSet)),
  ].join('\n');
}
