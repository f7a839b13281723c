import { describe, expect, it } from 'vitest';
import { cliEnvSchema } from '../../../src/cli/cli-env.js';
import { UsageError } from '../../../src/cli/cli-errors.js';
import { parseArguments, wholeNumber } from '../../../src/cli/parse-arguments.js';
import { plainMessage } from '../../../src/cli/render/plain-message.js';
import { refusalText } from '../../../src/cli/render/refusal-text.js';
import { expiry, when } from '../../../src/cli/render/when.js';
import { OperationRefusedError } from '../../../src/fleet/operation-refused.js';
import { statusJson } from '../../../src/cli/json/output-shapes.js';
import { statusToJson } from '../../../src/cli/json/to-json.js';
import { renderStatusText } from '../../../src/cli/render/status-text.js';
import type { CellRenewal, FleetView, ProfileCell } from '../../../src/domain/fleet-view.js';

const T0 = Date.parse('2026-02-14T09:00:00.000Z');
const HOUR = 3_600_000;

describe('times for a terminal', () => {
  it('relative to read, absolute (UTC, minutes) to compare', () => {
    expect(when(new Date(T0 + 2 * HOUR + 5 * 60_000).toISOString(), T0)).toBe('in 2h 5m (2026-02-14 11:05Z)');
    expect(when(new Date(T0 - 90_000).toISOString(), T0)).toBe('1m 30s ago (2026-02-14 08:58Z)');
    expect(when(new Date(T0).toISOString(), T0)).toBe('now (2026-02-14 09:00Z)');
    expect(expiry(new Date(T0 - HOUR).toISOString(), T0)).toBe('expired 1h ago (2026-02-14 08:00Z)');
    expect(expiry(null, T0)).toBe('no expiry');
  });

  it('an expiry a tool reset (OpenClaw 2026.9 doctor --fix: expires 1) is said to be reset, not 20794 days ago', () => {
    expect(expiry(new Date(1).toISOString(), T0)).toBe('expiry reset to 1970-01-01 (no provider granted it: a tool or migration wrote it)');
  });
});

describe('plainMessage: what shared code phrased for Discord, made plain', () => {
  it('turns Discord timestamps into times, drops bold marks, cuts anything token-shaped', () => {
    const seconds = Math.floor((T0 - 2 * HOUR) / 1000);
    expect(plainMessage(`t440 is busy: restart by alice, started <t:${seconds}:R>. Try again when it is done.`, T0)).toBe('t440 is busy: restart by alice, started 2h ago (2026-02-14 07:00Z). Try again when it is done.');
    expect(plainMessage(`at <t:${seconds}:f>`, T0)).toBe('at 2026-02-14 07:00Z');
    expect(plainMessage('**t440**: store says sk-ant-oat01-abcdefghijklmnop', T0)).toBe('t440: store says [redacted]');
  });
});

describe('refusals in the CLI\'s words', () => {
  it('a follower asked to refresh is told the tokenops command for the owner', () => {
    const error = new OperationRefusedError('… Use /tokens refresh node:pc-a.', { kind: 'not_owner', node: 't440', profileId: 'anthropic:default', owner: 'pc-a' });
    expect(refusalText(error, T0)).toBe('t440 does not own anthropic:default: only pc-a refreshes it (the owner), t440 receives it by sync. Use: tokenops refresh pc-a --profile anthropic:default');
  });

  it('nothing to sync: the reasons made plain, the CLI remedy', () => {
    const seconds = Math.floor((T0 - HOUR) / 1000);
    const error = new OperationRefusedError('… (/tokens refresh).', { kind: 'nothing_to_sync', source: 't440', skipped: [{ profileId: 'anthropic:default', reason: `expired on t440 <t:${seconds}:R>` }] });
    expect(refusalText(error, T0)).toBe('nothing to sync from t440: anthropic:default: expired on t440 1h ago (2026-02-14 08:00Z). Refresh on the owner first (tokenops refresh <owner>).');
  });

  it('any other refusal is its message, made plain', () => {
    expect(refusalText(new OperationRefusedError('from and to are the same node (pc-a): nothing to copy.'), T0)).toBe('from and to are the same node (pc-a): nothing to copy.');
  });
});

