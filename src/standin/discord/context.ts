import { ChangeFeed } from './change-feed.js';
import {
  buildGuildModel,
  DEFAULT_APPLICATION_ID,
  DEFAULT_BOT_USER_ID,
  DEFAULT_GUILD_ID,
  DEFAULT_OPS_CHANNEL_ID,
  DEFAULT_OPS_MEMBER,
  DEFAULT_OPS_ROLE_ID,
  DEFAULT_PLAIN_MEMBER,
  type GuildModel,
} from './fixtures.js';
import type { StandinOptions } from './types.js';

/**
 * What every part of the stand-in shares: its options, the ids and the guild it plays, the change feed tests
 * wait on, and the warning log. The parts (gateway, REST routes, stores) are handed this rather than the
 * DiscordStandin facade, so each depends only on what it uses and can be read on its own.
 */
export class StandinContext {
  readonly apiBase: string;
  readonly gatewayUrl: string;
  readonly guildId: string;
  readonly opsChannelId: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly opsRoleId: string;
  readonly guild: GuildModel;
  readonly feed = new ChangeFeed();
  /** Payloads the stand-in refused the way Discord would (limits, empty messages, late or double callbacks). */
  readonly refusals: string[] = [];
  /** Set by close(): from then on nothing is injected and no gateway connection is taken. */
  closed = false;

  constructor(
    readonly options: StandinOptions,
    readonly port: number,
  ) {
    this.apiBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    this.guildId = options.guildId ?? DEFAULT_GUILD_ID;
    this.opsChannelId = options.opsChannelId ?? DEFAULT_OPS_CHANNEL_ID;
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    // Discord makes the bot's user id its application id; so does the default.
    this.botUserId = options.botUserId ?? (options.applicationId ?? DEFAULT_BOT_USER_ID);
    this.opsRoleId = options.opsRoleId ?? DEFAULT_OPS_ROLE_ID;
    this.guild = buildGuildModel({
      guildId: this.guildId,
      guildName: options.guildName ?? 'tokenops-standin',
      opsChannelId: this.opsChannelId,
      opsChannelName: options.opsChannelName ?? 'ops',
      channels: options.channels ?? [],
      roles: options.roles ?? [{ id: this.opsRoleId, name: 'ops' }],
      members: options.members ?? [DEFAULT_OPS_MEMBER, DEFAULT_PLAIN_MEMBER],
      botUserId: this.botUserId,
      botUsername: options.botUsername ?? 'tokenops',
    });
  }

  warn(line: string): void {
    (this.options.log ?? ((text: string) => process.stderr.write(`${text}\n`)))(`[discord-standin] ${line}`);
  }

  /** Every request and gateway frame, only with `verbose` (a test's log would drown in them otherwise). */
  debug(line: string): void {
    if (this.options.verbose) this.warn(line);
  }

  /** Records a refusal Discord would have made, logs it, and wakes waiters (a test may wait on refusals). */
  refuse(why: string): void {
    this.refusals.push(why);
    this.warn(`refused: ${why}`);
    this.feed.notify();
  }
}
