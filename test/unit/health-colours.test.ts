import { describe, expect, it } from 'vitest';
import { EMBED_COLOURS, HEALTH_COLOURS, HEALTH_ICONS, HEALTH_ORDER, withAlpha } from '../../src/domain/health-colours.js';

/*
 * The health colours, icons and order every picture, caption and embed shares. The other
 * tests compare against these constants; here they are pinned to what a person sees.
 */

describe('health colours', () => {
  it('each health of a bar has a hue of its own, as #rrggbb (the legend tells them apart)', () => {
    expect(HEALTH_COLOURS).toEqual({ ok: '#2ecc71', expiring: '#f1c40f', expired: '#e74c3c', invalid: '#9b59b6', missing: '#7f8c8d' });
    const hues = Object.values(HEALTH_COLOURS);
    for (const hue of hues) expect(hue).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(hues).size).toBe(hues.length);
  });

  it('legends and counts list the healths from worst to best', () => {
    expect(HEALTH_ORDER).toEqual(['expired', 'invalid', 'expiring', 'missing', 'ok']);
  });

  it('a health in a line of text is its icon, each severity its own', () => {
    expect(HEALTH_ICONS).toEqual({ ok: '✅', missing: '➖', expiring: '⚠️', expired: '❌', invalid: '🚫', unreachable: '📵' });
    expect(new Set(Object.values(HEALTH_ICONS)).size).toBe(6);
  });

  it("an embed's stripe is a traffic light: green when fine, yellow when missing or expiring, red when broken", () => {
    expect(EMBED_COLOURS).toEqual({ ok: 0x2ecc71, missing: 0xf1c40f, expiring: 0xf1c40f, expired: 0xe74c3c, invalid: 0xe74c3c, unreachable: 0xe74c3c });
  });
});

describe('withAlpha', () => {
  it('turns #rrggbb into rgba with each channel in decimal and the alpha as given', () => {
    expect(withAlpha('#e74c3c', 0.25)).toBe('rgba(231, 76, 60, 0.25)');
    expect(withAlpha('#2ecc71', 1)).toBe('rgba(46, 204, 113, 1)');
  });

  it('keeps each channel apart at the extremes (no bits of one leak into another)', () => {
    expect(withAlpha('#ff0000', 0.5)).toBe('rgba(255, 0, 0, 0.5)');
    expect(withAlpha('#00ff00', 0.5)).toBe('rgba(0, 255, 0, 0.5)');
    expect(withAlpha('#0000ff', 0.5)).toBe('rgba(0, 0, 255, 0.5)');
    expect(withAlpha('#010203', 0)).toBe('rgba(1, 2, 3, 0)');
  });
});