describe('parseArguments: messages that name the culprit', () => {
  const spec = { options: { limit: { type: 'string' }, 'dry-run': { type: 'boolean' } }, required: ['from'], optional: ['to'] } as const;
  const usage = (argv: string[]) => {
    try {
      parseArguments(argv, spec);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    return null;
  };

  it('parses options, positionals and the global flags', () => {
    expect(parseArguments(['pc-a', '--limit', '5', '--dry-run', '--json'], spec)).toEqual({ values: { limit: '5', 'dry-run': true, json: true }, positionals: ['pc-a'] });
    expect(parseArguments(['--limit=7', 'a', 'b'], spec).positionals).toEqual(['a', 'b']);
  });

  it.each([
    [['pc-a', '--nope'], 'unknown option --nope'],
    [['pc-a', '-x'], 'unknown option -x'],
    [['pc-a', '--limit'], '--limit needs a value'],
    [['pc-a', '--limit', '--dry-run'], '--limit needs a value'],
    [['pc-a', '--dry-run=yes'], '--dry-run takes no value'],
    [[], 'missing <from>'],
    [['a', 'b', 'c'], 'unexpected argument "c"'],
  ])('%j → %s', (argv, message) => {
    expect(usage(argv)).toBe(message);
  });

  it('whole numbers within bounds, the value not echoed', () => {
    expect(wholeNumber('limit', ' 12 ', 1, 50)).toBe(12);
    for (const bad of ['0', '51', '1.5', '-3', 'ten', '']) expect(() => wholeNumber('limit', bad, 1, 50)).toThrow('--limit expects a whole number from 1 to 50');
  });
});

describe('the CLI environment', () => {
  it('is the bot\'s fleet and state settings, with its defaults, and needs nothing of Discord', () => {
    const env = cliEnvSchema.parse({});
    expect(env).toMatchObject({ TOKENOPS_STATE: 'sqlite://./data/tokenops.sqlite', CONFIRM_TIMEOUT: 60_000, TOKENOPS_NODE_TIMEOUT: 3_000, TOKENOPS_FANOUT: 16 });
    expect(env.TOKENOPS_FLEET).toMatch(/\/fleet\.json$/);
    expect(Object.keys(cliEnvSchema.shape)).not.toContain('DISCORD_TOKEN');
  });
});

describe('status with renewal: when each account renews and who renews it, in text and --json', () => {
  const renewal = (fields: Partial<CellRenewal>): CellRenewal => ({ atMs: T0 + 4 * HOUR, node: 'pc-a', standIn: false, state: 'scheduled', covers: true, current: true, currentExpiresAtMs: T0 + 7 * HOUR, renewers: ['pc-a', 't440'], superseded: [], lastError: null, ...fields });
  const cellWith = (profileId: string, extra: Partial<ProfileCell>): ProfileCell => ({ profileId, type: 'oauth', health: 'ok', expiresAt: new Date(T0 + 7 * HOUR).toISOString(), agents: ['main'], fingerprint: null, tokenTag: null, owner: 'pc-a', isOwner: true, divergesFromOwner: false, agentsDisagree: false, copies: [], ...extra });
  const seconds = Math.floor((T0 + 10 * 60_000) / 1000);
  const view: FleetView = {
    checkedAt: new Date(T0).toISOString(),
    worst: 'ok',
    counts: { ok: 3, missing: 0, expiring: 0, expired: 0, invalid: 0, unreachable: 0 },
    nodes: [
      {
        name: 't440',
        reachable: true,
        unreadableStores: [],
        worst: 'ok',
        profiles: [
          cellWith('anthropic:default', { renewal: renewal({ node: 't440', standIn: true }) }),
          cellWith('openai-codex:ops', { renewal: renewal({ atMs: null, node: 't440', state: 'failed', covers: false, lastError: 'invalid_grant' }) }),
          cellWith('google:ops', { renewal: renewal({ atMs: T0 + 10 * 60_000, node: 't440', state: 'waiting', reason: `pc-a is unreachable; t440 renews instead from <t:${seconds}:R> (renew.ownerDownFor)` }) }),
        ],
      },
    ],
  };

  it('text: renews at, on whom; failed for good; waits, with its time made plain', () => {
    const text = renderStatusText(view, T0);
    expect(text).toContain('renews at 2026-02-14 13:00Z on t440 (stand-in)');
    expect(text).toContain('RENEWAL FAILED FOR GOOD on t440: log in again');
    expect(text).toContain('renewal waits: pc-a is unreachable; t440 renews instead from 2026-02-14 09:10Z');
  });

  it('--json: the documented shape, ISO times, no Discord markup', () => {
    const json = statusJson.parse({ ok: true, command: 'status', ...statusToJson(view, []) });
    const [anthropic, codex, google] = json.nodes[0]!.profiles;
    expect(anthropic?.renewal).toEqual({ state: 'scheduled', at: '2026-02-14T13:00:00.000Z', node: 't440', standIn: true, covers: true });
    expect(codex?.renewal).toEqual({ state: 'failed', at: null, node: 't440', standIn: false, covers: false, lastError: 'invalid_grant' });
    expect(google?.renewal?.reason).toBe('pc-a is unreachable; t440 renews instead from 2026-02-14T09:10:00.000Z (renew.ownerDownFor)');
  });
});
