import { SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { inOpsGuild, opsRoleToSet } from '../src/bot/preconditions.js';
import { readCapacity, setCapacity } from '../src/fleet/operations/capacity.js';
import { OperationRefusedError } from '../src/fleet/operation-refused.js';
import type { CapacityResponse } from '../src/protocol/agent-api.js';
import type { AuditActor } from '../src/state/audit-log.js';

function describe(response: CapacityResponse): string {
  const { capacity, blastRadius } = response;
  const head = `**${response.node}**: ${capacity.agentCount} agents, maxConcurrent ${capacity.maxConcurrent}${capacity.source === 'defaults' ? ' (OpenClaw default: no openclaw.json value)' : ''}.`;
  const burst = `A restart reconnects them at once: expected burst ${blastRadius.expectedBurst.low}–${blastRadius.expectedBurst.high}.`;
  const advice = blastRadius.exceedsCapacity
    ? `⚠️ That exceeds maxConcurrent; suggested **${blastRadius.suggestedMaxConcurrent}** (\`/capacity node:${response.node} max_concurrent:${blastRadius.suggestedMaxConcurrent}\`).`
    : '✅ Within capacity.';
  return `${head}\n${burst}\n${advice}`;
}

/** `/capacity node [max_concurrent]`: agents vs maxConcurrent and the suggestion; setting it needs the ops role. */
const capacity: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('capacity')
    .setDescription("A node's agents against maxConcurrent; set it with max_concurrent")
    .setDMPermission(false)
    .addStringOption((option) => option.setName('node').setDescription('The node').setAutocomplete(true).setRequired(true).setMaxLength(63))
    .addIntegerOption((option) => option.setName('max_concurrent').setDescription('Set agents.defaults.maxConcurrent (ops role)').setMinValue(1).setMaxValue(1000)),
  preconditions: [inOpsGuild, opsRoleToSet('max_concurrent')],

  async execute(interaction, context) {
    const node = context.fleetClient.node(interaction.options.getString('node', true)).name;
    const value = interaction.options.getInteger('max_concurrent');
    if (value === null) {
      await interaction.editReply({ content: describe(await readCapacity(context.fleetClient, node)) });
      return;
    }
    // Discord enforces 1..1000, a client that skips it does not: refused here, not by the agent
    // after a lock, an audited failure and a message that says less.
    if (value < 1 || value > 1000) throw new OperationRefusedError('max_concurrent: use a whole number from 1 to 1000.');
    const actor: AuditActor = { via: 'discord', id: interaction.user.id, name: interaction.user.username };
    const response = await setCapacity(context, actor, node, value);
    await interaction.editReply({ content: `✅ maxConcurrent on ${node}: ${response.changed?.from} → ${response.changed?.to}. The gateway picks it up on its next restart.\n${describe(response)}` });
  },

  async autocomplete(interaction, context) {
    await respondWithNodes(interaction, context);
  },
};

export default capacity;
