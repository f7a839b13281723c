import { HEALTH_ICONS } from '../../domain/health-colours.js';
import { DEFAULT_PLAIN_MEMBER, type DiscordStandin } from '../../standin/discord/index.js';
import { messageText, type StepResult } from '../play-incident.js';
import type { OpenClawHome } from './openclaw-home.js';

/*
 * The last step of a recovery on real OpenClaw: the node's own CLI (`openclaw models status
 * --json`) and the bot's `/tokens status` must agree that the account's token works, and on
 * when it expires (to the second: Discord's timestamps have no finer grain). OpenClaw calls a
 * token "expiring" hours before tokenops warns (2026.9.6: with 7 h left), so either word
 * from OpenClaw is a token that works; "expired" or a missing profile is not.
 */

const WORKS = new Set(['ok', 'expiring']);
export async function confirmTokenHealth(discord: DiscordStandin, home: OpenClawHome, node: string, profileId: string): Promise<StepResult> {
  const step = `openclaw models status on ${node} agrees with the bot`;
  const reply = await discord.slash('tokens', { subcommand: 'status', options: { node }, member: DEFAULT_PLAIN_MEMBER.id }).waitForReply((state) => state.embeds.length > 0, 60_000);
  const line = messageText(reply).split('\n').find((candidate) => candidate.includes(`\`${profileId}\``)) ?? '';
  const botExpiresS = Number(/expires <t:(\d+):R>/.exec(line)?.[1] ?? Number.NaN);
  const theirs = (await home.modelsStatus()).find((profile) => profile.profileId === profileId);
  if (!theirs) return { step, ok: false, detail: `OpenClaw lists no ${profileId} on ${node}` };
  const theirExpiresS = theirs.expiresAt === undefined ? null : Math.floor(theirs.expiresAt / 1000);
  const botIcon = [HEALTH_ICONS.ok, HEALTH_ICONS.expiring].find((icon) => line.startsWith(icon));
  const ok = botIcon !== undefined && WORKS.has(theirs.status) && (theirExpiresS === null || theirExpiresS === botExpiresS);
  const when = theirExpiresS === null ? 'no expiry shown by OpenClaw' : `both say it expires <t:${theirExpiresS}>`;
  return { step, ok, detail: ok ? `${profileId}: OpenClaw "${theirs.status}", the bot ${botIcon}; ${when}` : `${profileId}: OpenClaw "${theirs.status}" (expires ${theirExpiresS ?? '?'}), the bot "${line || 'nothing'}"` };
}

/** After a renewal: OpenClaw on `node` reads the renewed token (working, and expiring when the renewal said). */
export async function confirmRenewed(home: OpenClawHome, node: string, profileId: string, expiresAtMs: number): Promise<StepResult> {
  const step = `openclaw models status on ${node} reads the renewed token`;
  const theirs = (await home.modelsStatus()).find((profile) => profile.profileId === profileId);
  const ok = theirs !== undefined && WORKS.has(theirs.status) && (theirs.expiresAt === undefined || Math.abs(theirs.expiresAt - expiresAtMs) < 1_000);
  return { step, ok, detail: theirs ? `${profileId}: OpenClaw "${theirs.status}", expires ${theirs.expiresAt === undefined ? '(not shown)' : new Date(theirs.expiresAt).toISOString()}` : `OpenClaw lists no ${profileId}` };
}
