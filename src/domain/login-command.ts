import { providerOfProfile } from './profile.js';

/*
 * The commands a person runs on a node to replace a credential nothing else can: OpenClaw's
 * own wording, so they can be pasted as they are.
 */

/** Log an account in again after its refresh token died, naming the profile when it is not the provider's default one. */
export function loginCommand(profileId: string): string {
  const name = profileId.slice(profileId.indexOf(':') + 1);
  return `openclaw models auth login --provider ${providerOfProfile(profileId)}${name && name !== 'default' && name !== profileId ? ` --profile-id ${profileId}` : ''}`;
}

/** A new token for a `token` profile (a setup token), which only a person can issue. */
export function pasteTokenCommand(profileId: string): string {
  return `openclaw models auth paste-token --provider ${providerOfProfile(profileId)}`;
}
