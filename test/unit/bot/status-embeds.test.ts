import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { renderStatusEmbeds } from '../../../src/bot/render/status-embeds.js';
import { LIMITS } from '../../../src/bot/render/discord-format.js';
import { EMBED_COLOURS, HEALTH_COLOURS, HEALTH_ICONS } from '../../../src/domain/health-colours.js';
import { buildFleetView, type FleetView } from '../../../src/domain/fleet-view.js';
import type { StatusResponse } from '../../../src/protocol/agent-api.js';
import type { NodeResult } from '../../../src/protocol/node-result.js';
import { CHECKED_AT, HOUR, MINUTE, NOW, WARN, errorResult, fingerprintFor, iso, okResult, profile, status } from './status-fixtures.js';

const OWNERS = { 'anthropic:*': 'pc-a', 'openai-codex:*': 'pc-a' };
const ANTHROPIC = 'anthropic:default';
const CODEX = 'openai-codex:ops@example.com';

function view(results: NodeResult<StatusResponse>[], owners: Record<string, string> = OWNERS): FleetView {
  return buildFleetView(CHECKED_AT, results, { owners, warnBeforeMs: WARN, nowMs: NOW });
}

const unix = (ms: number): string => `<t:${Math.floor(ms / 1000)}:R>`;

/** Everything a reader sees, as one string. */
function text(embeds: APIEmbed[]): string {
  return embeds
    .flatMap((embed) => [embed.title ?? '', embed.description ?? '', ...(embed.fields ?? []).flatMap((field) => [field.name, field.value]), embed.footer?.text ?? ''])
    .join('\n');
}

/** Discord counts title, description, field names and values, footer text and author name. */
function totalChars(embeds: APIEmbed[]): number {
  let total = 0;
  for (const embed of embeds) {
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length;
    for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  }
  return total;
}

/** Every limit of Discord's "Embed Limits" table that a bot message can break. */
function expectWithinDiscordLimits(embeds: APIEmbed[]): void {
  expect(embeds.length).toBeGreaterThanOrEqual(1);
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
  for (const embed of embeds) {
    expect((embed.title ?? '').length).toBeLessThanOrEqual(256);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(4096);
    expect((embed.fields ?? []).length).toBeLessThanOrEqual(25);
    expect((embed.footer?.text ?? '').length).toBeLessThanOrEqual(2048);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  }
  expect(totalChars(embeds)).toBeLessThanOrEqual(6000);
}

function field(embeds: APIEmbed[], nodeName: string): { name: string; value: string } {
  const found = embeds.flatMap((embed) => embed.fields ?? []).find((candidate) => new RegExp(`\\s${nodeName.replace(/[.-]/g, '\\$&')} ·|\\s${nodeName}$`).test(candidate.name));
  if (!found) throw new Error(`no field for ${nodeName}: ${embeds.flatMap((embed) => embed.fields ?? []).map((f) => f.name).join(' | ')}`);
  return found;
}

function allFields(embeds: APIEmbed[]): Array<{ name: string; value: string }> {
  return embeds.flatMap((embed) => embed.fields ?? []);
}

/** A node holding one profile of each health the view knows, plus one it lacks. */
function everyHealth(): NodeResult<StatusResponse>[] {
  return [
    okResult(
      status('pc-a', {
        profiles: [
          profile('anthropic:healthy', { expires: NOW + 3 * 24 * HOUR }),
          profile('anthropic:soon', { expires: NOW + 5 * HOUR }),
          profile('anthropic:gone', { expires: NOW - 40 * MINUTE }),
          profile('anthropic:reset', { expires: 1 }),
          profile('anthropic:broken', { health: 'invalid', expires: null, fingerprint: null, reason: 'access: expected a string' }),
        ],
      }),
    ),
    okResult(status('t440', { profiles: [profile('openai-codex:only-here@example.com', { expires: NOW + 4 * 24 * HOUR })] })),
  ];
}

