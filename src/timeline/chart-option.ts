import type { CustomSeriesOption, CustomSeriesRenderItem, EChartsOption, GraphicComponentOption } from 'echarts';
import { BAND_HEALTH, foldedAccountsText, type Timeline, type TimelineBar, type TimelineEventKind, type TimelineGroup } from '../domain/expiry-timeline.js';
import { HEALTH_COLOURS, HEALTH_ORDER } from '../domain/health-colours.js';
import { FONT_FAMILY } from './fonts.js';
import type { TimelineLayout } from './layout.js';
import { PALETTE } from './palette.js';
import { fitText, textWidth } from './text-fit.js';
import { expiryText, shortDuration, tickStepMs, utcStamp, utcTickLabel, utcTicks } from './time-axis.js';

/*
 * The ECharts option that draws a laid-out timeline: the data (bands, bars, markers, the
 * "now" line) as custom series on a value axis of time, so ECharts places them; the words
 * around them (title, labels, legend, notes) as graphic elements at the layout's places.
 * Only names reach the picture: node names, profile ids, token letters, times. Pure.
 */

export interface TimelineText {
  /** What the picture is about, e.g. "all nodes" or "t440 (and owner pc-a)". */
  scope: string;
  /** For the legend's band labels; without them the bands are named without their widths. */
  thresholds?: { warnBeforeMs: number; criticalBeforeMs: number };
  /** One-line remarks under the legend (e.g. nodes that did not answer). */
  notes?: readonly string[];
}

/** An invalid or missing copy's mark at now, in pixels. */
const STUB_WIDTH = 14;

const MARKER_KINDS: TimelineEventKind[] = ['sync', 'refresh', 'restart'];
/** The past operations' markers, and the one mark of the future: an account's next renewal. */
type MarkerKind = TimelineEventKind | 'renewal';

/** A zrender element as plain data: the same shape serves the graphic component and custom series. */
type Graphic = { type: string } & Record<string, unknown>;

const element = (graphic: Graphic) => graphic as unknown as ReturnType<CustomSeriesRenderItem>;

function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px ${FONT_FAMILY}`;
}

function text(x: number, y: number, content: string, options: { size: number; bold?: boolean; fill?: string; align?: 'left' | 'center' | 'right'; z?: number }): Graphic {
  return {
    type: 'text',
    x,
    y,
    silent: true,
    z: options.z ?? 10,
    style: { text: content, fill: options.fill ?? PALETTE.text, font: font(options.size, options.bold), align: options.align ?? 'left', verticalAlign: 'middle' },
  };
}

function rect(x: number, y: number, width: number, height: number, fill: string, z = 10): Graphic {
  return { type: 'rect', silent: true, z, shape: { x, y, width, height }, style: { fill } };
}

/** The shapes of the markers, centred on (x, y): told apart by shape as well as colour. */
function markerShape(kind: MarkerKind, x: number, y: number, size: number): Graphic {
  const half = size / 2;
  const style = { fill: PALETTE.marker[kind], stroke: PALETTE.markerOutline, lineWidth: 1 };
  if (kind === 'refresh') return { type: 'circle', shape: { cx: x, cy: y, r: half }, style };
  if (kind === 'renewal') return { type: 'rect', shape: { x: x - half, y: y - half, width: size, height: size }, style };
  const points =
    kind === 'sync'
      ? [
          [x, y - half - 1],
          [x + half + 1, y],
          [x, y + half + 1],
          [x - half - 1, y],
        ]
      : [
          [x, y - half - 1],
          [x + half + 1, y + half],
          [x - half - 1, y + half],
        ];
  return { type: 'polygon', shape: { points }, style };
}

/**
 * An account's name on its first row; one too long for the column goes on two rows when
 * the group has them, broken after the provider (`openai-codex:` / `ops@example.com`).
 */
function accountLines(profileId: string, rows: number, width: number, fontSize: number): string[] {
  const colon = profileId.indexOf(':');
  if (textWidth(profileId, fontSize, true) <= width || rows < 2 || colon < 0) return [fitText(profileId, width, fontSize, true)];
  return [fitText(profileId.slice(0, colon + 1), width, fontSize, true), fitText(profileId.slice(colon + 1), width, fontSize, true)];
}

/** Token letters tell copies of one account apart: worth a word only on a copy that is not the owner's. */
function tokenNote(bar: TimelineBar, group: TimelineGroup): string {
  const reference = (group.bars.find((candidate) => candidate.isOwner) ?? group.bars[0])?.tokenTag ?? null;
  return bar.tokenTag && reference && bar.tokenTag !== reference ? ` · token ${bar.tokenTag} (not the owner's)` : '';
}

