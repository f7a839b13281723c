/**
 * The command a person runs on a node to log an account in again after its refresh token
 * died (OpenClaw's own wording: `openclaw models auth login --provider <id>`), naming the
 * profile when it is not the provider's default one.
 */
export function loginCommand(profileId: string): string {
  const colon = profileId.indexOf(':');
  const provider = colon > 0 ? profileId.slice(0, colon) : profileId;
  const name = colon > 0 ? profileId.slice(colon + 1) : '';
  return `openclaw models auth login --provider ${provider}${name && name !== 'default' ? ` --profile-id ${profileId}` : ''}`;
}
