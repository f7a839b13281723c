import { parentPort } from 'node:worker_threads';
import { renderTimeline, type RenderTimelineOptions } from './render-timeline.js';
import type { Timeline } from '../domain/expiry-timeline.js';

/*
 * A picture-pool worker (src/timeline/picture-pool.ts): draws one timeline at a time with
 * ECharts and resvg, which are loaded here and never on the bot's main thread.
 */

export interface RenderJob {
  id: number;
  timeline: Timeline;
  options: Omit<RenderTimelineOptions, 'makeChart'>;
}

export type RenderAnswer =
  | { id: number; ok: true; png: Uint8Array; svg: string; width: number; height: number; timings: { svgMs: number; pngMs: number } }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (!port) throw new Error('render-worker runs as a worker thread (src/timeline/picture-pool.ts starts it)');
port.on('message', async (job: RenderJob) => {
  try {
    const rendered = await renderTimeline(job.timeline, job.options);
    const png = new Uint8Array(rendered.png.buffer, rendered.png.byteOffset, rendered.png.byteLength);
    const answer: RenderAnswer = { id: job.id, ok: true, png, svg: rendered.svg, width: rendered.width, height: rendered.height, timings: rendered.timings };
    port.postMessage(answer);
  } catch (error) {
    port.postMessage({ id: job.id, ok: false, error: (error as Error).message } satisfies RenderAnswer);
  }
});
