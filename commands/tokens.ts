import { AttachmentBuilder, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../src/bot/bot-context.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { hasOpsRole, inOpsGuild } from '../src/bot/preconditions.js';
import { embedChars, LIMITS } from '../src/bot/render/discord-format.js';
import { renderRefreshReport } from '../src/bot/render/refresh-report.js';
import { renderStatusEmbeds } from '../src/bot/render/status-embeds.js';
import { renderSyncReport } from '../src/bot/render/sync-report.js';
import { auditedRefresh, syncAfterRefresh } from '../src/fleet/operations/audited-refresh.js';
import { auditedSync } from '../src/fleet/operations/audited-sync.js';
import { fleetStatusView } from '../src/fleet/operations/fleet-status.js';
import { profileIdSchema } from '../src/domain/profile.js';
import { OperationRefusedError } from '../src/fleet/operation-refused.js';
import type { AuditActor } from '../src/state/audit-log.js';
import { DEFAULT_TIMELINE_HOURS, pictureThresholds, timelinePicture } from '../src/timeline/timeline-picture.js';

/** Two weeks ahead at most: Codex tokens live about ten days, and further out is only "ok". */
const TIMELINE_HOURS = { min: 1, max: 336 } as const;

const nodeOption = (name: string, description: string, required = false) => (option: import('discord.js').SlashCommandStringOption) =>
  option.setName(name).setDescription(description).setAutocomplete(true).setMaxLength(63).setRequired(required);
const profileOption = (option: import('discord.js').SlashCommandStringOption) =>
  option.setName('profile').setDescription('Only this profile, e.g. anthropic:default').setMaxLength(256);

/**
 * The `profile` option, checked before any node is asked: a bad one would otherwise come
 * back as the source node "not answering" the export, or as a profile with no owner.
 */
function checkedProfile(interaction: ChatInputCommandInteraction): string | null {
  const profile = interaction.options.getString('profile');
  if (profile === null) return null;
  const parsed = profileIdSchema.safeParse(profile);
  if (!parsed.success) throw new OperationRefusedError(`profile: ${parsed.error.issues[0]?.message ?? 'not a profile id'}.`);
  return profile;
}

function actor(interaction: ChatInputCommandInteraction): AuditActor {
  return { via: 'discord', id: interaction.user.id, name: interaction.user.username };
}

/** `/tokens status`: every node's credentials at a glance (anyone in the guild). */
async function status(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const node = interaction.options.getString('node') ?? undefined;
  const view = await fleetStatusView(context.fleetClient, { ...(node ? { node } : {}), nowMs: context.now(), renewals: context.renewals });
  await interaction.editReply({ embeds: renderStatusEmbeds(view) });
}

/**
 * `/tokens timeline [node] [hours]`: the same fleet read as `status`, drawn as a picture
 * (bars to each token's expiry, "now", the thresholds, the last sync/refresh/restart).
 */
async function timeline(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const node = interaction.options.getString('node') ?? undefined;
  const hours = interaction.options.getInteger('hours') ?? DEFAULT_TIMELINE_HOURS;
  // Discord enforces the option's limits; a payload that did not come through Discord may not.
  if (hours < TIMELINE_HOURS.min || hours > TIMELINE_HOURS.max) throw new OperationRefusedError(`hours: expected ${TIMELINE_HOURS.min} to ${TIMELINE_HOURS.max}.`);
  const nowMs = context.now();
  const view = await fleetStatusView(context.fleetClient, { ...(node ? { node } : {}), nowMs, renewals: context.renewals });
  const picture = await timelinePicture(view, { audit: context.audit, thresholds: pictureThresholds(context.fleet.alerts) }, { nowMs, hours, variant: 'full', scope: node ?? 'all nodes' });
  context.logger.debug({ node, hours, ...picture.rendered.timings, bytes: picture.file.data.length }, 'timeline rendered');
  await interaction.editReply({
    content: picture.caption,
    files: [new AttachmentBuilder(picture.file.data, { name: picture.file.name, description: picture.file.description })],
    allowedMentions: { parse: [] },
  });
}

/** `/tokens sync from to [profile] [dry_run]`: copy valid credentials between nodes (ops role). */
async function sync(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const profile = checkedProfile(interaction);
  const report = await auditedSync(context, actor(interaction), {
    from: interaction.options.getString('from', true),
    to: interaction.options.getString('to', true),
    ...(profile ? { profiles: [profile] } : {}),
    dryRun: interaction.options.getBoolean('dry_run') ?? false,
  });
  await interaction.editReply({ embeds: [renderSyncReport(report)] });
}

/**
 * `/tokens refresh node [profile]`: refresh on the owner (ops role), then hand the new
 * credentials to the followers at once. A terminal failure raises an alert: the account
 * needs a new login.
 */
async function refresh(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const node = interaction.options.getString('node', true);
  const profile = checkedProfile(interaction);
  const response = await auditedRefresh(context, actor(interaction), { node, ...(profile ? { profile } : {}) });
  for (const result of response.results.filter((candidate) => candidate.outcome === 'terminal')) {
    await context.alerts.raise({
      key: `refresh-terminal:${node}:${result.profileId}`,
      severity: 'critical',
      node,
      title: `refresh of ${result.profileId} failed for good (${result.error})`,
      action: `log in again on ${node} (\`openclaw models auth login\`), then \`/tokens sync from:${node} to:all profile:${result.profileId}\``,
    });
  }
  const embeds = [renderRefreshReport(response)];
  const report = await syncAfterRefresh(context, actor(interaction), node, response);
  // Both embeds share the message's 6000 characters.
  if (report) embeds.push(renderSyncReport(report, LIMITS.messageEmbedChars - embedChars(embeds) - 100));
  await interaction.editReply({ embeds });
}

const tokens: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('tokens')
    .setDescription('OAuth credentials across the fleet')
    .setDMPermission(false)
    .addSubcommand((sub) => sub.setName('status').setDescription('Token health on every node (or one)').addStringOption(nodeOption('node', 'Only this node')))
    .addSubcommand((sub) =>
      sub
        .setName('timeline')
        .setDescription('A picture: when each token expires, on every node (or one)')
        .addStringOption(nodeOption('node', 'Only this node'))
        .addIntegerOption((option) =>
          option.setName('hours').setDescription(`How far ahead to look (default ${DEFAULT_TIMELINE_HOURS})`).setMinValue(TIMELINE_HOURS.min).setMaxValue(TIMELINE_HOURS.max),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('sync')
        .setDescription('Copy valid credentials from one node to another (or all)')
        .addStringOption(nodeOption('from', 'The node holding valid credentials', true))
        .addStringOption(nodeOption('to', 'The node to copy to, or all', true))
        .addStringOption(profileOption)
        .addBooleanOption((option) => option.setName('dry_run').setDescription('Show the plan, write nothing')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('refresh')
        .setDescription("Refresh on the account's owner node, then sync to the others")
        .addStringOption(nodeOption('node', 'The owner node', true))
        .addStringOption(profileOption),
    ),
  preconditions: [inOpsGuild],
  subcommandPreconditions: { sync: [hasOpsRole], refresh: [hasOpsRole] },

  async execute(interaction, context) {
    const handlers = { status, timeline, sync, refresh } as const;
    const sub = interaction.options.getSubcommand(true) as keyof typeof handlers;
    await handlers[sub](interaction, context);
  },

  async autocomplete(interaction, context) {
    const focused = interaction.options.getFocused(true).name;
    await respondWithNodes(interaction, context, { includeAll: focused === 'to' });
  },
};

export default tokens;
