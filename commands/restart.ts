import { SlashCommandBuilder, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { BotContext } from '../src/bot/bot-context.js';
import type { CommandModule } from '../src/bot/command-module.js';
import { awaitConfirmation, CANCEL_EMOJI, CONFIRM_EMOJI } from '../src/bot/confirmation.js';
import { respondWithNodes } from '../src/bot/node-autocomplete.js';
import { hasOpsRole, inOpsGuild, isOpsMember } from '../src/bot/preconditions.js';
import { LIMITS, truncate } from '../src/bot/render/discord-format.js';
import { renderRestartPlan, renderRestartResult } from '../src/bot/render/restart-plan.js';
import { formatDuration } from '../src/config/duration.js';
import type { Release } from '../src/fleet/node-locks.js';
import { noGoPlans, restartAudit, restartTarget } from '../src/fleet/operations/restart-audit.js';
import { prepareRestarts, rollingRestart } from '../src/fleet/operations/restart-node.js';
import type { AuditActor } from '../src/state/audit-log.js';
import { timelineAttachments } from '../src/bot/timeline-attachments.js';

/*
 * `/restart <node|all> [force] [raise_capacity]`: the plan first (token check, fixes,
 * blast radius, steps), then ✅/❌ on it; only a ✅ from an ops member runs it; ❌ or the
 * timeout cancel, and the message always ends saying which. `all` is a rolling restart,
 * one node at a time, one confirmation, stopping at the first failure.
 */

async function run(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const target = interaction.options.getString('node', true);
  const force = interaction.options.getBoolean('force') ?? false;
  const raiseCapacity = interaction.options.getBoolean('raise_capacity') ?? false;
  const nodes = target === 'all' ? context.fleetClient.nodeNames : [context.fleetClient.node(target).name];
  const actor: AuditActor = { via: 'discord', id: interaction.user.id, name: interaction.user.username };
  const label = restartTarget(target, force);

  // One mutation per node: held from the plan until the end (pending counts as running).
  let release: Release;
  try {
    release = context.locks.tryAcquireAll(nodes, `restart (${interaction.user.username}'s plan)`, interaction.user.username);
  } catch (error) {
    await context.audit.record(restartAudit.refused(actor, label, (error as Error).message));
    throw error;
  }

  try {
    const plans = await prepareRestarts(context.fleetClient, nodes, { force, raiseCapacity });
    const embeds = plans.slice(0, LIMITS.embedsPerMessage).map(renderRestartPlan);
    // The decision is made looking at the tokens' timeline; later edits keep the picture.
    const files = await timelineAttachments(context, nodes);
    const noGo = noGoPlans(plans);
    const expiresAt = Math.floor((Date.now() + context.env.CONFIRM_TIMEOUT) / 1000);
    const waiting = `⏳ ${nodes.length > 1 ? `Rolling restart of ${nodes.length} nodes, one at a time. ` : ''}React ${CONFIRM_EMOJI} to run it (ops role), ${CANCEL_EMOJI} to cancel. Expires <t:${expiresAt}:R>.`;
    if (noGo.length > 0) {
      await interaction.editReply({ content: `⛔ No-go for ${noGo.map((plan) => plan.node).join(', ')}: nothing to confirm. Nothing was done.`, embeds, files });
      await context.audit.record(restartAudit.noGo(actor, label, plans));
      return;
    }
    await interaction.editReply({ content: waiting, embeds, files });
    const message: Message = await interaction.fetchReply();
    await context.pendingPlans.add({ messageId: message.id, channelId: message.channelId, nodes, requestedBy: { id: actor.id, name: actor.name }, createdAt: new Date().toISOString() });
    await context.audit.record(restartAudit.planned(actor, label, plans));
    // Listen before offering the reactions: a quick ✅ must not slip past.
    const answering = awaitConfirmation(context.client, {
      messageId: message.id,
      timeoutMs: context.env.CONFIRM_TIMEOUT,
      isOps: (roles) => isOpsMember(roles, context),
      allowConfirm: true,
      onIgnored: (userId, emoji) => context.logger.info({ userId, emoji, messageId: message.id }, 'reaction ignored (not an ops member, or not ✅/❌)'),
    });
    await message.react(CONFIRM_EMOJI);
    await message.react(CANCEL_EMOJI);
    const answer = await answering;
    await context.pendingPlans.remove(message.id);
    if (answer.result === 'expired') {
      await interaction.editReply({ content: `⌛ Expired: no ${CONFIRM_EMOJI} from an ops member within ${formatDuration(context.env.CONFIRM_TIMEOUT)}. Nothing was done.`, embeds });
      await context.audit.record(restartAudit.expired(actor, label));
      return;
    }
    const by: AuditActor = { via: 'discord', id: answer.by.id, name: answer.by.name };
    if (answer.result === 'cancelled') {
      await interaction.editReply({ content: `${CANCEL_EMOJI} Cancelled by ${answer.by.name}. Nothing was done.`, embeds });
      await context.audit.record(restartAudit.cancelled(by, label, actor.name));
      return;
    }
    await context.audit.record(restartAudit.confirmed(by, label, plans, { planBy: actor.name, force }));

    const journalled = context.journal ? { journal: context.journal, actor: by, target: label, message: { channelId: message.channelId, messageId: message.id } } : undefined;
    const { results, untouched } = await rollingRestart(
      context.fleetClient,
      context.locks,
      plans,
      answer.by.name,
      async (node, index, step) => {
        const prefix = plans.length > 1 ? `(${index + 1}/${plans.length}) ` : '';
        await interaction.editReply({ content: truncate(`${CONFIRM_EMOJI} Confirmed by ${answer.by.name}. ${prefix}${node}: ${step}`, LIMITS.content), embeds });
      },
      journalled,
    );
    for (const [index, execution] of results.entries()) await context.audit.record(restartAudit.executed(by, execution, plans[index]));
    const failed = results.find((result) => result.outcome !== 'ready');
    const summary = failed
      ? `❌ ${failed.node}: ${failed.message}.${untouched.length > 0 ? ` Stopped: ${untouched.join(', ')} left as ${untouched.length === 1 ? 'it was' : 'they were'}.` : ''}`
      : `✅ ${results.map((result) => `${result.node} ready`).join(', ')}. Confirmed by ${answer.by.name}.`;
    const resultEmbeds = results.map(renderRestartResult);
    await interaction.editReply({ content: truncate(summary, LIMITS.content), embeds: [...resultEmbeds, ...embeds].slice(0, LIMITS.embedsPerMessage) });
  } finally {
    release();
  }
}

const restart: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('restart')
    .setDescription('Restart a gateway safely: plan, confirm with a reaction, verify')
    .setDMPermission(false)
    .addStringOption((option) => option.setName('node').setDescription('The node, or all for a rolling restart').setAutocomplete(true).setRequired(true).setMaxLength(63))
    .addBooleanOption((option) => option.setName('force').setDescription('Restart even when the token check says no-go'))
    .addBooleanOption((option) => option.setName('raise_capacity').setDescription('Raise maxConcurrent to the suggested value first')),
  preconditions: [inOpsGuild, hasOpsRole],
  execute: run,
  async autocomplete(interaction, context) {
    await respondWithNodes(interaction, context, { includeAll: true });
  },
};

export default restart;