describe('renderStatusEmbeds: health values', () => {
  it('every health value shows its icon; dated ones a relative Discord timestamp', () => {
    const embeds = renderStatusEmbeds(view(everyHealth()));
    const pcA = field(embeds, 'pc-a').value.split('\n');
    const line = (id: string) => {
      const found = pcA.find((candidate) => candidate.includes(`\`${id}\``));
      if (!found) throw new Error(`no line for ${id} in:\n${pcA.join('\n')}`);
      return found;
    };
    expect(line('anthropic:healthy')).toContain(HEALTH_ICONS.ok);
    expect(line('anthropic:healthy')).toContain(unix(NOW + 3 * 24 * HOUR));
    expect(line('anthropic:soon')).toContain(HEALTH_ICONS.expiring);
    expect(line('anthropic:soon')).toContain(unix(NOW + 5 * HOUR));
    expect(line('anthropic:gone')).toContain(HEALTH_ICONS.expired);
    expect(line('anthropic:gone')).toContain(unix(NOW - 40 * MINUTE));
    expect(line('anthropic:gone')).toMatch(/expired <t:\d+:R>/);
    expect(line('anthropic:soon')).toMatch(/expires <t:\d+:R>/);
    // An expiry at the epoch was written by a tool (OpenClaw 2026.9's doctor --fix), not granted: it says so.
    expect(line('anthropic:reset')).toBe(`${HEALTH_ICONS.expired} \`anthropic:reset\` · expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it) · 👑 owner`);
    expect(line('anthropic:broken')).toContain(HEALTH_ICONS.invalid);
    expect(line('anthropic:broken')).toContain('access: expected a string');
    expect(line('openai-codex:only-here@example.com')).toContain(HEALTH_ICONS.missing);
    expect(line('openai-codex:only-here@example.com')).toMatch(/missing/);
  });

  it('timestamps are whole unix seconds in the <t:…:R> form', () => {
    const odd = NOW + 3 * 24 * HOUR + 999; // milliseconds are dropped, not rounded up
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { expires: odd })] }))]));
    expect(text(embeds)).toContain(`<t:${Math.floor(odd / 1000)}:R>`);
    for (const match of text(embeds).matchAll(/<t:([^:>]+):R>/g)) expect(match[1]).toMatch(/^\d+$/);
  });

  it('the summary says when the fleet was checked, as a relative timestamp', () => {
    const embeds = renderStatusEmbeds(view(everyHealth()));
    expect(embeds[0]?.description).toContain(`checked ${unix(NOW)}`);
  });

  it('a profile without expiry says so', () => {
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles: [profile('openai:key', { type: 'api_key', expires: null, fingerprint: null })] }))]));
    expect(field(embeds, 'pc-a').value).toMatch(/`openai:key` · no expiry/);
  });

  it('the colour of every embed is the worst health shown', () => {
    const cases: Array<[NodeResult<StatusResponse>[], keyof typeof EMBED_COLOURS]> = [
      [[okResult(status('pc-a', { profiles: [profile(ANTHROPIC)] }))], 'ok'],
      [[okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW + HOUR })] }))], 'expiring'],
      [[okResult(status('pc-a', { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR })] }))], 'expired'],
      [everyHealth(), 'invalid'],
      [[...everyHealth(), errorResult('nas', 'unreachable')], 'unreachable'],
    ];
    for (const [results, worst] of cases) {
      const v = view(results);
      expect(v.worst).toBe(worst);
      for (const embed of renderStatusEmbeds(v)) expect(embed.color, worst).toBe(EMBED_COLOURS[worst]);
    }
    expect(EMBED_COLOURS.ok).not.toBe(EMBED_COLOURS.expired);
    expect(EMBED_COLOURS.expiring).not.toBe(EMBED_COLOURS.ok);
  });

  it("the embeds' colours are the timeline picture's hues, three of them as a traffic light", () => {
    const hue = (health: keyof typeof HEALTH_COLOURS) => Number.parseInt(HEALTH_COLOURS[health].slice(1), 16);
    expect(EMBED_COLOURS).toEqual({ ok: hue('ok'), missing: hue('expiring'), expiring: hue('expiring'), expired: hue('expired'), invalid: hue('expired'), unreachable: hue('expired') });
  });
});

