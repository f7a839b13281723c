import { describe, expect, test } from 'vitest';
import { renderTranscript } from '../../../src/standin/discord/transcript.js';
import type { RecordedMessage } from '../../../src/standin/discord/types.js';

const at = Date.parse('2026-11-28T02:00:00Z');
const plan = { title: 'Restart t440 · plan', description: 'expired <t:' + String(at / 1000 - 7200) + ':R>' };

function message(history: { at: number; content: string; embeds?: unknown[] }[]): RecordedMessage {
  const last = history.at(-1)!;
  return {
    id: 'm1', channelId: 'c1', guildId: 'g1', kind: 'channel', author: { id: 'b', username: 'tokenops', bot: true }, content: last.content,
    embeds: (last.embeds ?? []) as RecordedMessage['embeds'], components: [], attachments: [], flags: 0, ephemeral: false, loading: false,
    interactionId: null, visibleTo: null, referenceMessageId: null, createdAt: history[0]!.at, editedAt: history.length > 1 ? last.at : null, deleted: false,
    history: history.map((version) => ({ at: version.at, content: version.content, embeds: (version.embeds ?? []) as RecordedMessage['embeds'], components: [], attachments: [], flags: 0 })),
  } as RecordedMessage;
}

const input = (messages: RecordedMessage[], versions?: boolean) => ({
  channelName: 'ops', channelId: 'c1', messages, interactions: [], reactionsOn: () => ({}), nameOf: (id: string) => id, ...(versions === undefined ? {} : { versions }),
});

describe('the transcript', () => {
  const edited = message([
    { at, content: '', embeds: [] },
    { at, content: '⏳ React ✅ to run it. Expires <t:' + String(at / 1000 + 300) + ':R>.', embeds: [plan] },
    { at: at + 60_000, content: '✅ Confirmed by ops-alice.', embeds: [plan] },
    { at: at + 120_000, content: '✅ t440 ready.', embeds: [{ title: 'Restart t440 · done' }] },
  ]);

  test('by default, one entry per message with its last version, at the time it was posted', () => {
    const text = renderTranscript(input([edited]));
    expect(text).toContain('[02:00:00] tokenops (BOT, edited):\n  ✅ t440 ready.');
    expect(text).not.toContain('Confirmed by');
  });

  test('with versions, every shown version at its own time, unchanged embeds not repeated, the thinking-only version left out', () => {
    const text = renderTranscript(input([edited], true));
    expect(text.split('\n').filter((line) => line.startsWith('['))).toEqual([
      '[02:00:00] tokenops (BOT):',
      '[02:01:00] tokenops (BOT, edit 1 of the message from 02:00:00):',
      '[02:02:00] tokenops (BOT, edit 2 of the message from 02:00:00):',
    ]);
    expect(text.match(/\*\*Restart t440 · plan\*\*/g)).toHaveLength(1);
    expect(text).toContain('  ┆ (embeds as before)');
  });

  test("Discord's timestamps read as a person sees them, relative ones as of the version's time", () => {
    const text = renderTranscript(input([edited], true));
    expect(text).toContain('Expires in 5 minutes.');
    expect(text).toContain('expired 2 hours ago');
    expect(text).not.toMatch(/<t:\d+/);
  });
});
