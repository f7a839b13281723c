import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { ChannelAlertSink, type RaisedAlert } from '../../../src/alerts/alert-sink.js';

const HOUR = 3_600_000;
const REPEAT = 4 * HOUR;
const T0 = Date.UTC(2026, 1, 14, 9, 0, 0);

function rig(repeatEveryMs = REPEAT) {
  let now = T0;
  const posted: string[] = [];
  const store = new Keyv<number>();
  const sink = new ChannelAlertSink(
    store,
    async (text) => {
      posted.push(text);
    },
    repeatEveryMs,
    () => now,
  );
  return {
    sink,
    store,
    posted,
    advance(ms: number) {
      now += ms;
    },
  };
}

const expired: RaisedAlert = {
  key: 't440:expired:anthropic:default',
  severity: 'critical',
  node: 't440',
  title: 'anthropic:default expired',
  action: '/tokens sync from:pc-a to:t440',
};

describe('ChannelAlertSink', () => {
  it('posts an alert once, not again within repeatEvery, and again after it', async () => {
    const { sink, posted, advance } = rig();
    await sink.raise(expired);
    expect(posted).toHaveLength(1);
    await sink.raise(expired);
    advance(REPEAT - 1);
    await sink.raise(expired);
    expect(posted).toHaveLength(1);
    advance(1);
    await sink.raise(expired);
    expect(posted).toHaveLength(2);
    // The window restarts from the repeat.
    advance(HOUR);
    await sink.raise(expired);
    expect(posted).toHaveLength(2);
  });

  it('keeps keys independent', async () => {
    const { sink, posted, advance } = rig();
    await sink.raise(expired);
    await sink.raise({ ...expired, key: 'pc-a:expired:anthropic:default', node: 'pc-a' });
    await sink.raise({ ...expired, key: 't440:unreachable', title: 'agent unreachable' });
    expect(posted).toHaveLength(3);
    advance(HOUR);
    await sink.raise(expired);
    await sink.raise({ ...expired, key: 't440:gateway-not-ready', title: 'gateway not ready' });
    expect(posted).toHaveLength(4);
    expect(posted[3]).toContain('gateway not ready');
  });

  it('formats a critical alert with 🔴, the node and title in bold, and the action on its own line', async () => {
    const { sink, posted } = rig();
    await sink.raise(expired);
    expect(posted[0]).toBe('🔴 **t440: anthropic:default expired**\n→ /tokens sync from:pc-a to:t440');
  });

  it('formats a warning with 🟡', async () => {
    const { sink, posted } = rig();
    await sink.raise({ key: 'k', severity: 'warning', node: 'pc-a', title: 'expires in 3 h', action: '/tokens refresh node:pc-a' });
    expect(posted[0]).toBe('🟡 **pc-a: expires in 3 h**\n→ /tokens refresh node:pc-a');
    expect(posted[0]).not.toContain('🔴');
  });

  it('remembers when it posted in the keyv store, so a new sink on the same store stays quiet', async () => {
    const { sink, store, posted } = rig();
    await sink.raise(expired);
    expect(await store.get(expired.key)).toBe(T0);
    const restarted: string[] = [];
    const again = new ChannelAlertSink(store, async (text) => void restarted.push(text), REPEAT, () => T0 + HOUR);
    await again.raise(expired);
    expect(restarted).toEqual([]);
    expect(posted).toHaveLength(1);
  });

  it('a failed post is not remembered: the next raise tries again', async () => {
    const store = new Keyv<number>();
    let fail = true;
    const posted: string[] = [];
    const sink = new ChannelAlertSink(
      store,
      async (text) => {
        if (fail) throw new Error('discord down');
        posted.push(text);
      },
      REPEAT,
      () => T0,
    );
    await expect(sink.raise(expired)).rejects.toThrow('discord down');
    expect(await store.get(expired.key)).toBeUndefined();
    fail = false;
    await sink.raise(expired);
    expect(posted).toHaveLength(1);
  });

  // Regression (found by this test, fixed): raise() reads, posts, then writes; two raises
  // of one key that overlap (the periodic and the refresh-triggered sync both finding the same
  // rotation conflict, src/jobs/auto-sync.ts:137) both read "never posted" and both post.
  it('two overlapping raises of the same key post once', async () => {
    const { sink, posted } = rig();
    await Promise.all([sink.raise(expired), sink.raise(expired)]);
    expect(posted).toHaveLength(1);
  });
});
