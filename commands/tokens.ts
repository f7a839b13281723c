import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../src/bot/bot-context.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { hasOpsRole, inOpsGuild } from '../src/bot/preconditions.js';
import { embedChars, LIMITS } from '../src/bot/render/discord-format.js';
import { renderRefreshReport } from '../src/bot/render/refresh-report.js';
import { renderStatusEmbeds } from '../src/bot/render/status-embeds.js';
import { renderSyncReport, summarizeSync } from '../src/bot/render/sync-report.js';
import { buildFleetView, selectNodes } from '../src/domain/fleet-view.js';
import { fleetStatus } from '../src/fleet/operations/fleet-status.js';
import { refreshOnOwner } from '../src/fleet/operations/refresh-on-owner.js';
import { syncOutcome, syncTokens } from '../src/fleet/operations/sync-tokens.js';

const nodeOption = (name: string, description: string, required = false) => (option: import('discord.js').SlashCommandStringOption) =>
  option.setName(name).setDescription(description).setAutocomplete(true).setMaxLength(63).setRequired(required);
const profileOption = (option: import('discord.js').SlashCommandStringOption) =>
  option.setName('profile').setDescription('Only this profile, e.g. anthropic:default').setMaxLength(256);

function actor(interaction: ChatInputCommandInteraction) {
  return { via: 'discord' as const, id: interaction.user.id, name: interaction.user.username };
}

/** `/tokens status`: every node's credentials at a glance (anyone in the guild). */
async function status(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const node = interaction.options.getString('node');
  if (node) context.fleetClient.node(node);
  // The whole fleet is asked even for one node: grouping and owner checks need the others.
  const report = await fleetStatus(context.fleetClient);
  const view = buildFleetView(report.checkedAt, report.results, { owners: context.fleet.owners, warnBeforeMs: context.fleet.alerts.warnBefore, nowMs: context.now() });
  await interaction.editReply({ embeds: renderStatusEmbeds(node ? selectNodes(view, [node]) : view) });
}

/** `/tokens sync from to [profile] [dry_run]`: copy valid credentials between nodes (ops role). */
async function sync(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const from = interaction.options.getString('from', true);
  const to = interaction.options.getString('to', true);
  const profile = interaction.options.getString('profile');
  const dryRun = interaction.options.getBoolean('dry_run') ?? false;
  const target = `${from} → ${to}${profile ? ` (${profile})` : ''}`;
  try {
    const report = await syncTokens(context.fleetClient, context.locks, { from, to, ...(profile ? { profiles: [profile] } : {}), dryRun, by: interaction.user.username });
    await context.audit.record({ actor: actor(interaction), action: dryRun ? 'tokens sync (dry run)' : 'tokens sync', target, outcome: syncOutcome(report), detail: summarizeSync(report) });
    await interaction.editReply({ embeds: [renderSyncReport(report)] });
  } catch (error) {
    await context.audit.record({ actor: actor(interaction), action: 'tokens sync', target, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
}

/**
 * `/tokens refresh node [profile]`: refresh on the owner (ops role), then hand the new
 * credentials to the followers at once. A terminal failure raises an alert: the account
 * needs a new login.
 */
async function refresh(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const node = interaction.options.getString('node', true);
  const profile = interaction.options.getString('profile');
  const target = `${node}${profile ? ` (${profile})` : ''}`;
  let response;
  try {
    response = await refreshOnOwner(context.fleetClient, context.locks, { node, ...(profile ? { profile } : {}), by: interaction.user.username });
  } catch (error) {
    await context.audit.record({ actor: actor(interaction), action: 'tokens refresh', target, outcome: 'refused', detail: (error as Error).message });
    throw error;
  }
  const refreshed = response.results.filter((result) => result.outcome === 'refreshed' || result.outcome === 'already_refreshed').map((result) => result.profileId);
  const failed = response.results.filter((result) => result.outcome === 'terminal' || result.outcome === 'failed');
  await context.audit.record({
    actor: actor(interaction),
    action: 'tokens refresh',
    target,
    outcome: failed.length === 0 ? 'ok' : refreshed.length > 0 ? 'partial' : 'failed',
    detail: response.results.map((result) => `${result.profileId}: ${result.outcome}${result.error ? ` (${result.error})` : ''}`).join('; '),
  });
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
  if (refreshed.length > 0 && context.fleetClient.nodeNames.length > 1) {
    const report = await syncTokens(context.fleetClient, context.locks, { from: node, to: 'all', profiles: refreshed, dryRun: false, by: interaction.user.username, waitForLocksMs: 15_000 });
    await context.audit.record({ actor: actor(interaction), action: 'tokens sync (after refresh)', target: `${node} → all`, outcome: syncOutcome(report), detail: summarizeSync(report) });
    // Both embeds share the message's 6000 characters.
    embeds.push(renderSyncReport(report, LIMITS.messageEmbedChars - embedChars(embeds) - 100));
  }
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
    const handlers = { status, sync, refresh } as const;
    const sub = interaction.options.getSubcommand(true) as keyof typeof handlers;
    await handlers[sub](interaction, context);
  },

  async autocomplete(interaction, context) {
    const focused = interaction.options.getFocused(true).name;
    await respondWithNodes(interaction, context, { includeAll: focused === 'to' });
  },
};

export default tokens;
