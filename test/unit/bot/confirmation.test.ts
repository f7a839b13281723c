import { Client } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { watchConfirmation } from '../../../src/bot/confirmation.js';

/*
 * Which reactions answer a plan, with a real (not logged in) discord.js client fed raw
 * gateway packets: only ✅/❌ from an ops member, only on the plan's own message, in its own
 * channel and guild.
 */

const PLAN = { id: '500000000000000001', channelId: '400000000000000001', guildId: '300000000000000001' };
const OPS_ROLE = '200000000000000001';
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
});

function reaction(overrides: { message_id?: string; channel_id?: string; guild_id?: string; emoji?: string; roles?: string[]; user?: string }) {
  return {
    t: 'MESSAGE_REACTION_ADD',
    d: {
      message_id: overrides.message_id ?? PLAN.id,
      channel_id: overrides.channel_id ?? PLAN.channelId,
      guild_id: overrides.guild_id ?? PLAN.guildId,
      user_id: overrides.user ?? '100000000000000001',
      emoji: { name: overrides.emoji ?? '✅' },
      member: { roles: overrides.roles ?? [OPS_ROLE], user: { username: 'ops-alice' } },
    },
  };
}

function watching() {
  const client = new Client({ intents: [] });
  clients.push(client);
  const ignored: string[] = [];
  const watch = watchConfirmation(client, { message: PLAN, timeoutMs: 60_000, isOps: (roles) => roles.includes(OPS_ROLE), allowConfirm: true, onIgnored: (user, emoji) => ignored.push(`${user} ${emoji}`) });
  let settled: unknown;
  void watch.answer.then((answer) => (settled = answer));
  return { client, watch, ignored, settled: () => settled };
}

describe('watchConfirmation', () => {
  it("a ✅ from an ops member on the plan's message confirms, naming them", async () => {
    const { client, watch } = watching();
    client.emit('raw', reaction({}));
    expect(await watch.answer).toEqual({ result: 'confirmed', by: { id: '100000000000000001', name: 'ops-alice' } });
  });

  it('the same message id in another channel or guild, another message, or another emoji: not an answer', async () => {
    const { client, watch, ignored, settled } = watching();
    client.emit('raw', reaction({ channel_id: '400000000000000009' }));
    client.emit('raw', reaction({ guild_id: '300000000000000009' }));
    client.emit('raw', reaction({ message_id: '500000000000000009' }));
    client.emit('raw', reaction({ emoji: '👍' }));
    client.emit('raw', reaction({ roles: [] }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled()).toBeUndefined();
    // The look-alikes elsewhere are not even considered; the wrong emoji and the non-member are (and logged).
    expect(ignored).toEqual(['100000000000000001 👍', '100000000000000001 ✅']);
    client.emit('raw', reaction({ emoji: '❌' }));
    expect(await watch.answer).toMatchObject({ result: 'cancelled' });
  });

  it('stop ends the watch as expired and removes its listeners', async () => {
    const { client, watch } = watching();
    const listeners = client.listenerCount('raw');
    watch.stop();
    expect(await watch.answer).toEqual({ result: 'expired' });
    expect(client.listenerCount('raw')).toBe(listeners - 1);
  });
});
