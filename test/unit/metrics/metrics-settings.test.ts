import { describe, expect, it } from 'vitest';
import { loadAgentEnv } from '../../../src/config/agent-env.js';
import { loadBotEnv } from '../../../src/config/bot-env.js';

const AGENT = { TOKENOPS_NODE: 't440', TOKENOPS_AGENT_KEY: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' };
const BOT = {
  DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.PLANTED-bot-token-value-do-not-echo',
  DISCORD_CLIENT_ID: '111111111111111111',
  DISCORD_GUILD_ID: '222222222222222222',
  OPS_CHANNEL_ID: '333333333333333333',
  OPS_ROLE_ID: '444444444444444444',
};

describe('TOKENOPS_METRICS', () => {
  it('is off unless set to on, for the agent and the bot', () => {
    const agent = loadAgentEnv(AGENT);
    const bot = loadBotEnv(BOT);
    expect(agent).toMatchObject({ ok: true, value: { TOKENOPS_METRICS: false } });
    expect(bot).toMatchObject({ ok: true, value: { TOKENOPS_METRICS: false } });
    const on = loadAgentEnv({ ...AGENT, TOKENOPS_METRICS: 'on' });
    expect(on).toMatchObject({ ok: true, value: { TOKENOPS_METRICS: true } });
    const off = loadBotEnv({ ...BOT, TOKENOPS_METRICS: 'off' });
    expect(off).toMatchObject({ ok: true, value: { TOKENOPS_METRICS: false } });
  });

  it.each(['yes', 'true', '1', 'ON '])('refuses %j with a message that names the variable and the two words', (text) => {
    for (const result of [loadAgentEnv({ ...AGENT, TOKENOPS_METRICS: text }), loadBotEnv({ ...BOT, TOKENOPS_METRICS: text })]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems).toEqual(['TOKENOPS_METRICS: expected on or off (metrics are served only with TOKENOPS_METRICS=on)']);
    }
  });
});

describe('TOKENOPS_METRICS_LISTEN', () => {
  it('defaults to loopback 9464, takes host:port, and says what it expects', () => {
    const plain = loadBotEnv(BOT);
    expect(plain).toMatchObject({ ok: true, value: { TOKENOPS_METRICS_LISTEN: { host: '127.0.0.1', port: 9464 } } });
    const set = loadBotEnv({ ...BOT, TOKENOPS_METRICS: 'on', TOKENOPS_METRICS_LISTEN: '100.64.0.2:9100' });
    expect(set).toMatchObject({ ok: true, value: { TOKENOPS_METRICS_LISTEN: { host: '100.64.0.2', port: 9100 } } });
    const wrong = loadBotEnv({ ...BOT, TOKENOPS_METRICS_LISTEN: '9464' });
    expect(wrong.ok ? [] : wrong.problems).toEqual(['TOKENOPS_METRICS_LISTEN: expected host:port, e.g. 127.0.0.1:7420']);
  });
});
