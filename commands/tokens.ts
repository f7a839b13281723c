import { SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { inOpsGuild } from '../src/bot/preconditions.js';
import { renderStatusEmbeds } from '../src/bot/render/status-embeds.js';
import { buildFleetView, selectNodes } from '../src/domain/fleet-view.js';
import { fleetStatus } from '../src/fleet/operations/fleet-status.js';

/** `/tokens status [node]`: every node's credentials at a glance (read-only, anyone in the guild). */
const tokens: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('tokens')
    .setDescription('OAuth credentials across the fleet')
    .setDMPermission(false)
    .addSubcommand((sub) =>
      sub
        .setName('status')
        .setDescription('Token health on every node (or one)')
        .addStringOption((option) => option.setName('node').setDescription('Only this node').setAutocomplete(true).setMaxLength(63)),
    ),
  preconditions: [inOpsGuild],

  async execute(interaction, context) {
    const node = interaction.options.getString('node');
    if (node) context.fleetClient.node(node);
    // The whole fleet is asked even for one node: grouping and owner checks need the others.
    const report = await fleetStatus(context.fleetClient);
    const view = buildFleetView(report.checkedAt, report.results, {
      owners: context.fleet.owners,
      warnBeforeMs: context.fleet.alerts.warnBefore,
      nowMs: context.now(),
    });
    await interaction.editReply({ embeds: renderStatusEmbeds(node ? selectNodes(view, [node]) : view) });
  },

  async autocomplete(interaction, context) {
    await respondWithNodes(interaction, context);
  },
};

export default tokens;
