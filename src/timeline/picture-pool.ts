import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Timeline } from '../domain/expiry-timeline.js';
import { startWorker } from '../runtime/entry-point.js';
import type { RenderedTimeline, RenderTimelineOptions } from './render-timeline.js';
import type { RenderAnswer, RenderJob } from './render-worker.js';

/*
 * Timeline pictures drawn off the main thread, a few at a time. ECharts lays out and draws
 * synchronously (tens of milliseconds a picture, more for a big fleet): on the main thread a
 * burst of alert pictures would hold up every interaction behind it. The workers start on
 * the first picture, so a bot that never draws one never loads ECharts or resvg, and they
 * do not keep the process alive when idle.
 */

export class PictureError extends Error {
  override readonly name = 'PictureError';
}

export interface PicturePoolOptions {
  /** Workers at most (default: one per core beyond the main thread's, at least 1, at most 2). */
  size?: number;
  /** Pictures waiting beyond this are refused at once rather than queued (default 16). */
  maxQueued?: number;
  /** A picture not drawn within this is given up (default 15 s); its worker is replaced. */
  timeoutMs?: number;
}

interface Pending {
  job: RenderJob;
  resolve: (rendered: RenderedTimeline) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: { pending: Pending; timer: NodeJS.Timeout };
}

export class PicturePool {
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: PicturePoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    this.maxQueued = options.maxQueued ?? 16;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  draw(timeline: Timeline, options: Omit<RenderTimelineOptions, 'makeChart'>): Promise<RenderedTimeline> {
    if (this.closed) return Promise.reject(new PictureError('the picture pool is closed'));
    if (this.queue.length >= this.maxQueued) return Promise.reject(new PictureError(`${this.queue.length} pictures are already waiting to be drawn`));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, timeline, options }, resolve, reject });
      this.pump();
    });
  }

  /** Stops the workers; pictures not yet drawn are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new PictureError('the picture pool is closed'));
    await Promise.all(this.slots.splice(0).map((slot) => this.stop(slot, 'the picture pool is closed')));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.busy) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const pending = this.queue.shift()!;
      const timer = setTimeout(() => void this.replace(slot, `not drawn within ${this.timeoutMs} ms`), this.timeoutMs);
      timer.unref();
      slot.busy = { pending, timer };
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker('src/timeline/render-worker.ts') };
    slot.worker.unref();
    slot.worker.on('message', (answer: RenderAnswer) => this.settle(slot, answer));
    slot.worker.on('error', (error) => void this.replace(slot, error.message));
    slot.worker.on('exit', (code) => void this.replace(slot, `the drawing worker exited (${code})`));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, answer: RenderAnswer): void {
    const busy = slot.busy;
    if (!busy || busy.pending.job.id !== answer.id) return;
    clearTimeout(busy.timer);
    slot.busy = undefined;
    slot.worker.unref();
    if (answer.ok) busy.pending.resolve({ png: Buffer.from(answer.png.buffer, answer.png.byteOffset, answer.png.byteLength), svg: answer.svg, width: answer.width, height: answer.height, timings: answer.timings });
    else busy.pending.reject(new PictureError(answer.error));
    this.pump();
  }

  /** A worker that failed, hung or died: its picture is refused, and the next one gets a fresh worker. */
  private async replace(slot: Slot, reason: string): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    await this.stop(slot, reason);
    if (!this.closed) this.pump();
  }

  private async stop(slot: Slot, reason: string): Promise<void> {
    if (slot.busy) {
      clearTimeout(slot.busy.timer);
      slot.busy.pending.reject(new PictureError(reason));
      slot.busy = undefined;
    }
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
  }
}

let shared: PicturePool | undefined;

/** The process's pool, made on the first picture. */
export function picturePool(): PicturePool {
  return (shared ??= new PicturePool());
}

/** Stops the process's pool (at shutdown): pictures asked for after this are refused, not drawn by a new pool. */
export async function closePicturePool(): Promise<void> {
  shared ??= new PicturePool();
  await shared.close();
}