describe('renderStatusEmbeds: owners, tokens, divergence', () => {
  function incident(): NodeResult<StatusResponse>[] {
    return [
      okResult(
        status('pc-a', {
          profiles: [profile(ANTHROPIC, { expires: NOW + 36 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'fresh') }), profile(CODEX, { expires: NOW + 9 * 24 * HOUR, fingerprint: fingerprintFor(CODEX, 'fresh') })],
          agentCount: 3,
          maxConcurrent: 4,
        }),
      ),
      okResult(
        status('t440', {
          profiles: [profile(ANTHROPIC, { expires: NOW - 2 * HOUR, fingerprint: fingerprintFor(ANTHROPIC, 'old') }), profile(CODEX, { expires: NOW + 9 * 24 * HOUR, fingerprint: fingerprintFor(CODEX, 'fresh') })],
          ready: false,
          agentCount: 15,
          maxConcurrent: 4,
        }),
      ),
    ];
  }

  it("the owner's lines carry 👑 and token A", () => {
    const pcA = field(renderStatusEmbeds(view(incident())), 'pc-a').value;
    for (const line of pcA.split('\n')) {
      expect(line).toContain('👑');
      expect(line).toContain('token A');
    }
  });

  it("a follower with the owner's token shows the same letter and no flag; a different token is flagged", () => {
    const t440 = field(renderStatusEmbeds(view(incident())), 't440').value.split('\n');
    const codex = t440.find((line) => line.includes(CODEX)) ?? '';
    const anthropic = t440.find((line) => line.includes(ANTHROPIC)) ?? '';
    expect(codex).toContain('token A');
    expect(codex).not.toContain('👑');
    expect(codex).not.toContain('⚠️');
    expect(anthropic).toContain('token B');
    expect(anthropic).toContain("not the owner's token");
    expect(anthropic).toContain('pc-a');
  });

  it('the footer explains the markers', () => {
    const embeds = renderStatusEmbeds(view(incident()));
    expect(embeds[embeds.length - 1]?.footer?.text).toMatch(/👑/);
    expect(embeds[embeds.length - 1]?.footer?.text).toMatch(/same letter = same token/);
  });

  it('agents disagreeing on one node is flagged, with the agent count', () => {
    const embeds = renderStatusEmbeds(
      view([
        okResult(
          status('pc-a', {
            profiles: [profile(ANTHROPIC, { agentId: 'main', fingerprint: fingerprintFor(ANTHROPIC, '1') }), profile(ANTHROPIC, { agentId: 'ops', fingerprint: fingerprintFor(ANTHROPIC, '2') })],
          }),
        ),
      ]),
    );
    const value = field(embeds, 'pc-a').value;
    expect(value).toContain('×2 agents');
    expect(value).toContain('agents hold different tokens');
  });

  it('node titles show gateway readiness, agents and maxConcurrent', () => {
    const embeds = renderStatusEmbeds(view([...incident(), okResult(status('nas', { gatewayReachable: false, ready: false, agentCount: 2, maxConcurrent: 12 }))]));
    expect(field(embeds, 'pc-a').name).toMatch(/pc-a · gateway ready · 3 agents \/ max 4/);
    expect(field(embeds, 't440').name).toMatch(/t440 · gateway NOT ready · 15 agents \/ max 4/);
    expect(field(embeds, 'nas').name).toMatch(/nas · gateway unreachable · 2 agents \/ max 12/);
  });

  it('the worst node comes first', () => {
    const names = allFields(renderStatusEmbeds(view(incident()))).map((f) => f.name);
    expect(names[0]).toContain('t440');
    expect(names[1]).toContain('pc-a');
  });
});

