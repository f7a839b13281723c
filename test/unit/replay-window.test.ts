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

  it('restore puts back a live nonce, refused afterwards; not one already expired (at now exactly), nor one it holds, nor past the cap', () => {
    const replay = new ReplayWindow(WINDOW, 2);
    expect(replay.restore('aa', T0 + 1000, T0)).toBe(true);
    expect(replay.admit('aa', T0)).toBe(false);
    expect(replay.expiryOf('aa')).toBe(T0 + 1000);
    expect(replay.restore('aa', T0 + 2000, T0)).toBe(false);
    expect(replay.expiryOf('aa')).toBe(T0 + 1000);
    expect(replay.restore('old', T0, T0)).toBe(false);
    expect(replay.restore('older', T0 - 1, T0)).toBe(false);
    expect(replay.restore('bb', T0 + 1, T0)).toBe(true);
    expect(replay.restore('cc', T0 + 3000, T0)).toBe(false);
    expect(replay.size).toBe(2);
  });

  it('live lists what is remembered, oldest first, without what has expired', () => {
    const replay = new ReplayWindow(WINDOW);
    replay.admit('aa', T0);
    replay.admit('bb', T0 + 10);
    expect(replay.live(T0 + 5)).toEqual([
      ['aa', T0 + WINDOW],
      ['bb', T0 + 10 + WINDOW],
    ]);
    expect(replay.live(T0 + WINDOW)).toEqual([['bb', T0 + 10 + WINDOW]]);
  });
});