/** "+55 ok on other nodes" (shorter when the room is short); "+3 more nodes, 1 ok" when broken ones were cut too. */
function moreText(row: { count: number; ok: number }, room: number, fontSize: number): string {
  const nodes = `node${row.count === 1 ? '' : 's'}`;
  if (row.ok < row.count) return fitText(`+${row.count} more ${nodes}${row.ok > 0 ? `, ${row.ok} ok` : ''}`, room, fontSize);
  const wordings = [`+${row.count} ok on other ${nodes}`, `+${row.count} ok elsewhere`, `+${row.count} ok`];
  return wordings.find((words) => textWidth(words, fontSize) <= room) ?? wordings.at(-1)!;
}

/** The words after a bar: when it expires; for a stub, why there is no span to draw. */
function barLabel(bar: TimelineBar, nowMs: number): string {
  if (bar.health === 'missing') return 'missing here';
  if (bar.health === 'invalid') return 'invalid';
  return expiryText(bar.expiresAtMs, nowMs);
}

/** Row labels: the account on its first row, then each node (the owner starred and bold). */
function rowLabels(layout: TimelineLayout, nowMs: number): Graphic[] {
  const { size, rows } = layout;
  const graphics: Graphic[] = [];
  const profileWidth = size.nodeColumn - 20;
  const nodeWidth = size.labelWidth - size.nodeColumn - 10;
  rows.forEach((row, index) => {
    const y = layout.rowCentre(index);
    if (row.firstInGroup) {
      // A strip in the account's worst colour down its rows: the eye finds the bad groups first.
      const groupRows = rows.filter((candidate) => candidate.group === row.group).length;
      graphics.push(rect(4, y - size.rowHeight / 2 + 2, 4, groupRows * size.rowHeight - 4, HEALTH_COLOURS[row.group.worst]));
      for (const [line, words] of accountLines(row.group.profileId, groupRows, profileWidth, size.fontSize).entries()) {
        graphics.push(text(14, layout.rowCentre(index + line), words, { size: size.fontSize, bold: true }));
      }
      if (index > 0) graphics.push(rect(0, y - size.rowHeight / 2, layout.width, 1, PALETTE.groupRule, 4));
    }
    if (row.kind === 'more') {
      // No bar on this row: the words may run into the plot, up to the "now" line.
      graphics.push(text(size.nodeColumn, y, moreText(row, layout.x(nowMs) - 8 - size.nodeColumn, size.fontSize), { size: size.fontSize, fill: PALETTE.muted }));
      return;
    }
    const { bar } = row;
    const label = fitText(`${bar.isOwner ? '★ ' : ''}${bar.node}`, nodeWidth, size.fontSize, bar.isOwner);
    graphics.push(text(size.nodeColumn, y, label, { size: size.fontSize, bold: bar.isOwner, fill: bar.isOwner ? PALETTE.text : PALETTE.muted }));
  });
  return graphics;
}

/** A legend line: coloured keys with their words, laid left to right. */
function legendLine(items: ReadonlyArray<{ key: (x: number, y: number) => Graphic; label: string }>, x0: number, y: number, fontSize: number): Graphic[] {
  const graphics: Graphic[] = [];
  let x = x0;
  for (const item of items) {
    graphics.push(item.key(x + 5, y));
    graphics.push(text(x + 14, y, item.label, { size: fontSize, fill: PALETTE.muted }));
    x += 14 + textWidth(item.label, fontSize) + 16;
  }
  return graphics;
}

