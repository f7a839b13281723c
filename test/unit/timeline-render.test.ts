import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { buildTimeline, type Timeline } from '../../src/domain/expiry-timeline.js';
import { HEALTH_COLOURS } from '../../src/domain/health-colours.js';
import { selectNodes } from '../../src/domain/fleet-view.js';
import { timelineOption } from '../../src/timeline/chart-option.js';
import { layoutTimeline, rowBudget, VARIANTS, type TimelineLayout, type TimelineVariant } from '../../src/timeline/layout.js';
import { PALETTE } from '../../src/timeline/palette.js';
import { longhandFonts } from '../../src/timeline/rasterise.js';
import { renderSvg, ssrChart, type ChartFactory } from '../../src/timeline/render-svg.js';
import { renderTimeline } from '../../src/timeline/render-timeline.js';
import { timelineCaption } from '../../src/timeline/caption.js';
import { utcTicks } from '../../src/timeline/time-axis.js';
import { bigFleet, cell, goldenCases, HOUR, incident, node, NOW, THRESHOLDS, timelineOf, view } from '../support/timeline-fixtures.js';

/*
 * The picture itself: its size, and colours where the layout says things are (the red of
 * an expired bar, the "now" line, a threshold band, the background), decoded from the PNG.
 * The data behind it is tested in expiry-timeline.test.ts; here, that it is drawn so.
 */

type Rgb = [number, number, number];

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));

