import { describe, expect, it } from 'vitest';
import { judgeSurvivors, mutationScore, mutationTable, parseEquivalents, type MutantRow } from '../../../scripts/mutation/mutation-report.js';

const row = (overrides: Partial<MutantRow>): MutantRow => ({ file: 'src/domain/a.ts', line: 1, mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b', status: 'Killed', static: false, ...overrides });

describe('mutation report', () => {
  it('tells survivors judged equivalent from new ones by file, mutator and text, whatever line they moved to', () => {
    const known = row({ status: 'Survived', line: 40 });
    const fresh = row({ status: 'NoCoverage', replacement: 'a > b' });
    const other = row({ status: 'Survived', file: 'src/domain/b.ts' });
    const rows = [row({}), known, fresh, other];
    const judged = judgeSurvivors(rows, [{ file: 'src/domain/a.ts', mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b', reason: 'b is never equal to a here' }]);
    expect(judged.known).toEqual([known]);
    expect(judged.fresh).toEqual([fresh, other]);
    expect(judged.stale).toEqual([]);
  });

  it('names entries that match no survivor of a mutated file as stale, and keeps quiet about files not mutated this run', () => {
    const entries = parseEquivalents(
      JSON.stringify([
        { file: 'src/domain/a.ts', mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b', reason: 'b is never equal to a here' },
        { file: 'src/domain/z.ts', mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b', reason: 'not mutated in this run at all' },
      ]),
    );
    const judged = judgeSurvivors([row({ status: 'Killed' })], entries);
    expect(judged.stale.map((entry) => entry.file)).toEqual(['src/domain/a.ts']);
  });

  it('scores killed and timed-out mutants against the killable ones: equivalent and invalid ones do not count', () => {
    const equivalent = row({ status: 'Survived' });
    const rows = [row({}), row({ status: 'Timeout' }), row({ status: 'Survived', replacement: 'x' }), row({ status: 'NoCoverage', replacement: 'y' }), row({ status: 'CompileError' }), equivalent];
    expect(mutationScore(rows, [equivalent])).toBe(50);
    expect(mutationScore([], [])).toBe(100);
    expect(mutationTable(rows, [equivalent]).split('\n')).toEqual([
      '| file | mutants | killed | survived | no coverage | equivalent | score |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| `src/domain/a.ts` | 6 | 2 | 1 | 1 | 1 | 50.0 % |',
      '| all | 6 | 2 | 1 | 1 | 1 | 50.0 % |',
    ]);
  });

  it('refuses an equivalence without a reason, or with a field it does not know, naming the entry', () => {
    expect(() => parseEquivalents(JSON.stringify([{ file: 'a', mutator: 'b', original: 'c', replacement: 'd', reason: '' }]))).toThrow(/entry 0\.reason: say why/);
    expect(() => parseEquivalents(JSON.stringify([{ file: 'a', mutator: 'b', original: 'c', replacement: 'd', reason: 'long enough reason', line: 3 }]))).toThrow(/entry 0/);
  });
});