function legend(timeline: Timeline, layout: TimelineLayout, words: TimelineText): Graphic[] {
  const { size, plot } = layout;
  const fontSize = size.fontSize - 1;
  const y1 = plot.top + plot.height + (layout.variant === 'full' ? 52 : 42);
  const y2 = y1 + fontSize + 8;
  const square = (colour: string) => (x: number, y: number) => rect(x - 5, y - 5, 10, 10, colour);
  const health = HEALTH_ORDER.map((health) => ({ key: square(HEALTH_COLOURS[health]), label: health }));
  const markers = MARKER_KINDS.map((kind) => ({ key: (x: number, y: number) => markerShape(kind, x, y, size.markerSize - 2), label: `last ${kind}` }));
  // Named only where drawn: a fleet without renewal keeps the legend it had.
  if (timeline.renewals.length > 0) markers.push({ key: (x: number, y: number) => markerShape('renewal', x, y, size.markerSize - 2), label: 'next renewal' });
  const within = (ms: number | undefined) => (ms === undefined ? '' : ` (< ${shortDuration(ms)})`);
  const bands = timeline.bands.map((band) => ({
    // The band's own faint fill, edged in its hue: not to be mistaken for a bar's colour.
    key: (x: number, y: number) => ({ type: 'rect', silent: true, z: 10, shape: { x: x - 5, y: y - 5, width: 10, height: 10 }, style: { fill: band.colour, stroke: HEALTH_COLOURS[BAND_HEALTH[band.kind]], lineWidth: 1 } }),
    label: `${band.kind} band${within(band.kind === 'critical' ? words.thresholds?.criticalBeforeMs : words.thresholds?.warnBeforeMs)}`,
  }));
  const graphics = [...legendLine(health, 12, y1, fontSize), ...legendLine([...markers, ...bands], 12, y2, fontSize)];
  const notes = [...(timeline.folded.groups > 0 ? [`${foldedAccountsText(timeline.folded.groups)} (${timeline.folded.bars} bars, all ok)`] : [])];
  if (layout.cut.groups > 0) notes.push(`${layout.cut.groups} more account${layout.cut.groups === 1 ? '' : 's'} (${layout.cut.bars} bars) not drawn: too many to show`);
  const drawnNodes = new Set(layout.rows.flatMap((row) => (row.kind === 'bar' ? [row.bar.node] : [])));
  const earlier = timeline.markers.filter((marker) => marker.beforeWindow && drawnNodes.has(marker.node));
  if (earlier.length > 0) notes.push(`hollow at the left edge, earlier: ${earlier.map((marker) => `${marker.node} ${marker.kind} ${shortDuration(timeline.nowMs - marker.atMs)} ago`).join(', ')}`);
  notes.push(...(words.notes ?? []));
  const noteLine = fitText(notes.join(' · '), layout.width - 24, fontSize);
  if (noteLine) graphics.push(text(12, y2 + fontSize + 10, noteLine, { size: fontSize, fill: PALETTE.text }));
  return graphics;
}

function header(timeline: Timeline, layout: TimelineLayout, words: TimelineText): Graphic[] {
  const { size, plot } = layout;
  const hours = Math.round((timeline.toMs - timeline.nowMs) / 3_600_000);
  const now = `now: ${utcStamp(timeline.nowMs)}`;
  const titleRoom = layout.width - 24 - textWidth(now, size.fontSize) - 20;
  const graphics = [
    text(12, 20, fitText(`Token expiry · ${words.scope} · next ${hours} h`, titleRoom, size.titleSize, true), { size: size.titleSize, bold: true }),
    text(layout.width - 12, 20, now, { size: size.fontSize, fill: PALETTE.muted, align: 'right' }),
  ];
  // "now" over its line, so the line is named where it starts.
  graphics.push(text(layout.x(timeline.nowMs), plot.top - 10, 'now', { size: size.fontSize, bold: true, fill: PALETTE.now, align: 'center' }));
  return graphics;
}