describe('renderStatusEmbeds: unreachable nodes and unreadable stores', () => {
  it.each(['unreachable', 'timeout', 'unauthorized', 'bad_response', 'http_error'] as const)('an unreachable node shows its error kind (%s) and message', (kind) => {
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles: [profile(ANTHROPIC)] })), errorResult('t440', kind, `detail for ${kind}`)]));
    const t440 = field(embeds, 't440');
    expect(t440.name).toContain(HEALTH_ICONS.unreachable);
    expect(t440.name).toContain(kind);
    expect(t440.value).toContain(`detail for ${kind}`);
    expect(embeds[0]?.description).toContain(`${HEALTH_ICONS.unreachable} 1 unreachable`);
    // The rest still renders.
    expect(field(embeds, 'pc-a').value).toContain(ANTHROPIC);
  });

  it('an unreadable store is a line of its own with its reason', () => {
    const embeds = renderStatusEmbeds(view([okResult(status('t440', { readable: false, stores: [{ agentId: 'ops', readable: false, reason: 'not valid JSON (line 3)' }] }))]));
    const t440 = field(embeds, 't440');
    expect(t440.value).toMatch(/store of agent `ops` unreadable: not valid JSON \(line 3\)/);
    expect(t440.name).toContain(HEALTH_ICONS.invalid);
  });

  it('a reachable node without any store says so rather than showing an empty field', () => {
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles: [] }))]));
    expect(field(embeds, 'pc-a').value).toBe('no credential stores found');
  });
});

