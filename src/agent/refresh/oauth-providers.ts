import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from '../../config/format-issues.js';

/*
 * Where each provider's OAuth token endpoint is, and the public client id its CLI uses
 * (the refresh-token grant, RFC 6749 §6, needs both). The defaults are what OpenClaw
 * 2026.6 itself uses (read from its dist/); Google's Gemini CLI client has no default there
 * either (OpenClaw reads it from OPENCLAW_GEMINI_OAUTH_CLIENT_ID), so it must be configured.
 * A JSON file named by TOKENOPS_OAUTH_PROVIDERS overrides or adds entries.
 */
export const oauthProviderSchema = z.strictObject({
  tokenUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  /** Only for providers whose "installed app" clients carry one (Google's is public). */
  clientSecret: z.string().optional(),
  /** How the token request body is encoded: RFC 6749's form encoding, or JSON. */
  format: z.enum(['form', 'json']).default('form'),
  scope: z.string().optional(),
});
export type OAuthProvider = z.infer<typeof oauthProviderSchema>;

export const oauthProvidersFileSchema = z.record(z.string(), oauthProviderSchema);

export const DEFAULT_OAUTH_PROVIDERS: Record<string, OAuthProvider> = {
  anthropic: { tokenUrl: 'https://platform.claude.com/v1/oauth/token', clientId: '9d1c250a-e61b-44d9-88ed-5944d1962f5e', format: 'json' },
  'openai-codex': { tokenUrl: 'https://auth.openai.com/oauth/token', clientId: 'app_EMoamEEZ73f0CkXaXp7hrann', format: 'form' },
};

/** The providers in force: defaults, with the file's entries over them. Throws one readable line. */
export function loadOAuthProviders(file: string | undefined): Record<string, OAuthProvider> {
  if (!file) return { ...DEFAULT_OAUTH_PROVIDERS };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} as JSON (${(error as NodeJS.ErrnoException).code ?? 'syntax error'})`);
  }
  const parsed = oauthProvidersFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(formatIssues(parsed.error.issues, file).join('; '));
  return { ...DEFAULT_OAUTH_PROVIDERS, ...parsed.data };
}