export function timelineOption(timeline: Timeline, layout: TimelineLayout, words: TimelineText): EChartsOption {
  const { size, plot, rows } = layout;
  const span = timeline.toMs - timeline.fromMs;
  const halfBar = size.barHeight / 2;
  const ticks = utcTicks(timeline.fromMs, timeline.toMs, tickStepMs(span, size.maxTicks));

  const bands: CustomSeriesRenderItem = (params, api) => {
    const band = timeline.bands[params.dataIndex]!;
    const [x0] = api.coord([band.fromMs, 0]) as [number, number];
    const [x1] = api.coord([band.toMs, 0]) as [number, number];
    return { type: 'rect', shape: { x: x0, y: plot.top, width: Math.max(0, x1 - x0), height: plot.height }, style: { fill: band.colour } };
  };

  const barRows = rows.flatMap((row, index) => (row.kind === 'bar' ? [{ row, index }] : []));
  const bars: CustomSeriesRenderItem = (params, api) => {
    const { row, index } = barRows[params.dataIndex]!;
    const { bar } = row;
    const [x0] = api.coord([bar.fromMs, index]) as [number, number];
    const [x1] = api.coord([bar.toMs, index]) as [number, number];
    const y = layout.rowCentre(index);
    // An invalid or missing copy: a short mark just after the "now" line, not a span of time.
    // A token that expired before the window still gets a stub: a missing bar reads as "no data".
    const left = bar.stub ? x0 + 3 : x0;
    const width = bar.stub ? STUB_WIDTH : Math.max(4, x1 - x0);
    const children: Graphic[] = [{ type: 'rect', shape: { x: left, y: y - halfBar, width, height: size.barHeight, r: 2 }, style: { fill: bar.colour } }];
    if (bar.beyondWindow) {
      // Runs off the right edge: an arrow says "later than this".
      const end = left + width;
      children.push({ type: 'polygon', shape: { points: [[end, y - halfBar - 2], [end + 6, y], [end, y + halfBar + 2]] }, style: { fill: bar.colour } });
    }
    // A stub's colour alone (purple, grey) is easy to misread: it is named in either variant.
    if (size.barText || bar.stub) {
      const label = `${barLabel(bar, timeline.nowMs)}${size.barText ? tokenNote(bar, row.group) : ''}`;
      const room = plot.left + plot.width - (left + width);
      children.push(
        room > textWidth(label, size.fontSize - 2) + 12
          ? { type: 'text', x: left + width + 6, y, style: { text: label, fill: PALETTE.muted, font: font(size.fontSize - 2), align: 'left', verticalAlign: 'middle' } }
          : { type: 'text', x: left + width - 6, y, style: { text: label, fill: PALETTE.onBar, font: font(size.fontSize - 2, true), align: 'right', verticalAlign: 'middle' } },
      );
    }
    return element({ type: 'group', children });
  };

  // Each node's markers on each of its rows: the sync that fixed t440 shows in every account.
  const markerItems = barRows.flatMap(({ row, index }) => timeline.markers.filter((marker) => marker.node === row.bar.node).map((marker) => ({ marker, index })));
  const markers: CustomSeriesRenderItem = (params, api) => {
    const { marker, index } = markerItems[params.dataIndex]!;
    if (marker.beforeWindow) {
      // Earlier than the window: hollow, at its left edge; its age is in the notes under the legend.
      const shape = markerShape(marker.kind, plot.left + size.markerSize / 2 + 1, layout.rowCentre(index), size.markerSize);
      return element({ ...shape, style: { fill: PALETTE.background, stroke: PALETTE.marker[marker.kind], lineWidth: 1.5 } });
    }
    const [x] = api.coord([marker.atMs, index]) as [number, number];
    return element(markerShape(marker.kind, x, layout.rowCentre(index), size.markerSize));
  };

  // Each account's next renewal on the renewer's row (its first drawn row when that one is cut).
  const renewalItems = timeline.renewals.flatMap((renewal) => {
    const rowOf = (match: (row: (typeof barRows)[number]['row']) => boolean) => barRows.find(({ row }) => match(row))?.index;
    const index = rowOf((row) => row.bar.profileId === renewal.profileId && row.bar.node === renewal.node) ?? rowOf((row) => row.bar.profileId === renewal.profileId);
    return index === undefined ? [] : [{ renewal, index }];
  });
  const renewals: CustomSeriesRenderItem = (params, api) => {
    const { renewal, index } = renewalItems[params.dataIndex]!;
    const [x] = api.coord([renewal.atMs, index]) as [number, number];
    return element(markerShape('renewal', x, layout.rowCentre(index), size.markerSize));
  };

  const nowLine: CustomSeriesRenderItem = (_params, api) => {
    const [x] = api.coord([timeline.nowMs, 0]) as [number, number];
    return { type: 'rect', shape: { x: x - 1, y: plot.top - 2, width: 2, height: plot.height + 4 }, style: { fill: PALETTE.now } };
  };

  const series = (name: string, renderItem: CustomSeriesRenderItem, data: unknown[], z: number): CustomSeriesOption => ({
    type: 'custom',
    name,
    renderItem,
    data: data as CustomSeriesOption['data'],
    z,
    silent: true,
    clip: false,
  });

  const empty: Graphic[] = rows.length === 0 ? [text(plot.left + plot.width / 2, plot.top + size.rowHeight / 2, 'no profiles to show', { size: size.fontSize, fill: PALETTE.muted, align: 'center' })] : [];

  return {
    animation: false,
    backgroundColor: PALETTE.background,
    textStyle: { fontFamily: FONT_FAMILY, color: PALETTE.text },
    grid: { left: plot.left, top: plot.top, width: plot.width, height: plot.height, containLabel: false },
    xAxis: {
      type: 'value',
      min: timeline.fromMs,
      max: timeline.toMs,
      // Ticks on whole UTC hours, not counted from the window's start (which is now minus a bit).
      axisTick: { customValues: ticks, lineStyle: { color: PALETTE.groupRule } },
      name: 'UTC',
      nameLocation: 'start',
      nameGap: 12,
      nameTextStyle: { color: PALETTE.text, fontFamily: FONT_FAMILY, fontSize: size.fontSize, fontWeight: 'bold', verticalAlign: 'top', padding: [4, 0, 0, 0] },
      axisLabel: { customValues: ticks, formatter: (value: number) => utcTickLabel(value), color: PALETTE.muted, fontFamily: FONT_FAMILY, fontSize: size.fontSize - 1, hideOverlap: true },
      // At the plot's bottom, not at y = 0 of the (row) axis.
      axisLine: { onZero: false, lineStyle: { color: PALETTE.groupRule } },
      splitLine: { show: true, lineStyle: { color: PALETTE.gridLine, width: 1 } },
    },
    yAxis: { type: 'value', min: -0.5, max: Math.max(1, rows.length) - 0.5, inverse: true, show: false },
    series: [
      series('bands', bands, timeline.bands.map((band) => [band.fromMs, band.toMs]), 1),
      series('bars', bars, barRows.map(({ row, index }) => [row.bar.fromMs, row.bar.toMs, index]), 3),
      series('markers', markers, markerItems.map(({ marker, index }) => [marker.atMs, index]), 5),
      series('renewals', renewals, renewalItems.map(({ renewal, index }) => [renewal.atMs, index]), 5),
      series('now', nowLine, [[timeline.nowMs, 0]], 6),
    ],
    graphic: { elements: [...header(timeline, layout, words), ...rowLabels(layout, timeline.nowMs), ...legend(timeline, layout, words), ...empty] } as GraphicComponentOption,
  };
}
