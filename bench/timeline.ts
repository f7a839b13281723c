import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildTimeline } from '../src/domain/expiry-timeline.js';
import type { FleetView } from '../src/domain/fleet-view.js';
import { rowBudget, type TimelineVariant } from '../src/timeline/layout.js';
import { rasteriseSync } from '../src/timeline/rasterise.js';
import { renderTimeline } from '../src/timeline/render-timeline.js';
import { bigFleet, cell, HOUR, node, NOW, THRESHOLDS, view } from '../test/support/timeline-fixtures.js';

/*
 * The expiry timeline picture at 100 nodes × 15 profiles: how long a render takes, and how
 * long it holds the event loop (ECharts draws on the bot's thread; resvg rasterises on
 * libuv's pool). Two fleets: the usual one (a few accounts in trouble, the healthy ones
 * folded) and the worst (every account unhealthy on every node: nothing folds, groups are
 * cut to the height cap).
 */

const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function allUnhealthy(): FleetView {
  const providers = Array.from({ length: 15 }, (_, index) => `provider-${String(index).padStart(2, '0')}:team`);
  return view(Array.from({ length: 100 }, (_, n) => node(`node-${String(n).padStart(3, '0')}`, providers.map((profileId, p) => cell(profileId, (n + p) % 2 ? 'expiring' : 'expired', ((n + p) % 2 ? 5 : -3) * HOUR)))));
}

async function measure(label: string, fleet: FleetView, variant: TimelineVariant) {
  const timeline = buildTimeline({ view: fleet, events: [], nowMs: NOW, hours: 48, thresholds: THRESHOLDS, maxRows: rowBudget(variant) });
  await renderTimeline(timeline, { variant, scope: 'all nodes' }); // warm-up: module loading, font parsing
  const totals: number[] = [];
  const svg: number[] = [];
  const png: number[] = [];
  let bytes = 0;
  let size = '';
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const rendered = await renderTimeline(timeline, { variant, scope: 'all nodes' });
    totals.push(performance.now() - started);
    svg.push(rendered.timings.svgMs);
    png.push(rendered.timings.pngMs);
    bytes = rendered.png.length;
    size = `${rendered.width}×${rendered.height}`;
  }
  loop.disable();
  // The same rasterising on the calling thread, for comparison: what renderAsync keeps off it.
  const layoutSvg = (await renderTimeline(timeline, { variant, scope: 'all nodes' })).svg;
  const syncStarted = performance.now();
  rasteriseSync(layoutSvg);
  const syncMs = performance.now() - syncStarted;
  return { label, size, kib: bytes / 1024, total: median(totals), worst: Math.max(...totals), svg: median(svg), png: median(png), syncPng: syncMs, loopMax: loop.max / 1e6 };
}

export async function benchTimeline(): Promise<void> {
  const rows = [
    await measure('100 × 15, usual (folded)', bigFleet(), 'full'),
    await measure('100 × 15, all unhealthy (cut)', allUnhealthy(), 'full'),
    await measure('100 × 15, small attachment', bigFleet(), 'small'),
  ];
  console.log(`\nExpiry timeline picture, 100 nodes × 15 profiles (median of ${RUNS}; ECharts SVG on the event loop, resvg on the thread pool)`);
  console.log('| case | size | PNG | total | worst | ECharts → SVG | resvg → PNG | (resvg on the main thread) | longest event-loop stall |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(`| ${row.label} | ${row.size} | ${row.kib.toFixed(0)} KiB | ${row.total.toFixed(0)} ms | ${row.worst.toFixed(0)} ms | ${row.svg.toFixed(0)} ms | ${row.png.toFixed(0)} ms | ${row.syncPng.toFixed(0)} ms | ${row.loopMax.toFixed(0)} ms |`);
  }
}