describe('renderStatusEmbeds: a fleet of two', () => {
  it('every profile line of both nodes is present, within limits', () => {
    const ids = [ANTHROPIC, 'anthropic:ops', CODEX, 'openai-codex:dev@example.com', 'google-gemini-cli:me@example.com'];
    const results = ['pc-a', 't440'].map((name, index) =>
      okResult(status(name, { profiles: ids.map((id, i) => profile(id, { expires: NOW + (index === 1 && i < 2 ? -HOUR : 3 * 24 * HOUR), fingerprint: fingerprintFor(id, index === 1 && i < 2 ? 'old' : 'new') })) })),
    );
    const embeds = renderStatusEmbeds(view(results));
    expectWithinDiscordLimits(embeds);
    expect(embeds).toHaveLength(1);
    expect(embeds[0]?.title).toBe('Fleet token status');
    expect(allFields(embeds)).toHaveLength(2);
    for (const name of ['pc-a', 't440']) {
      const lines = field(embeds, name).value.split('\n');
      expect(lines).toHaveLength(ids.length);
      for (const id of ids) expect(lines.some((line) => line.includes(`\`${id}\``)), `${name} ${id}`).toBe(true);
    }
    expect(embeds[0]?.description).toMatch(/\*\*2 nodes\*\*/);
    expect(embeds[0]?.description).toContain(`${HEALTH_ICONS.expired} 2 expired`);
  });

  it('a node filter (one node of the view) renders only that node', () => {
    const v = view(everyHealth());
    const embeds = renderStatusEmbeds({ ...v, nodes: v.nodes.filter((n) => n.name === 't440') });
    expect(allFields(embeds).map((f) => f.name)).toEqual([expect.stringContaining('t440')]);
  });

  it('backticks in an agent-provided profile id cannot break out of inline code', () => {
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles: [profile('custom:a`**bold**`', { type: 'api_key', expires: null })] }))]));
    const value = field(embeds, 'pc-a').value;
    expect(value.match(/`/g)).toHaveLength(2);
  });
});

describe('renderStatusEmbeds: large fleets stay within Discord limits', () => {
  const IDS = [ANTHROPIC, 'anthropic:ops', CODEX, 'google-gemini-cli:me@example.com', 'openai:key'];
  const nodeName = (i: number) => `node-${String(i).padStart(2, '0')}`;

  /** 50 nodes: 45 healthy, 3 with expired tokens, 2 not answering; 5 profiles each. */
  function fifty(): NodeResult<StatusResponse>[] {
    const results: NodeResult<StatusResponse>[] = [];
    for (let i = 1; i <= 50; i++) {
      const name = nodeName(i);
      if (i === 17 || i === 33) {
        results.push(errorResult(name, i === 17 ? 'timeout' : 'unreachable'));
        continue;
      }
      const expired = i === 5 || i === 25 || i === 45;
      results.push(
        okResult(
          status(name, {
            profiles: IDS.map((id) =>
              id === 'openai:key'
                ? profile(id, { type: 'api_key', expires: null, fingerprint: fingerprintFor(id, name) })
                : profile(id, { expires: expired && id.startsWith('anthropic') ? NOW - 3 * HOUR : NOW + 3 * 24 * HOUR, fingerprint: fingerprintFor(id, expired && id.startsWith('anthropic') ? `old-${name}` : 'owner') }),
            ),
          }),
        ),
      );
    }
    return results;
  }
  const owners = { 'anthropic:*': 'node-01', 'openai-codex:*': 'node-01' };

  it('50 nodes: within every limit; every non-healthy node is a field; the healthy ones are one count line', () => {
    const v = view(fifty(), owners);
    const embeds = renderStatusEmbeds(v);
    expectWithinDiscordLimits(embeds);
    const names = allFields(embeds).map((f) => f.name);
    for (const bad of [5, 25, 45, 17, 33]) expect(names.some((name) => name.includes(nodeName(bad))), nodeName(bad)).toBe(true);
    expect(names).toHaveLength(5);
    // Unreachable ones first, then the expired ones.
    expect(names.slice(0, 2).every((name) => name.includes(HEALTH_ICONS.unreachable))).toBe(true);
    expect(embeds[0]?.description).toMatch(/✅ 45 more nodes all healthy/);
    expect(embeds[0]?.description).toContain('**50 nodes**');
    expect(embeds[0]?.description).toContain(`${HEALTH_ICONS.unreachable} 2 unreachable`);
    // 3 nodes × 2 anthropic profiles
    expect(embeds[0]?.description).toContain(`${HEALTH_ICONS.expired} 6 expired`);
    // An expired node lists its problems and counts the rest.
    const five = field(embeds, 'node-05').value;
    expect(five).toContain(`\`${ANTHROPIC}\``);
    expect(five).toContain("not the owner's token");
    expect(five).toMatch(/✅ 3 healthy profiles/);
  });

  it('50 nodes: no healthy node takes a field of its own', () => {
    const embeds = renderStatusEmbeds(view(fifty(), owners));
    for (let i = 1; i <= 50; i++) {
      if ([5, 25, 45, 17, 33].includes(i)) continue;
      expect(allFields(embeds).some((f) => f.name.includes(nodeName(i)))).toBe(false);
    }
  });

  it('a single node with 40 profiles collapses its healthy ones into "N healthy profiles"', () => {
    const profiles = Array.from({ length: 40 }, (_, i) => profile(`openai-codex:user${String(i).padStart(2, '0')}@example.com`, { expires: i < 3 ? NOW + 2 * HOUR : NOW + 5 * 24 * HOUR }));
    const embeds = renderStatusEmbeds(view([okResult(status('pc-a', { profiles }))], {}));
    expectWithinDiscordLimits(embeds);
    const value = field(embeds, 'pc-a').value;
    const lines = value.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((line) => line.startsWith(HEALTH_ICONS.expiring))).toBe(true);
    expect(lines[3]).toBe(`${HEALTH_ICONS.ok} 37 healthy profiles`);
  });

  it('a node whose problems overflow a field keeps whole lines and says how many were left out', () => {
    const profiles = Array.from({ length: 60 }, (_, i) => profile(`openai-codex:some-rather-long-user-name-${String(i).padStart(2, '0')}@example.com`, { expires: NOW - HOUR }));
    const embeds = renderStatusEmbeds(view([okResult(status('t440', { profiles }))], {}));
    expectWithinDiscordLimits(embeds);
    const lines = field(embeds, 't440').value.split('\n');
    expect(lines[lines.length - 1]).toMatch(/^… \d+ more \(use \/tokens status node:t440\)$/);
    const shown = lines.length - 1;
    expect(lines[lines.length - 1]).toContain(`… ${60 - shown} more`);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^❌ `openai-codex:some-rather-long-user-name-\d\d@example\.com` · expired <t:\d+:R>$/);
  });

  it('12 healthy nodes with 40 profiles each: all nodes shown, profiles collapsed, within limits', () => {
    const results = Array.from({ length: 12 }, (_, n) => okResult(status(`gpu-${n}`, { profiles: Array.from({ length: 40 }, (_, i) => profile(`anthropic:p${i}`, { fingerprint: fingerprintFor(`anthropic:p${i}`, 'same') })) })));
    const embeds = renderStatusEmbeds(view(results, { 'anthropic:*': 'gpu-0' }));
    expectWithinDiscordLimits(embeds);
    expect(allFields(embeds)).toHaveLength(12);
    for (const f of allFields(embeds)) expect(f.value).toBe(`${HEALTH_ICONS.ok} 40 healthy profiles`);
  });

  it('a large fleet where half the nodes are unhealthy still fits in 6000 characters', () => {
    // 80 nodes, every other one holding an expired copy of the owner's account: the healthy
    // half collapses into a name list in the description, and the unhealthy half fills the
    // field budget and overflows into a second name list. The field budget (6000 - 900)
    // does not count that description, which here grows past 900 characters.
    const name = (i: number) => `worker-${String(i).padStart(2, '0')}.lab.example`;
    const results = Array.from({ length: 80 }, (_, i) =>
      okResult(status(name(i), { profiles: [profile(CODEX, { expires: i % 2 === 0 ? NOW - HOUR : NOW + 3 * 24 * HOUR, fingerprint: fingerprintFor(CODEX, i % 2 === 0 ? 'old' : 'new') })] })),
    );
    const embeds = renderStatusEmbeds(view(results, { 'openai-codex:*': name(1) }));
    expect(embeds[0]?.description).toMatch(/more nodes all healthy/);
    expect(embeds[0]?.description).toMatch(/more nodes not shown \(no room\)/);
    expectWithinDiscordLimits(embeds);
  });

  it('even 300 unhealthy nodes stay within limits and say how many were not shown', () => {
    const results = Array.from({ length: 300 }, (_, i) => okResult(status(`n${i}`, { profiles: [profile(ANTHROPIC, { expires: NOW - HOUR })], ready: i % 3 !== 0 })));
    const embeds = renderStatusEmbeds(view(results, {}));
    expectWithinDiscordLimits(embeds);
    expect(embeds[0]?.description).toMatch(/⚠️ \d+ more nodes not shown \(no room\)/);
  });
});

