import { snowflake } from './snowflake.js';
import type { StandinMember } from './types.js';

/**
 * DM channels, one per member, made on first use: when the bot opens one (POST /users/@me/channels) or a
 * test injects a DM interaction. As on Discord, the same member always gets the same channel. The member
 * may be outside the stand-in guild (a DM interaction injected with a StandinMember), so this is also where
 * such a person is found again, by channel or by user id.
 */
export class DmChannels {
  private readonly memberByChannel = new Map<string, StandinMember>();
  private readonly channelByMember = new Map<string, string>();

  channelFor(member: StandinMember): string {
    let channelId = this.channelByMember.get(member.id);
    if (!channelId) {
      channelId = snowflake();
      this.channelByMember.set(member.id, channelId);
      this.memberByChannel.set(channelId, member);
    }
    return channelId;
  }

  /** The member at the other end of a DM channel. */
  byChannel(channelId: string): StandinMember | undefined {
    return this.memberByChannel.get(channelId);
  }

  /** A member some DM channel was opened with, by user id. */
  byUser(userId: string): StandinMember | undefined {
    const channelId = this.channelByMember.get(userId);
    return channelId === undefined ? undefined : this.memberByChannel.get(channelId);
  }

  has(channelId: string): boolean {
    return this.memberByChannel.has(channelId);
  }
}
