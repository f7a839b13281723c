import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTimeline } from '../src/timeline/render-timeline.js';
import { goldenCases, THRESHOLDS } from '../test/support/timeline-fixtures.js';

/*
 * `npm run golden:timeline [dir]`: draws the expiry timeline's golden images, one per
 * layout, into test/golden/ (or `dir`). They are committed for people to look at, and the
 * rendering test compares against them: regenerate after a deliberate change to the picture,
 * look at them, commit them with it.
 */

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? 'test/golden');
  mkdirSync(dir, { recursive: true });
  for (const golden of goldenCases()) {
    const rendered = await renderTimeline(golden.timeline, { variant: golden.variant, scope: golden.scope, thresholds: THRESHOLDS, notes: golden.notes });
    const file = path.join(dir, `timeline-${golden.name}.png`);
    writeFileSync(file, rendered.png);
    console.log(`${path.relative(process.cwd(), file)}  ${rendered.width}×${rendered.height}  ${(rendered.png.length / 1024).toFixed(1)} KiB  svg ${rendered.timings.svgMs.toFixed(0)} ms, png ${rendered.timings.pngMs.toFixed(0)} ms`);
  }
}

await main();
