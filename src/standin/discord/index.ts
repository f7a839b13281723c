/** The local Discord stand-in: see standin.ts (and README.md in this folder). */
export { DiscordStandin } from './standin.js';
export { InteractionHandle } from './interaction-handle.js';
export {
  BOT_PERMISSIONS,
  DEFAULT_APPLICATION_ID,
  DEFAULT_BOT_ROLE_ID,
  DEFAULT_BOT_USER_ID,
  DEFAULT_GUILD_ID,
  DEFAULT_OPS_CHANNEL_ID,
  DEFAULT_OPS_MEMBER,
  DEFAULT_OPS_ROLE_ID,
  DEFAULT_PLAIN_MEMBER,
  EVERYONE_PERMISSIONS,
  OTHER_GUILD_ID,
} from './fixtures.js';
export type * from './types.js';