describe('renderStatusEmbeds: no secrets', () => {
  const ACCESS = 'sk-ant-oat01-PLANTED-access-Zq8wKx1c9d0e1f2a3b4c5d6e7';

  it('a normal status carries fingerprints at most, never anything token-shaped', () => {
    const embeds = renderStatusEmbeds(view(everyHealth()));
    const all = JSON.stringify(embeds);
    expect(all).not.toMatch(/sk-ant-/);
    expect(all).not.toMatch(/PLANTED/);
  });

  it('a token value an agent puts into a reason is not sent to Discord', () => {
    // Reasons are agent-provided free text. An older or buggy agent that quotes a value in
    // one (e.g. a parse error echoing its input) must not leak it into the channel.
    const embeds = renderStatusEmbeds(
      view([
        okResult(
          status('t440', {
            readable: false,
            stores: [{ agentId: 'ops', readable: false, reason: `Unexpected token in JSON at "${ACCESS}"` }],
            profiles: [profile(ANTHROPIC, { health: 'invalid', expires: null, fingerprint: null, reason: `access: ${ACCESS}` })],
          }),
        ),
      ]),
    );
    const all = JSON.stringify(embeds);
    expect(all).not.toContain(ACCESS);
    expect(all).not.toContain(ACCESS.slice(0, 24));
  });

  it('an error message carrying a token-shaped value is not sent either', () => {
    const embeds = renderStatusEmbeds(view([errorResult('t440', 'http_error', `refresh failed for ${ACCESS}`)]));
    expect(JSON.stringify(embeds)).not.toContain(ACCESS.slice(0, 24));
  });
});

it('iso helper round-trips (fixture sanity)', () => {
  expect(Date.parse(iso(NOW))).toBe(NOW);
});
