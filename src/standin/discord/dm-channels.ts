import { snowflake } from './snowflake.js';
import type { StandinMember } from './types.js';

/**
 * DM channels, one per member, made on first use: when the bot opens one (POST /users/@me/channels) or a
 * test injects a DM interaction. As on Discord, the same member always gets the same channel.
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
  member(channelId: string): StandinMember | undefined {
    return this.memberByChannel.get(channelId);
  }

  has(channelId: string): boolean {
    return this.memberByChannel.has(channelId);
  }
}
