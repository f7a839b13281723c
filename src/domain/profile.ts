import { z } from 'zod';

/*
 * OpenClaw's credential profiles, as found in `auth-profiles.json` (and, later, in the
 * SQLite stores: same document). Every schema is loose: fields we do not know are kept,
 * because a read-modify-write must hand back everything it did not mean to change.
 */

/**
 * `anthropic:default`, `openai-codex:ops@example.com`: provider, colon, name. No path
 * characters, no control characters (a NUL ends a C string early), and a name that is not
 * all dots (`..`), so an id can never read as a path, whatever a later use does with it.
 */
export const profileIdSchema = z
  .string()
  .max(256)
  .regex(/^[a-z0-9][a-z0-9._-]*:(?!\.+$)[^\s/\\\p{Cc}]+$/iu, 'expected a profile id like "anthropic:default" (provider:name, no slashes, spaces or control characters)');

/** The provider a profile id names: `anthropic` of `anthropic:default` (profileIdSchema guarantees the colon). */
export function providerOfProfile(profileId: string): string {
  const colon = profileId.indexOf(':');
  return colon > 0 ? profileId.slice(0, colon) : profileId;
}

export const agentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'expected an agent id of letters, digits, ".", "_" or "-"');

/** Epoch milliseconds within what a Date can hold (±8.64e15), so formatting one never throws. */
export const epochMsSchema = z.number().int().nonnegative().max(8_640_000_000_000_000);
const epochMs = epochMsSchema;

export const oauthProfileSchema = z.looseObject({
  type: z.literal('oauth'),
  provider: z.string().min(1),
  access: z.string().min(1),
  refresh: z.string().min(1).optional(),
  expires: epochMs,
  accountId: z.string().optional(),
  projectId: z.string().optional(),
  email: z.string().optional(),
});

export const tokenProfileSchema = z.looseObject({
  type: z.literal('token'),
  provider: z.string().min(1),
  token: z.string().min(1),
  expires: epochMs.optional(),
});

export const apiKeyProfileSchema = z.looseObject({
  type: z.literal('api_key'),
  provider: z.string().min(1),
  key: z.string().min(1).optional(),
  keyRef: z.unknown().optional(),
});

export const profileSchema = z.discriminatedUnion('type', [oauthProfileSchema, tokenProfileSchema, apiKeyProfileSchema]);
export type Profile = z.infer<typeof profileSchema>;
export type OAuthProfile = z.infer<typeof oauthProfileSchema>;

/** The document: `{ version, profiles }`, plus legacy state fields or anything newer. */
export const authProfilesDocumentSchema = z.looseObject({
  version: z.number().int().optional(),
  profiles: z.record(z.string(), z.unknown()),
});
export type AuthProfilesDocument = z.infer<typeof authProfilesDocumentSchema>;

/** Fields a sync copies, per profile type (DESIGN.md "Sync"). Everything else stays put. */
export const CREDENTIAL_FIELDS = {
  oauth: ['access', 'refresh', 'expires', 'accountId', 'projectId', 'email'],
  token: ['token', 'expires'],
} as const;
export type SyncableType = keyof typeof CREDENTIAL_FIELDS;

export function isSyncableType(type: string): type is SyncableType {
  return type === 'oauth' || type === 'token';
}

/** Field names whose values are secrets, wherever they appear. */
export const SECRET_FIELDS = ['access', 'refresh', 'token', 'key'] as const;
