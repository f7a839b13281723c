import type { Timeline } from '../domain/expiry-timeline.js';
import { timelineOption, type TimelineText } from './chart-option.js';
import { layoutTimeline, type TimelineVariant } from './layout.js';
import { rasterise } from './rasterise.js';
import { renderSvg, type ChartFactory } from './render-svg.js';

export interface RenderedTimeline {
  png: Buffer;
  /** The drawing before rasterising: what the tests read the picture's words from. */
  svg: string;
  width: number;
  height: number;
  /** Where the time went: ECharts drawing (on this thread), resvg rasterising (off it). */
  timings: { svgMs: number; pngMs: number };
}

export interface RenderTimelineOptions extends TimelineText {
  variant: TimelineVariant;
  makeChart?: ChartFactory;
}

/** A timeline as a PNG: laid out, drawn by ECharts to SVG, rasterised by resvg. */
export async function renderTimeline(timeline: Timeline, options: RenderTimelineOptions): Promise<RenderedTimeline> {
  const layout = layoutTimeline(timeline, options.variant);
  const started = performance.now();
  const svg = renderSvg(timelineOption(timeline, layout, options), layout.width, layout.height, options.makeChart);
  const drawn = performance.now();
  const png = await rasterise(svg);
  return { png, svg, width: layout.width, height: layout.height, timings: { svgMs: drawn - started, pngMs: performance.now() - drawn } };
}
