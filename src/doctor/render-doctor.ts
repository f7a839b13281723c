import type { CheckLine } from './check-line.js';

/*
 * The doctor's checklist for a person: one line per check, grouped by area, each warning and
 * failure followed by its fix, and a last line that says whether to go on.
 */

const MARK: Record<CheckLine['status'], string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const AREAS: Record<CheckLine['area'], string> = { settings: 'Settings', discord: 'Discord', fleet: 'Fleet', state: 'State' };

export function renderDoctor(lines: readonly CheckLine[]): string {
  const out: string[] = [];
  for (const area of Object.keys(AREAS) as Array<CheckLine['area']>) {
    const ofArea = lines.filter((line) => line.area === area);
    if (ofArea.length === 0) continue;
    out.push(`${out.length > 0 ? '\n' : ''}${AREAS[area]}`);
    for (const line of ofArea) {
      out.push(`  ${MARK[line.status]} ${line.check}: ${line.detail}`);
      if (line.fix && line.status !== 'pass') out.push(`     → ${line.fix}`);
    }
  }
  const failed = lines.filter((line) => line.status === 'fail').length;
  const warned = lines.filter((line) => line.status === 'warn').length;
  out.push('', failed === 0 ? `All checks passed${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.` : `${failed} check${failed === 1 ? '' : 's'} failed${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}: fix the ❌ lines, then run the doctor again.`);
  return out.join('\n');
}
