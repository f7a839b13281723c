import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../../src/protocol/replay-window.js';

const T0 = 1_771_060_320_000;
const WINDOW = 600_000;

describe('ReplayWindow', () => {
  it('admits a nonce once and refuses it again inside the window', () => {
    const replay = new ReplayWindow(WINDOW);
    expect(replay.admit('aa', T0)).toBe(true);
    expect(replay.admit('aa', T0)).toBe(false);
    expect(replay.admit('aa', T0 + WINDOW - 1)).toBe(false);
    expect(replay.size).toBe(1);
  });

  it('admits different nonces independently', () => {
    const replay = new ReplayWindow(WINDOW);
    expect(replay.admit('aa', T0)).toBe(true);
    expect(replay.admit('bb', T0)).toBe(true);
    expect(replay.admit('cc', T0 + 1)).toBe(true);
    expect(replay.size).toBe(3);
  });

  it('prunes a nonce once its window has passed', () => {
    const replay = new ReplayWindow(WINDOW);
    replay.admit('aa', T0);
    replay.admit('bb', T0 + 1000);
    expect(replay.admit('cc', T0 + WINDOW)).toBe(true);
    // 'aa' is gone, 'bb' is still remembered
    expect(replay.size).toBe(2);
    expect(replay.admit('bb', T0 + WINDOW)).toBe(false);
    expect(replay.admit('aa', T0 + WINDOW)).toBe(true);
  });

  it('forgets everything after a long idle period', () => {
    const replay = new ReplayWindow(WINDOW);
    for (let i = 0; i < 50; i++) replay.admit(`n${i}`, T0 + i);
    expect(replay.admit('fresh', T0 + 10 * WINDOW)).toBe(true);
    expect(replay.size).toBe(1);
  });

  it('refuses (does not forget) when full', () => {
    const replay = new ReplayWindow(WINDOW, 2);
    expect(replay.admit('aa', T0)).toBe(true);
    expect(replay.admit('bb', T0)).toBe(true);
    expect(replay.admit('cc', T0 + 1)).toBe(false);
    expect(replay.size).toBe(2);
    // the earlier nonces are still refused: nothing was evicted to make room
    expect(replay.admit('aa', T0 + 2)).toBe(false);
    expect(replay.admit('bb', T0 + 2)).toBe(false);
  });

  it('makes room again once the window has passed', () => {
    const replay = new ReplayWindow(WINDOW, 2);
    replay.admit('aa', T0);
    replay.admit('bb', T0);
    expect(replay.admit('cc', T0 + WINDOW)).toBe(true);
    expect(replay.size).toBe(1);
  });

  it('a refused nonce (window full) is not recorded', () => {
    const replay = new ReplayWindow(WINDOW, 1);
    replay.admit('aa', T0);
    expect(replay.admit('bb', T0)).toBe(false);
    expect(replay.admit('bb', T0 + WINDOW)).toBe(true);
  });
});