function hex(colour: string): Rgb {
  const value = Number.parseInt(colour.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function pixel(png: PNG, x: number, y: number): Rgb {
  const offset = (png.width * Math.round(y) + Math.floor(x)) * 4;
  return [png.data[offset]!, png.data[offset + 1]!, png.data[offset + 2]!];
}

/** Within a couple of levels per channel: anti-aliasing never reaches a sample's centre. */
function expectColour(actual: Rgb, expected: Rgb, tolerance = 2): void {
  const close = actual.every((channel, index) => Math.abs(channel - expected[index]!) <= tolerance);
  expect(close, `rgb(${actual.join(', ')}) is not rgb(${expected.join(', ')})`).toBe(true);
}

async function draw(timeline: Timeline, variant: TimelineVariant, scope = 'test'): Promise<{ png: PNG; layout: TimelineLayout; svg: string }> {
  const rendered = await renderTimeline(timeline, { variant, scope, thresholds: THRESHOLDS });
  return { png: PNG.sync.read(rendered.png), layout: layoutTimeline(timeline, variant), svg: rendered.svg };
}

function rowOf(layout: TimelineLayout, nodeName: string, profileId: string): number {
  const index = layout.rows.findIndex((row) => row.kind === 'bar' && row.bar.node === nodeName && row.bar.profileId === profileId);
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

describe('the rendered timeline', () => {
  test('the whole fleet: 1000 px wide, as tall as its rows; the background is Discord dark', async () => {
    const timeline = timelineOf(incident, 'full');
    const { png, layout } = await draw(timeline, 'full');
    // Two reachable nodes × three accounts: six rows.
    expect(layout.rows).toHaveLength(6);
    expect(png.width).toBe(1000);
    expect(png.height).toBe(VARIANTS.full.top + 6 * VARIANTS.full.rowHeight + VARIANTS.full.bottom);
    expectColour(pixel(png, 2, png.height - 2), hex(PALETTE.background), 0);
    expectColour(pixel(png, png.width - 2, layout.plot.top + layout.plot.height / 2), hex(PALETTE.background), 0);
  });

  test("an expired bar is drawn in the expired red, from the window's start to its expiry, and not past it", async () => {
    const timeline = timelineOf(incident, 'full');
    const { png, layout } = await draw(timeline, 'full');
    const y = layout.rowCentre(rowOf(layout, 't440', 'anthropic:default'));
    // t440's Anthropic token expired 2 h ago; the window starts 6 h ago.
    expectColour(pixel(png, layout.x(NOW - 4 * HOUR), y), hex(HEALTH_COLOURS.expired));
    expectColour(pixel(png, layout.x(NOW - 5.8 * HOUR), y), hex(HEALTH_COLOURS.expired));
    // Past its end (beyond the words after it, and before "now"): not red.
    const after = pixel(png, layout.x(NOW - 2 * HOUR) + 3, y - VARIANTS.full.barHeight / 2 + 1);
    expect(after).not.toEqual(hex(HEALTH_COLOURS.expired));
    // pc-a's copy (the owner's, 7 h left) is green at the same place.
    expectColour(pixel(png, layout.x(NOW + 3 * HOUR), layout.rowCentre(rowOf(layout, 'pc-a', 'anthropic:default'))), hex(HEALTH_COLOURS.ok));
  });

  test('the "now" line is white at its x, top to bottom of the plot, over bars and bands', async () => {
    const timeline = timelineOf(incident, 'full');
    const { png, layout } = await draw(timeline, 'full');
    const x = layout.x(NOW);
    for (const index of [0, 2, 5]) expectColour(pixel(png, x, layout.rowCentre(index)), hex(PALETTE.now), 3);
    expectColour(pixel(png, x, layout.plot.top + layout.plot.height - 3), hex(PALETTE.now), 3);
  });

  test('the critical band is shaded red between now and now + criticalBefore, the warning band yellow after it', async () => {
    const small = timelineOf(selectNodes(incident, ['t440']), 'small');
    const { png, layout } = await draw(small, 'small');
    // In t440's expired row there is no bar after its end: the band alone over the background.
    const y = layout.rowCentre(rowOf(layout, 't440', 'anthropic:default'));
    const over = (rgba: [number, number, number, number]): Rgb => hex(PALETTE.background).map((base, index) => Math.round(rgba[index]! * rgba[3] + base * (1 - rgba[3]))) as Rgb;
    expectColour(pixel(png, layout.x(NOW + 1 * HOUR), y), over([231, 76, 60, 0.18]), 3);
    expectColour(pixel(png, layout.x(NOW + 12 * HOUR) + 3, y), over([241, 196, 15, 0.12]), 3);
    expectColour(pixel(png, layout.x(NOW + 30 * HOUR) + 3, y), hex(PALETTE.background), 2);
  });

  test("an account's next renewal is a pink square on the renewer's bar at its time, named in the legend and the caption", async () => {
    const renewal = { atMs: NOW + 4 * HOUR, node: 'pc-a', standIn: false, state: 'scheduled' as const, covers: true, current: true, currentExpiresAtMs: NOW + 7 * HOUR, renewers: ['pc-a'], superseded: [], lastError: null };
    const fleet = view([node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, renewal })]), node('t440', [cell('anthropic:default', 'ok', 7 * HOUR, { renewal })])]);
    const timeline = timelineOf(fleet, 'full');
    const { png, layout, svg } = await draw(timeline, 'full');
    expectColour(pixel(png, layout.x(NOW + 4 * HOUR), layout.rowCentre(rowOf(layout, 'pc-a', 'anthropic:default'))), hex(PALETTE.marker.renewal));
    // Not on the follower's bar: it receives the token, it does not renew.
    expectColour(pixel(png, layout.x(NOW + 4 * HOUR), layout.rowCentre(rowOf(layout, 't440', 'anthropic:default'))), hex(HEALTH_COLOURS.ok));
    expect(svg).toContain('>next renewal</text>');
    expect(timelineCaption(timeline, fleet, 'all nodes')).toContain('🔁 next renewal: anthropic:default on pc-a in 4 h');
    // Without renewal, the legend is as it was.
    expect((await draw(timelineOf(incident, 'full'), 'full')).svg).not.toContain('next renewal');
  });

  test('the owner is starred and bold; the axis says UTC and its ticks fall on whole UTC hours', async () => {
    const { svg } = await draw(timelineOf(incident, 'full'), 'full');
    const fonts = longhandFonts(svg);
    expect(fonts).toMatch(/font-weight:bold;"[^>]*>★ pc-a<\/text>/);
    expect(fonts).toMatch(/>t440<\/text>/);
    expect(svg).toMatch(/>UTC<\/text>/);
    expect(fonts).not.toMatch(/style="font:/);
    expect(utcTicks(NOW - 6 * HOUR - 20 * 60_000, NOW + 48 * HOUR, 6 * HOUR).map((tick) => new Date(tick).toISOString().slice(11, 16))).toEqual(['06:00', '12:00', '18:00', '00:00', '06:00', '12:00', '18:00', '00:00', '06:00']);
  });

  test('100 nodes × 15 accounts: healthy accounts folded and counted, healthy copies of unhealthy ones counted, worst first', async () => {
    const timeline = timelineOf(bigFleet(), 'full');
    const { png, layout, svg } = await draw(timeline, 'full');
    expect(png.height).toBeLessThanOrEqual(VARIANTS.full.maxHeight);
    expect(VARIANTS.full.maxHeight).toBeLessThanOrEqual(1100);
    expect(layout.rows.length).toBeLessThanOrEqual(rowBudget('full'));
    expect(timeline.folded.groups).toBe(13);
    expect(svg).toContain('+13 healthy accounts folded (1300 bars, all ok)');
    // anthropic: 6 unhealthy of 100, the owner, two healthy drawn; 91 counted.
    expect(svg).toContain('+91 ok on other nodes');
    expect(svg).toContain('+93 ok on other nodes');
    // Every unhealthy bar is drawn, the worst first; no more than two healthy ones besides the owner.
    const drawn = layout.rows.flatMap((row) => (row.kind === 'bar' && row.bar.profileId === 'anthropic:default' ? [`${row.bar.node} ${row.bar.health}`] : []));
    expect(drawn).toEqual(['node-050 invalid', 'node-007 expired', 'node-032 expired', 'node-057 expired', 'node-082 expired', 'node-060 missing', 'pc-a ok', 'node-086 ok', 'node-029 ok']);
    expectColour(pixel(png, layout.x(NOW - 5 * HOUR), layout.rowCentre(rowOf(layout, 'node-007', 'anthropic:default'))), hex(HEALTH_COLOURS.expired));
  });

  test('a long account cut to the height cap keeps its worst copies and its owner, and says how many are left out', async () => {
    // 100 nodes on one account: invalid, missing and expired copies among 97 healthy ones.
    const nodes = Array.from({ length: 100 }, (_, n) => {
      const name = n === 0 ? 'pc-a' : `node-${String(n).padStart(3, '0')}`;
      const health = n === 50 ? 'invalid' : n === 60 ? 'missing' : n === 7 ? 'expired' : 'ok';
      return node(name, [cell('anthropic:default', health, health === 'missing' ? null : health === 'expired' ? -HOUR : (30 + n) * HOUR, { isOwner: n === 0 })]);
    });
    for (const variant of ['full', 'small'] as const) {
      const layout = layoutTimeline(timelineOf(view(nodes), variant), variant);
      const drawn = layout.rows.flatMap((row) => (row.kind === 'bar' ? [row.bar.health] : []));
      expect(drawn, variant).toEqual(expect.arrayContaining(['invalid', 'missing', 'expired']));
      expect(layout.rows.length).toBeLessThanOrEqual(rowBudget(variant));
    }
    // More broken copies than rows: the worst drawn, the owner kept, the rest counted.
    const broken = Array.from({ length: 60 }, (_, n) => node(n === 0 ? 'pc-a' : `n-${n}`, [cell('anthropic:default', n === 0 ? 'ok' : 'expired', n === 0 ? 30 * HOUR : -n * 60_000, { isOwner: n === 0 })]));
    const { layout, svg } = await draw(timelineOf(view(broken), 'small'), 'small');
    expect(layout.rows.length).toBeLessThanOrEqual(rowBudget('small'));
    expect(layout.rows.some((row) => row.kind === 'bar' && row.bar.isOwner)).toBe(true);
    const more = layout.rows.at(-1)!;
    expect(more).toMatchObject({ kind: 'more', ok: 0 });
    expect(svg).toContain(`+${(more as { count: number }).count} more nodes`);
  });

  test('an invalid or missing copy is a short mark at now, named; not a bar across the window', async () => {
    const timeline = timelineOf(incident, 'full');
    const { png, layout, svg } = await draw(timeline, 'full');
    const y = layout.rowCentre(rowOf(layout, 't440', 'google-gemini-cli:ops@example.com'));
    expectColour(pixel(png, layout.x(NOW) + 10, y), hex(HEALTH_COLOURS.missing));
    // Well after now, in the warning band and past it: no grey bar.
    expect(pixel(png, layout.x(NOW + 30 * HOUR), y)).not.toEqual(hex(HEALTH_COLOURS.missing));
    expect(pixel(png, layout.x(NOW + 45 * HOUR), y)).not.toEqual(hex(HEALTH_COLOURS.missing));
    expect(svg).toContain('>missing here</text>');
    const invalid = timelineOf(view([node('t440', [cell('anthropic:default', 'invalid', 30 * HOUR)])]), 'small');
    const small = await draw(invalid, 'small');
    expect(small.svg).toContain('>invalid</text>');
    expectColour(pixel(small.png, small.layout.x(NOW + 20 * HOUR), small.layout.rowCentre(0)), hex(PALETTE.background), 40);
  });

  test('the small variant for a plan or an alert: 640 px wide, capped lower', async () => {
    const { png, layout } = await draw(timelineOf(selectNodes(incident, ['pc-a', 't440']), 'small'), 'small');
    expect(png.width).toBe(640);
    expect(png.height).toBe(layout.height);
    expect(png.height).toBeLessThanOrEqual(VARIANTS.small.maxHeight);
    const big = await draw(timelineOf(bigFleet(), 'small'), 'small');
    expect(big.png.height).toBeLessThanOrEqual(VARIANTS.small.maxHeight);
  });

  test('a marker before the window: hollow at its left edge, its age in the notes', async () => {
    const events = [{ node: 'pc-a', kind: 'restart' as const, atMs: NOW - 50 * HOUR }];
    const { png, layout, svg } = await draw(timelineOf(incident, 'full', { events }), 'full');
    expect(svg).toContain('hollow at the left edge, earlier: pc-a restart 2 d ago');
    // The triangle's outline in the restart orange, just inside the plot on pc-a's row.
    const y = layout.rowCentre(rowOf(layout, 'pc-a', 'anthropic:default'));
    const size = VARIANTS.full.markerSize;
    const edge = Array.from({ length: size + 4 }, (_, dy) => pixel(png, layout.plot.left + size / 2 + 1, y - size / 2 - 2 + dy));
    expect(edge.some((rgb) => rgb[0] > 200 && rgb[1] > 100 && rgb[1] < 150 && rgb[2] < 80)).toBe(true);
  });

  test('nothing to show: one row saying so, not an error', async () => {
    const { png, svg } = await draw(timelineOf(view([node('dead', [], false)]), 'full'), 'full');
    expect(png.width).toBe(1000);
    expect(svg).toContain('no profiles to show');
  });
});

describe('only names reach the picture', () => {
  // Token-shaped values wherever a cell could carry one; none may be drawn.
  const planted = ['sk-ant-oat01-PLANTEDaccessTOKENvalue0123456789abcdef', 'sk-ant-ort01-PLANTEDrefreshTOKEN0123456789abcdef', 'PLANTEDfingerprint0123456789abcdefABCDEF'];
  const leaky = view([
    node('pc-a', [cell('anthropic:default', 'ok', 7 * HOUR, { isOwner: true, tokenTag: 'A', fingerprint: planted[2]!, copies: [{ agentId: 'main', fingerprint: planted[2]!, expiresAt: null, hasRefreshToken: true }] })]),
    node('t440', [cell('anthropic:default', 'invalid', null, { tokenTag: 'B', reason: `unreadable near "${planted[0]}"`, refreshError: `invalid_grant for ${planted[1]}` })]),
  ]);

  test('the drawing holds node names, profile ids, times and fixed words, and no token value', async () => {
    const timeline = buildTimeline({ view: leaky, events: [], nowMs: NOW, hours: 48, thresholds: THRESHOLDS });
    const rendered = await renderTimeline(timeline, { variant: 'full', scope: 'all nodes', thresholds: THRESHOLDS });
    for (const secret of planted) {
      expect(rendered.svg).not.toContain(secret);
    }
    const words = [...rendered.svg.matchAll(/>([^<>]+)<\/text>/g)].map((match) => match[1]!);
    expect(words.length).toBeGreaterThan(10);
    // Nothing token-shaped: no long run of letters and digits in any label.
    for (const word of words) expect(word, word).not.toMatch(/[A-Za-z0-9+_-]{24,}/);
    expect(words).toEqual(expect.arrayContaining(['★ pc-a', 't440', 'anthropic:default']));
  });
});

describe('charts are disposed', () => {
  test('every chart made is disposed, also when drawing throws', () => {
    const made: Array<ReturnType<ChartFactory> & { isDisposed(): boolean }> = [];
    const counting: ChartFactory = (width, height) => {
      const chart = ssrChart(width, height) as ReturnType<ChartFactory> & { isDisposed(): boolean };
      made.push(chart);
      return chart;
    };
    const timeline = timelineOf(incident, 'small');
    const layout = layoutTimeline(timeline, 'small');
    for (let run = 0; run < 50; run++) renderSvg(timelineOption(timeline, layout, { scope: 'test' }), layout.width, layout.height, counting);
    const failing: ChartFactory = (width, height) => {
      const chart = counting(width, height);
      return { setOption: chart.setOption.bind(chart), dispose: () => chart.dispose(), renderToSVGString: () => { throw new Error('out of memory, say'); } };
    };
    expect(() => renderSvg(timelineOption(timeline, layout, { scope: 'test' }), layout.width, layout.height, failing)).toThrow('out of memory, say');
    expect(made).toHaveLength(51);
    expect(made.every((chart) => chart.isDisposed())).toBe(true);
  });

  test('rendering 50 times leaves no timer behind (an undisposed chart keeps one, and the process alive)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const timeline = timelineOf(incident, 'small');
    for (let run = 0; run < 50; run++) await renderTimeline(timeline, { variant: 'small', scope: 'test' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe('golden images (test/golden/timeline-*.png, `npm run golden:timeline`)', () => {
  for (const golden of goldenCases()) {
    test(`${golden.name} is drawn as committed`, async () => {
      const rendered = await renderTimeline(golden.timeline, { variant: golden.variant, scope: golden.scope, thresholds: THRESHOLDS, notes: golden.notes });
      const expected = PNG.sync.read(readFileSync(path.join(GOLDEN_DIR, `timeline-${golden.name}.png`)));
      const actual = PNG.sync.read(rendered.png);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      // resvg with fixed fonts is deterministic; a little slack for another CPU's rounding.
      let differing = 0;
      for (let offset = 0; offset < actual.data.length; offset += 4) {
        if ([0, 1, 2].some((channel) => Math.abs(actual.data[offset + channel]! - expected.data[offset + channel]!) > 8)) differing++;
      }
      expect(differing / (actual.width * actual.height), 'the picture changed: run `npm run golden:timeline`, look at test/golden/, commit them if intended').toBeLessThan(0.002);
    });
  }
});
