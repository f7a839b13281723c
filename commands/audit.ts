import { SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { hasOpsRole, inOpsGuild } from '../src/bot/preconditions.js';
import { renderAuditEmbed } from '../src/bot/render/audit-embed.js';

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
    await interaction.editReply({ embeds: [renderAuditEmbed(await context.audit.latest(limit))] });
  },
};

export default audit;
