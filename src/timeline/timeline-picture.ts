import { buildTimeline, MARKER_LOOK_BACK_MS, type Timeline } from '../domain/expiry-timeline.js';
import type { Fleet } from '../config/fleet-file.js';
import type { FleetView } from '../domain/fleet-view.js';
import type { Logger } from '../logging/logger.js';
import type { AuditLog } from '../state/audit-log.js';
import { timelineEvents } from './audit-events.js';
import { timelineCaption, unreachableNote } from './caption.js';
import { concernedScope, viewOfConcerned } from './concerned-nodes.js';
import { rowBudget, type TimelineVariant } from './layout.js';
import { picturePool } from './picture-pool.js';
import type { RenderedTimeline } from './render-timeline.js';

/*
 * The expiry timeline as a file to post: the fleet view a caller already has, the markers
 * from the audit log, the fleet's thresholds; drawn, captioned. Shared by `/tokens
 * timeline`, the restart plan and the alert messages, so all three show the same picture.
 */

export const DEFAULT_TIMELINE_HOURS = 48;

interface PictureSources {
  audit: Pick<AuditLog, 'since'>;
  thresholds: { warnBeforeMs: number; criticalBeforeMs: number };
}

/** The fleet's alert thresholds, as the picture's bands and legend take them. */
export function pictureThresholds(alerts: Pick<Fleet['alerts'], 'warnBefore' | 'criticalBefore'>): PictureSources['thresholds'] {
  return { warnBeforeMs: alerts.warnBefore, criticalBeforeMs: alerts.criticalBefore };
}

interface PictureRequest {
  nowMs: number;
  hours: number;
  variant: TimelineVariant;
  /** What the picture is about, in its title and caption: node names only. */
  scope: string;
}

/** A file as a message carries it; plain data, so jobs need no Discord types. */
export interface PictureFile {
  name: string;
  data: Buffer;
  /** Alt text: the caption, for screen readers and for whoever cannot load the image. */
  description: string;
}

interface TimelinePicture {
  file: PictureFile;
  caption: string;
  timeline: Timeline;
  rendered: RenderedTimeline;
}

/** Discord's limit for an attachment's description. */
const DESCRIPTION_MAX = 1024;

export async function timelinePicture(view: FleetView, sources: PictureSources, request: PictureRequest): Promise<TimelinePicture> {
  // Further back than the window: the latest operation before it is drawn at its edge.
  const records = await sources.audit.since(request.nowMs - MARKER_LOOK_BACK_MS);
  const timeline = buildTimeline({
    view,
    events: timelineEvents(records, view.nodes.map((node) => node.name)),
    nowMs: request.nowMs,
    hours: request.hours,
    thresholds: sources.thresholds,
    maxRows: rowBudget(request.variant),
  });
  const down = unreachableNote(view);
  const rendered = await picturePool().draw(timeline, { variant: request.variant, scope: request.scope, thresholds: sources.thresholds, notes: down ? [down] : [] });
  const caption = timelineCaption(timeline, view, request.scope);
  const name = request.variant === 'small' ? 'token-timeline-small.png' : 'token-timeline.png';
  return { file: { name, data: rendered.png, description: caption.slice(0, DESCRIPTION_MAX) }, caption, timeline, rendered };
}

/**
 * The small picture for a restart plan or an alert: the nodes concerned and their accounts'
 * owners. Never throws: a message that decides something goes out without its picture
 * rather than not at all, and the reason is logged.
 */
export async function picturesConcerning(view: FleetView, nodes: readonly string[], sources: PictureSources, options: { nowMs: number; logger: Logger }): Promise<PictureFile[]> {
  try {
    const picture = await timelinePicture(viewOfConcerned(view, nodes), sources, { nowMs: options.nowMs, hours: DEFAULT_TIMELINE_HOURS, variant: 'small', scope: concernedScope(view, nodes) });
    return [picture.file];
  } catch (error) {
    options.logger.warn({ nodes, err: (error as Error).message }, 'expiry timeline picture not rendered; posting without it');
    return [];
  }
}
