/*
 * npm run test:mutation [-- --safety] [-- --files a.ts,b.ts [--tests 'test/unit/x/**']] [-- --report-only]
 *
 * Runs Stryker with mutation/stryker.config.mjs and prints, per file, the table issue 17
 * asks for; then the survivors, each either known (judged equivalent in
 * mutation/equivalent-mutants.json, with why) or new. `--safety` mutates only the files
 * the safety promises rest on and fails on any new survivor there; the full run fails below
 * the overall threshold. `--files` (with `--tests` to ask only the tests that matter) is
 * the quick loop while killing one file's survivors: its own sandbox and report, one
 * worker, so several can run side by side. `--report-only` reads the last run's JSON report
 * again without mutating anything. Judging a survivor
 * equivalent is a person's call: the script only prints new ones in the file's format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult } from '@stryker-mutator/api/core';
import config, { SAFETY_FILES, SCOPE } from '../mutation/stryker.config.mjs';
import { judgeSurvivors, mutationScore, mutationTable, parseEquivalents, type Equivalent, type MutantRow } from './mutation/mutation-report.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const EQUIVALENTS = path.join(ROOT, 'mutation/equivalent-mutants.json');
/** The whole scope must kill at least this share of its non-equivalent mutants. */
const OVERALL_THRESHOLD = 90;

const { values } = parseArgs({ options: { safety: { type: 'boolean', default: false }, files: { type: 'string' }, tests: { type: 'string' }, 'report-only': { type: 'boolean', default: false } } });

type Span = MutantResult['location'];

/** The source text a mutant replaced, from its span (lines and columns from 1). */
function originalText(lines: string[], { start, end }: Span): string {
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1]!.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1]!.slice(0, end.column - 1)].join('\n');
}

type Mutant = Pick<MutantResult, 'mutatorName' | 'replacement' | 'status' | 'location' | 'static'>;

/**
 * The rows of a run, from its JSON report: each file's source as Stryker mutated it, not as it
 * is on disk now (a file edited while the run went on would shift every span after the edit).
 */
function rowsOfReport(reportFile: string): MutantRow[] {
  const report = JSON.parse(readFileSync(path.join(ROOT, reportFile), 'utf8')) as { files: Record<string, { source: string; mutants: Mutant[] }> };
  return Object.entries(report.files).flatMap(([file, { source, mutants }]) => {
    const lines = source.split('\n');
    const relative = path.relative(ROOT, path.resolve(ROOT, file));
    return mutants.map((mutant) => ({ file: relative, line: mutant.location.start.line, mutator: mutant.mutatorName, original: originalText(lines, mutant.location), replacement: mutant.replacement ?? '', status: mutant.status, static: mutant.static === true }));
  });
}

async function run(): Promise<MutantRow[]> {
  // A quick loop writes a report of its own (several run side by side); --report-only re-reads the last full or --safety run's.
  const report = values.files && !values['report-only'] ? `reports/mutation/files-${process.pid}.json` : 'reports/mutation/mutation.json';
  if (values['report-only']) return rowsOfReport(report);
  const mutate = values.files ? values.files.split(',') : values.safety ? SAFETY_FILES : SCOPE;
  // vitest.mutation.config.ts reads it in Stryker's workers.
  if (values.tests) process.env.TOKENOPS_MUTATION_TESTS = values.tests;
  // `progress` draws on a terminal only; CI's log gets the dots-free summary below.
  const reporters = process.stdout.isTTY ? ['progress', 'json'] : ['json'];
  const quickLoop = values.files ? { concurrency: 1, tempDirName: `.stryker-tmp/run-${process.pid}`, jsonReporter: { fileName: report } } : { reporters: [...reporters, 'html'] };
  await new Stryker({ ...config, mutate, reporters, ...quickLoop }).runMutationTest();
  return rowsOfReport(report);
}

const rows = await run();
let equivalents: Equivalent[];
try {
  equivalents = parseEquivalents(readFileSync(EQUIVALENTS, 'utf8'));
} catch (error) {
  console.error(`mutation/equivalent-mutants.json cannot be read: ${(error as Error).message}`);
  process.exit(2);
}
const judged = judgeSurvivors(rows, equivalents);
console.log(mutationTable(rows, judged.known));
if (judged.known.length > 0) console.log(`\n${judged.known.length} survivor(s) judged equivalent (mutation/equivalent-mutants.json).`);
if (judged.stale.length > 0) {
  console.log(`\n${judged.stale.length} entr${judged.stale.length === 1 ? 'y' : 'ies'} of equivalent-mutants.json matched no survivor (killed now, or the code moved on): remove ${judged.stale.length === 1 ? 'it' : 'them'}:`);
  for (const entry of judged.stale) console.log(`  ${JSON.stringify(entry)}`);
}
if (judged.fresh.length > 0) {
  console.log(`\n${judged.fresh.length} new survivor(s) or uncovered mutant(s): kill each with a test, or judge it equivalent in mutation/equivalent-mutants.json:`);
  const atImport = judged.fresh.filter((row) => row.static).length;
  if (atImport > 0) console.log(`  (${atImport} of them in code that also runs at import, listed last: mostly module-level schemas and tables the tests cannot switch on)`);
  for (const row of [...judged.fresh.filter((row) => !row.static), ...judged.fresh.filter((row) => row.static)]) console.log(`  ${row.file}:${row.line} ${row.status}\n    ${JSON.stringify({ file: row.file, mutator: row.mutator, original: row.original, replacement: row.replacement, reason: '' })}`);
  // A quick loop's beside its own report: several run side by side.
  writeFileSync(path.join(ROOT, values.files ? `reports/mutation/new-survivors-${process.pid}.json` : 'reports/mutation/new-survivors.json'), `${JSON.stringify(judged.fresh, null, 2)}\n`);
}

const safetyFresh = judged.fresh.filter((row) => SAFETY_FILES.includes(row.file));
const overall = mutationScore(rows, judged.known);
const failures = [
  ...(safetyFresh.length > 0 ? [`${safetyFresh.length} new survivor(s) in the safety files (${[...new Set(safetyFresh.map((row) => row.file))].join(', ')}): their target is every non-equivalent mutant killed`] : []),
  ...(!values.safety && !values.files && overall < OVERALL_THRESHOLD ? [`overall score ${overall.toFixed(1)} % is below ${OVERALL_THRESHOLD} %`] : []),
];
for (const failure of failures) console.error(`\nmutation: ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
