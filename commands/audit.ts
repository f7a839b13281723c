import { SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { hasOpsRole, inOpsGuild } from '../src/bot/preconditions.js';
import { renderAuditEmbed } from '../src/bot/render/audit-embed.js';
import { OperationRefusedError } from '../src/fleet/operation-refused.js';

/** `/audit [limit]`: the latest audited actions (ops role). */
const audit: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('audit')
    .setDescription('The latest audited actions')
    .setDMPermission(false)
    .addIntegerOption((option) => option.setName('limit').setDescription('How many (default 10)').setMinValue(1).setMaxValue(50)),
  preconditions: [inOpsGuild, hasOpsRole],
  ephemeral: true,

  async execute(interaction, context) {
    const limit = interaction.options.getInteger('limit') ?? 10;
    // Discord enforces 1..50, a client that skips it does not; 0 or less would list everything.
    if (limit < 1 || limit > 50) throw new OperationRefusedError('limit: use a number from 1 to 50.');
    await interaction.editReply({ embeds: [renderAuditEmbed(await context.audit.latest(limit))] });
  },
};

export default audit;
