/** The message flag bits the stand-in acts on (Discord's MessageFlags). */
export const EPHEMERAL = 1 << 6;
/** A deferred interaction response still "thinking". */
export const LOADING = 1 << 7;
export const SUPPRESS_EMBEDS = 1 << 2;
export const SUPPRESS_NOTIFICATIONS = 1 << 12;
export const COMPONENTS_V2 = 1 << 15;

/** What a bot may set when it creates a channel message; Discord drops any other bit. */
export const CHANNEL_MESSAGE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2;
/** What a bot may set on an interaction reply or follow-up: those, and ephemeral. */
export const INTERACTION_MESSAGE_FLAGS = EPHEMERAL | CHANNEL_MESSAGE_FLAGS;
